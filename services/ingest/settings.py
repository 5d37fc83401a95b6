"""Settings of the ingest service."""

from pydantic import Field

from services.common.settings import CommonSettings


class IngestSettings(CommonSettings):
    host: str = Field(default="127.0.0.1", validation_alias="WEBCARE_INGEST_HOST")
    port: int = Field(default=8001, ge=0, le=65535, validation_alias="WEBCARE_INGEST_PORT")
    metrics_port: int = Field(
        default=9101, ge=0, le=65535, validation_alias="WEBCARE_INGEST_METRICS_PORT"
    )
    max_batch: int = Field(default=500, ge=1, validation_alias="WEBCARE_INGEST_MAX_BATCH")
    max_body_bytes: int = Field(
        default=1_048_576, ge=1024, validation_alias="WEBCARE_INGEST_MAX_BODY_BYTES"
    )
    publish_timeout_s: float = Field(
        default=15.0, gt=0, validation_alias="WEBCARE_INGEST_PUBLISH_TIMEOUT_S"
    )
    connector_backoff_s: float = Field(
        default=1.0, gt=0, validation_alias="WEBCARE_INGEST_CONNECTOR_BACKOFF_S"
    )
    connector_backoff_max_s: float = Field(
        default=60.0, gt=0, validation_alias="WEBCARE_INGEST_CONNECTOR_BACKOFF_MAX_S"
    )
    connector_max_attempts: int = Field(
        default=100, ge=1, validation_alias="WEBCARE_INGEST_CONNECTOR_MAX_ATTEMPTS"
    )
