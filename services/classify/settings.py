"""Settings of the classify service."""

from pydantic import Field

from services.common.settings import CommonSettings


class ClassifySettings(CommonSettings):
    metrics_port: int = Field(
        default=9102, ge=0, le=65535, validation_alias="WEBCARE_CLASSIFY_METRICS_PORT"
    )
