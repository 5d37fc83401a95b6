"""Settings of the publish service."""

from pydantic import Field

from services.common.settings import CommonSettings


class PublishSettings(CommonSettings):
    metrics_port: int = Field(
        default=9106,
        ge=0,
        le=65535,
        validation_alias="WEBCARE_PUBLISH_METRICS_PORT",
        description="Port of publish's `/metrics` and `/health`; 0 turns them off.",
    )
    ledger_url: str | None = Field(
        default=None,
        validation_alias="WEBCARE_PUBLISH_LEDGER_URL",
        description=(
            "SQLAlchemy URL of publish's ledger of posts; default a SQLite file in"
            " `WEBCARE_STATE_DIR`. PostgreSQL when several replicas share the partitions."
        ),
    )
    timeout_s: float = Field(
        default=10.0,
        gt=0,
        validation_alias="WEBCARE_PUBLISH_TIMEOUT_S",
        description="HTTP timeout of one call to a platform.",
    )
    attempts: int = Field(
        default=5,
        ge=1,
        le=20,
        validation_alias="WEBCARE_PUBLISH_ATTEMPTS",
        description=(
            "Attempts per call on 429, 5xx, timeouts and resets before the stage waits"
            " (commits nothing past the reply) and tries again."
        ),
    )
    retry_base_s: float = Field(
        default=0.5,
        ge=0,
        validation_alias="WEBCARE_PUBLISH_RETRY_BASE_S",
        description="Back-off base: the wait before retry n is random up to base * 2^(n-1).",
    )
    retry_cap_s: float = Field(
        default=30.0,
        ge=0,
        validation_alias="WEBCARE_PUBLISH_RETRY_CAP_S",
        description="Longest wait between two attempts (also caps a platform's Retry-After).",
    )

    def ledger(self) -> str:
        if self.ledger_url:
            return self.ledger_url
        path = self.state_dir / "publish" / self.topic_prefix / "ledger.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
