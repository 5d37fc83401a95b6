"""Process settings from `WEBCARE_*` environment variables (pydantic-settings).

Every service's settings extend `CommonSettings`; service-specific fields carry
an explicit alias (`WEBCARE_INGEST_PORT`, ...) so one environment can hold the
settings of every service at once, as `make run` does.
"""

from datetime import timedelta
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]


class CommonSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="WEBCARE_", extra="ignore", validate_by_name=True, validate_by_alias=True
    )

    kafka_bootstrap: str = Field(
        default="127.0.0.1:9092",
        description="Kafka bootstrap servers, comma-separated (`host:port,host:port`).",
    )
    topic_prefix: str = Field(
        default="webcare",
        pattern=r"^[A-Za-z0-9._-]+$",
        description="Prefix of every topic and consumer group; tests use their own.",
    )
    topic_partitions: int = Field(
        default=3,
        ge=1,
        le=1000,
        description=(
            "Partitions of the topics `webcare topics create` makes and of the Faust tables;"
            " the most replicas of one service that share its work."
        ),
    )
    topic_replication: int = Field(
        default=1,
        ge=1,
        le=10,
        description="Replication factor of the topics webcare creates; 3 on a real cluster.",
    )
    organisation_config: Path = Field(
        default=REPO_ROOT / "deploy" / "config" / "organisation.yaml",
        description="Path of the organisation policy YAML.",
    )
    log_level: str = Field(
        default="INFO",
        pattern=r"^(DEBUG|INFO|WARNING|ERROR)$",
        description="DEBUG, INFO, WARNING or ERROR.",
    )
    state_dir: Path = Field(
        default=REPO_ROOT / ".state",
        description=(
            "Local state: Faust's table data and, by default, the SQLite history database;"
            " `make run` also keeps logs, pid files and the generated admin key here."
        ),
    )
    metrics_host: str = Field(
        default="127.0.0.1",
        description="Address the metrics and /health server binds; 0.0.0.0 in a container.",
    )
    lag_interval_s: float = Field(
        default=10.0, ge=0, description="Seconds between consumer-lag polls; 0 turns them off."
    )
    stall_timeout_s: float = Field(
        default=300.0,
        ge=0,
        description=(
            "A partition of this worker with messages waiting whose committed offset has not"
            " moved for this long is stalled: the worker exits 75 for its supervisor to"
            " restart it. 0 turns the watch off."
        ),
    )
    batch_max: int = Field(
        default=500,
        ge=1,
        description=(
            "Most events a stream processor takes at once (one model call, one database"
            " transaction, one ack wait); 1 handles them one by one."
        ),
    )
    producer_linger_s: float = Field(
        default=0.005,
        ge=0,
        le=1,
        description=(
            "How long a stream processor's producer lets records gather before it sends a"
            " request: one request per partition and linger instead of one per record."
        ),
    )
    fetch_max_wait_ms: int = Field(
        default=50,
        ge=0,
        le=30_000,
        description=(
            "Longest the broker holds a stream processor's fetch waiting for"
            " `WEBCARE_FETCH_MIN_BYTES`; it bounds what a record can wait for a fetch in flight."
        ),
    )
    fetch_min_bytes: int = Field(
        default=32_768,
        ge=1,
        description="Bytes the broker gathers before it answers a fetch (or the wait is over).",
    )
    claim_ttl_s: float = Field(
        default=1800.0,
        gt=0,
        validation_alias=AliasChoices("WEBCARE_CLAIM_TTL_S", "WEBCARE_HISTORY_CLAIM_TTL_S"),
        description=(
            "Seconds a claim holds after it was made (see services/common/claim_rule.py);"
            " one value for every service. WEBCARE_HISTORY_CLAIM_TTL_S is a deprecated alias."
        ),
    )
    batch_within_s: float = Field(
        default=0.02,
        gt=0,
        description="Longest a stream processor waits to fill a batch; bounds the added latency.",
    )
    outage_backoff_s: float = Field(
        default=0.5,
        gt=0,
        description=(
            "First wait of a stream processor before it tries events again that met an outage"
            " (database or broker away); doubled per try up to `WEBCARE_OUTAGE_BACKOFF_MAX_S`,"
            " with jitter. The stage waits as long as the outage lasts, committing nothing."
        ),
    )
    outage_backoff_max_s: float = Field(
        default=15.0,
        gt=0,
        description=(
            "Longest single wait between tries during an outage: at most this long after the"
            " dependency is back, the stage goes on."
        ),
    )
    health_stall_s: float = Field(
        default=10.0,
        ge=0,
        description=(
            "`/health` answers 503 when the event loop's heartbeat (stamped every second) is"
            " older than this: the loop is blocked. 0 turns the check off."
        ),
    )

    @property
    def claim_ttl(self) -> timedelta:
        return timedelta(seconds=self.claim_ttl_s)
