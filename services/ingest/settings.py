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
