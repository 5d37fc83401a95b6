"""Settings of the history service."""

from pathlib import Path

from pydantic import Field, model_validator

from services.common.settings import CommonSettings


class HistorySettings(CommonSettings):
    database_url: str = Field(
        default="",
        validation_alias="WEBCARE_DATABASE_URL",
        description=(
            "History database as a SQLAlchemy URL, e.g. `postgresql://user:pw@host:5432/webcare`;"
            " empty: the SQLite file `history.db` in `WEBCARE_STATE_DIR`."
        ),
    )
    host: str = Field(
        default="127.0.0.1",
        validation_alias="WEBCARE_HISTORY_HOST",
        description="Address the history API binds; 0.0.0.0 in a container.",
    )
    port: int = Field(
        default=8000,
        ge=0,
        le=65535,
        validation_alias="WEBCARE_HISTORY_PORT",
        description="Port of the history API (`/v1/...`, `/docs`, `/health`, `/ready`).",
    )
    metrics_port: int = Field(
        default=9105,
        ge=0,
        le=65535,
        validation_alias="WEBCARE_HISTORY_METRICS_PORT",
        description="Port of history's `/metrics` and `/health`; 0 turns them off.",
    )
    admin_key: str = Field(
        default="",
        validation_alias="WEBCARE_ADMIN_KEY",
        description="The first admin API key (all scopes); empty: only stored keys work.",
    )
    clock_file: Path | None = Field(
        default=None,
        validation_alias="WEBCARE_HISTORY_CLOCK_FILE",
        description="Tests: the API reads `now` from this file (ISO timestamp), as route can.",
    )
    action_wait_s: float = Field(
        default=10.0,
        ge=0,
        le=120,
        validation_alias="WEBCARE_HISTORY_ACTION_WAIT_S",
        description="How long an action waits for the projection before answering 202.",
    )

    gauge_interval_s: float = Field(
        default=15.0,
        gt=0,
        validation_alias="WEBCARE_HISTORY_GAUGE_INTERVAL_S",
        description="Seconds between recounts of the overdue gauge from the database.",
    )
    stream_heartbeat_s: float = Field(
        default=15.0,
        gt=0,
        le=300,
        validation_alias="WEBCARE_HISTORY_STREAM_HEARTBEAT_S",
        description="Seconds between heartbeat comments on a quiet department event stream.",
    )
    streams_max: int = Field(
        default=100,
        ge=0,
        validation_alias="WEBCARE_HISTORY_STREAMS_MAX",
        description=(
            "Most department event streams open at once in this process (each is a Kafka"
            " consumer on the projection's event loop); more get 503 with Retry-After. 0: no cap."
        ),
    )
    streams_per_key: int = Field(
        default=5,
        ge=0,
        validation_alias="WEBCARE_HISTORY_STREAMS_PER_KEY",
        description=(
            "Most department event streams one API key may hold open; more get 429 with"
            " Retry-After. 0: no cap."
        ),
    )
    rate_per_key: float = Field(
        default=20.0,
        ge=0,
        validation_alias="WEBCARE_HISTORY_RATE_PER_KEY",
        description=(
            "Requests a second one API key may make under `/v1`; more get 429 with"
            " Retry-After. 0 turns the limit off."
        ),
    )
    burst_per_key: float = Field(
        default=100.0,
        ge=0,
        validation_alias="WEBCARE_HISTORY_BURST_PER_KEY",
        description="Requests one API key may make at once before its rate applies.",
    )
    rate_per_address: float = Field(
        default=50.0,
        ge=0,
        validation_alias="WEBCARE_HISTORY_RATE_PER_ADDRESS",
        description=(
            "Requests a second one client address may make under `/v1`, with a key or"
            " without; more get 429 with Retry-After. 0 turns the limit off."
        ),
    )
    burst_per_address: float = Field(
        default=200.0,
        ge=0,
        validation_alias="WEBCARE_HISTORY_BURST_PER_ADDRESS",
        description="Requests one client address may make at once before its rate applies.",
    )
    header_timeout_s: float = Field(
        default=10.0,
        gt=0,
        validation_alias="WEBCARE_HISTORY_HEADER_TIMEOUT_S",
        description=(
            "Longest a client may take to send a request's headers (from the connection or the"
            " previous answer); then 408 and the connection is closed."
        ),
    )
    body_timeout_s: float = Field(
        default=30.0,
        gt=0,
        validation_alias="WEBCARE_HISTORY_BODY_TIMEOUT_S",
        description=(
            "Longest a client may take to send a request's body after its headers;"
            " then 408 and the connection is closed."
        ),
    )

    public_url: str = Field(
        default="http://127.0.0.1:8000",
        validation_alias="WEBCARE_PUBLIC_URL",
        pattern=r"^https?://[^\s/]+(/\S*)?$",
        description="Where people reach the inbox; an https URL makes its cookies Secure.",
    )
    session_hours: float = Field(
        default=12.0,
        gt=0,
        le=24 * 30,
        validation_alias="WEBCARE_INBOX_SESSION_HOURS",
        description="How long an inbox sign-in lasts before the person signs in again.",
    )

    @model_validator(mode="after")
    def _default_database(self) -> "HistorySettings":
        # Derived here, not in the default, so WEBCARE_STATE_DIR moves the database with it.
        if not self.database_url:
            self.database_url = f"sqlite:///{self.state_dir / 'history.db'}"
        return self
