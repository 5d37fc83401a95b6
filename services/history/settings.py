"""Settings of the history service."""

from pathlib import Path

from pydantic import Field, model_validator

from services.common.settings import CommonSettings


class HistorySettings(CommonSettings):
    database_url: str = Field(
        default="",
        validation_alias="WEBCARE_DATABASE_URL",
        description="SQLAlchemy URL; empty means a SQLite file `history.db` in the state dir.",
    )
    host: str = Field(default="127.0.0.1", validation_alias="WEBCARE_HISTORY_HOST")
    port: int = Field(default=8000, ge=0, le=65535, validation_alias="WEBCARE_HISTORY_PORT")
    metrics_port: int = Field(
        default=9105, ge=0, le=65535, validation_alias="WEBCARE_HISTORY_METRICS_PORT"
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

    @model_validator(mode="after")
    def _default_database(self) -> "HistorySettings":
        # Derived here, not in the default, so WEBCARE_STATE_DIR moves the database with it.
        if not self.database_url:
            self.database_url = f"sqlite:///{self.state_dir / 'history.db'}"
        return self
