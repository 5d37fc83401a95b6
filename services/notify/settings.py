"""Settings of the notify service."""

from pydantic import Field

from services.common.settings import CommonSettings


class NotifySettings(CommonSettings):
    metrics_port: int = Field(
        default=9104, ge=0, le=65535, validation_alias="WEBCARE_NOTIFY_METRICS_PORT"
    )
    webhook_timeout_s: float = Field(
        default=10.0, gt=0, validation_alias="WEBCARE_NOTIFY_WEBHOOK_TIMEOUT_S"
    )
    webhook_attempts: int = Field(
        default=3, ge=1, le=20, validation_alias="WEBCARE_NOTIFY_ATTEMPTS"
    )
    retry_base_s: float = Field(default=0.5, ge=0, validation_alias="WEBCARE_NOTIFY_RETRY_BASE_S")
    api_base_url: str = Field(
        default="http://127.0.0.1:8000",
        validation_alias="WEBCARE_PUBLIC_API_URL",
        description="Base of the links to conversations that deliveries carry.",
    )
