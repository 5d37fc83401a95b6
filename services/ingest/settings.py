"""Settings of the ingest service."""

from pydantic import Field

from services.common.settings import CommonSettings


class IngestSettings(CommonSettings):
    host: str = Field(
        default="127.0.0.1",
        validation_alias="WEBCARE_INGEST_HOST",
        description="Address the webhook endpoint binds; 0.0.0.0 in a container.",
    )
    port: int = Field(
        default=8001,
        ge=0,
        le=65535,
        validation_alias="WEBCARE_INGEST_PORT",
        description="Port of the webhook endpoint `POST /v1/mentions` (and `/health`).",
    )
    metrics_port: int = Field(
        default=9101,
        ge=0,
        le=65535,
        validation_alias="WEBCARE_INGEST_METRICS_PORT",
        description="Port of ingest's `/metrics` and `/health`; 0 turns them off.",
    )
    max_batch: int = Field(
        default=500,
        ge=1,
        validation_alias="WEBCARE_INGEST_MAX_BATCH",
        description="Most mentions one `POST /v1/mentions` may carry; more is a 413.",
    )
    max_body_bytes: int = Field(
        default=1_048_576,
        ge=1024,
        validation_alias="WEBCARE_INGEST_MAX_BODY_BYTES",
        description="Largest request body the webhook endpoint reads; more is a 413.",
    )
    publish_timeout_s: float = Field(
        default=15.0,
        gt=0,
        validation_alias="WEBCARE_INGEST_PUBLISH_TIMEOUT_S",
        description=(
            "How long ingest (and `webcare replay`) waits for Kafka to acknowledge a batch"
            " before it answers 503."
        ),
    )
    connector_backoff_s: float = Field(
        default=1.0,
        gt=0,
        validation_alias="WEBCARE_INGEST_CONNECTOR_BACKOFF_S",
        description=(
            "First wait of a source connector after a failure (platform or Kafka);"
            " it doubles with every failure in a row, with jitter."
        ),
    )
    connector_backoff_max_s: float = Field(
        default=60.0,
        gt=0,
        validation_alias="WEBCARE_INGEST_CONNECTOR_BACKOFF_MAX_S",
        description="Longest wait of a source connector between two attempts.",
    )
    connector_max_attempts: int = Field(
        default=100,
        ge=1,
        validation_alias="WEBCARE_INGEST_CONNECTOR_MAX_ATTEMPTS",
        description="Failures in a row after which a source connector gives up (and logs it).",
    )
    signature_tolerance_s: float = Field(
        default=300.0,
        gt=0,
        le=3600,
        validation_alias="WEBCARE_INGEST_SIGNATURE_TOLERANCE_S",
        description=(
            "How far a webhook signature's timestamp `t=` may be from ingest's clock, either"
            " way; each signature is accepted once within it."
        ),
    )
    signature_memory: int = Field(
        default=100_000,
        ge=100,
        validation_alias="WEBCARE_INGEST_SIGNATURE_MEMORY",
        description=(
            "Most used signatures remembered (within the tolerance) to refuse replays; when"
            " full of live ones, signed requests get 503 until some expire."
        ),
    )
    rate_per_address: float = Field(
        default=50.0,
        ge=0,
        validation_alias="WEBCARE_INGEST_RATE_PER_ADDRESS",
        description=(
            "Requests a second one client address may make to `POST /v1/mentions`; more get"
            " 429 with Retry-After. 0 turns the limit off."
        ),
    )
    burst_per_address: float = Field(
        default=200.0,
        ge=0,
        validation_alias="WEBCARE_INGEST_BURST_PER_ADDRESS",
        description="Requests one client address may make at once before its rate applies.",
    )
    rate_per_source: float = Field(
        default=50.0,
        ge=0,
        validation_alias="WEBCARE_INGEST_RATE_PER_SOURCE",
        description=(
            "Accepted requests a second per webhook source (a bridge's key), counted after its"
            " signature is checked; more get 429 with Retry-After. 0 turns the limit off."
        ),
    )
    burst_per_source: float = Field(
        default=200.0,
        ge=0,
        validation_alias="WEBCARE_INGEST_BURST_PER_SOURCE",
        description="Requests one webhook source may make at once before its rate applies.",
    )
    dead_letter_rate: float = Field(
        default=10.0,
        ge=0,
        validation_alias="WEBCARE_INGEST_DEAD_LETTER_RATE",
        description=(
            "Refused webhook bodies written to the dead-letter topic per second; beyond it"
            " they are counted in `webcare_ingest_dead_letters_dropped_total`. 0: no limit."
        ),
    )
    dead_letter_burst: float = Field(
        default=50.0,
        ge=0,
        validation_alias="WEBCARE_INGEST_DEAD_LETTER_BURST",
        description="Refused bodies dead-lettered at once before the rate applies.",
    )
    dead_letter_queue: int = Field(
        default=1000,
        ge=1,
        validation_alias="WEBCARE_INGEST_DEAD_LETTER_QUEUE",
        description="Refused bodies waiting for the dead-letter topic; more are dropped (counted).",
    )
    header_timeout_s: float = Field(
        default=10.0,
        gt=0,
        validation_alias="WEBCARE_INGEST_HEADER_TIMEOUT_S",
        description=(
            "Longest a client may take to send a request's headers (from the connection or the"
            " previous answer); then 408 and the connection is closed."
        ),
    )
    body_timeout_s: float = Field(
        default=30.0,
        gt=0,
        validation_alias="WEBCARE_INGEST_BODY_TIMEOUT_S",
        description=(
            "Longest a client may take to send a request's body after its headers;"
            " then 408 and the connection is closed."
        ),
    )
