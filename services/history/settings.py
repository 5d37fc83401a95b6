"""Settings of the history service."""

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

    @model_validator(mode="after")
    def _default_database(self) -> "HistorySettings":
        # Derived here, not in the default, so WEBCARE_STATE_DIR moves the database with it.
        if not self.database_url:
            self.database_url = f"sqlite:///{self.state_dir / 'history.db'}"
        return self
