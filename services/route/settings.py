"""Settings of the route service."""

from pydantic import Field

from services.common.settings import CommonSettings


class RouteSettings(CommonSettings):
    metrics_port: int = Field(
        default=9103, ge=0, le=65535, validation_alias="WEBCARE_ROUTE_METRICS_PORT"
    )
