"""Settings of the route service."""

from pathlib import Path

from pydantic import Field

from services.common.settings import CommonSettings


class RouteSettings(CommonSettings):
    metrics_port: int = Field(
        default=9103,
        ge=0,
        le=65535,
        validation_alias="WEBCARE_ROUTE_METRICS_PORT",
        description="Port of route's `/metrics` and `/health`; 0 turns them off.",
    )
    tick_s: float = Field(
        default=5.0,
        gt=0,
        le=300,
        validation_alias="WEBCARE_ROUTE_TICK_S",
        description="How often SLA timers and the crisis window are checked.",
    )
    case_retention_days: float = Field(
        default=30.0,
        ge=0,
        validation_alias="WEBCARE_ROUTE_CASE_RETENTION_DAYS",
        description=(
            "Days route keeps a mention's case (claims, SLA timer, escalation) after it came"
            " in; older cases are dropped from its state, which would otherwise grow with"
            " every mention ever routed. History keeps the whole record. 0 keeps them all."
        ),
    )
    prune_interval_s: float = Field(
        default=3600.0,
        gt=0,
        validation_alias="WEBCARE_ROUTE_PRUNE_INTERVAL_S",
        description="How often route looks for cases past their retention.",
    )
    early_events_max: int = Field(
        default=10_000,
        ge=0,
        validation_alias="WEBCARE_ROUTE_EARLY_EVENTS_MAX",
        description=(
            "Most conversation events route keeps per partition for mentions it has not seen"
            " yet (see services/route/early_events.py); beyond it the longest-waiting"
            " mention's events are dropped, counted and logged."
        ),
    )
    early_events_max_age_s: float = Field(
        default=86_400.0,
        gt=0,
        validation_alias="WEBCARE_ROUTE_EARLY_EVENTS_MAX_AGE_S",
        description="How long such events wait for their mention before they are dropped.",
    )
    clock_file: Path | None = Field(
        default=None,
        validation_alias="WEBCARE_ROUTE_CLOCK_FILE",
        description="Tests: read `now` from this file (ISO timestamp) instead of the wall clock.",
    )
    session_timeout_s: float = Field(
        default=60.0,
        ge=6,
        le=600,
        validation_alias="WEBCARE_ROUTE_SESSION_TIMEOUT_S",
        description="Kafka session timeout: how soon a crashed worker's partitions move on.",
    )
