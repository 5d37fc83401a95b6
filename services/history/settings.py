"""Settings of the history service."""

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from services.common.settings import CommonSettings

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class HistorySettings(CommonSettings):
    # A check across fields fails with the whole input in its message, client secret and
    # admin key included: errors name the variable, never echo its value.
    model_config = SettingsConfigDict(**CommonSettings.model_config, hide_input_in_errors=True)

    database_url: str = Field(
        default="",
        validation_alias="WEBCARE_DATABASE_URL",
        description=(
            "History database as a SQLAlchemy URL, e.g. `postgresql://user:pw@host:5432/webcare`;"
            " empty: the SQLite file `history.db` in `WEBCARE_STATE_DIR`."
        ),
    )
    host: str = Field(
        default="127.0.0.1",
        validation_alias="WEBCARE_HISTORY_HOST",
        description="Address the history API binds; 0.0.0.0 in a container.",
    )
    port: int = Field(
        default=8000,
        ge=0,
        le=65535,
        validation_alias="WEBCARE_HISTORY_PORT",
        description="Port of the history API (`/v1/...`, `/docs`, `/health`, `/ready`).",
    )
    metrics_port: int = Field(
        default=9105,
        ge=0,
        le=65535,
        validation_alias="WEBCARE_HISTORY_METRICS_PORT",
        description="Port of history's `/metrics` and `/health`; 0 turns them off.",
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
    streams_max: int = Field(
        default=100,
        ge=0,
        validation_alias="WEBCARE_HISTORY_STREAMS_MAX",
        description=(
            "Most department event streams open at once in this process (each is a Kafka"
            " consumer on the projection's event loop); more get 503 with Retry-After. 0: no cap."
        ),
    )
    streams_per_key: int = Field(
        default=5,
        ge=0,
        validation_alias="WEBCARE_HISTORY_STREAMS_PER_KEY",
        description=(
            "Most department event streams one API key may hold open; more get 429 with"
            " Retry-After. 0: no cap."
        ),
    )
    rate_per_key: float = Field(
        default=20.0,
        ge=0,
        validation_alias="WEBCARE_HISTORY_RATE_PER_KEY",
        description=(
            "Requests a second one API key may make under `/v1`; more get 429 with"
            " Retry-After. 0 turns the limit off."
        ),
    )
    burst_per_key: float = Field(
        default=100.0,
        ge=0,
        validation_alias="WEBCARE_HISTORY_BURST_PER_KEY",
        description="Requests one API key may make at once before its rate applies.",
    )
    rate_per_address: float = Field(
        default=50.0,
        ge=0,
        validation_alias="WEBCARE_HISTORY_RATE_PER_ADDRESS",
        description=(
            "Requests a second one client address may make under `/v1`, with a key or"
            " without; more get 429 with Retry-After. 0 turns the limit off."
        ),
    )
    burst_per_address: float = Field(
        default=200.0,
        ge=0,
        validation_alias="WEBCARE_HISTORY_BURST_PER_ADDRESS",
        description="Requests one client address may make at once before its rate applies.",
    )
    header_timeout_s: float = Field(
        default=10.0,
        gt=0,
        validation_alias="WEBCARE_HISTORY_HEADER_TIMEOUT_S",
        description=(
            "Longest a client may take to send a request's headers (from the connection or the"
            " previous answer); then 408 and the connection is closed."
        ),
    )
    body_timeout_s: float = Field(
        default=30.0,
        gt=0,
        validation_alias="WEBCARE_HISTORY_BODY_TIMEOUT_S",
        description=(
            "Longest a client may take to send a request's body after its headers;"
            " then 408 and the connection is closed."
        ),
    )

    public_url: str = Field(
        default="http://127.0.0.1:8000",
        validation_alias="WEBCARE_PUBLIC_URL",
        pattern=r"^https?://[^\s/]+(/\S*)?$",
        description="Where people reach the inbox; an https URL makes its cookies Secure.",
    )
    session_hours: float = Field(
        default=12.0,
        gt=0,
        le=24 * 30,
        validation_alias="WEBCARE_INBOX_SESSION_HOURS",
        description="How long an inbox sign-in lasts before the person signs in again.",
    )

    oidc_issuer: str = Field(
        default="",
        validation_alias="WEBCARE_OIDC_ISSUER",
        pattern=r"^(https?://[^\s/?#]+(/[^\s?#]*)?)?$",
        description=(
            "OpenID Connect provider of the inbox's single sign-on, exactly as its discovery"
            " document names it (`<issuer>/.well-known/openid-configuration`); https, or http"
            " on a loopback address only. Empty: no single sign-on, password sign-in only."
        ),
    )
    oidc_client_id: str = Field(
        default="",
        validation_alias="WEBCARE_OIDC_CLIENT_ID",
        description="The inbox's client id at the OpenID Connect provider.",
    )
    oidc_client_secret: SecretStr | None = Field(
        default=None,
        validation_alias="WEBCARE_OIDC_CLIENT_SECRET",
        description=(
            "The inbox's client secret at the OpenID Connect provider; or give"
            " `WEBCARE_OIDC_CLIENT_SECRET_FILE`."
        ),
    )
    oidc_client_secret_file: Path | None = Field(
        default=None,
        validation_alias="WEBCARE_OIDC_CLIENT_SECRET_FILE",
        description=(
            "A file holding the client secret (read at start, surrounding whitespace dropped),"
            " instead of `WEBCARE_OIDC_CLIENT_SECRET`."
        ),
    )
    oidc_username_claim: str = Field(
        default="preferred_username",
        pattern=r"^[A-Za-z0-9_.:-]+$",
        validation_alias="WEBCARE_OIDC_USERNAME_CLAIM",
        description=(
            "ID-token claim whose value, lower-cased, is the username of an existing inbox"
            " person (`webcare people add`); nobody is created by signing in."
        ),
    )
    oidc_scopes: str = Field(
        default="openid profile email",
        pattern=r"^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$",
        validation_alias="WEBCARE_OIDC_SCOPES",
        description="Scopes asked for at sign-on, space-separated; must include `openid`.",
    )

    @model_validator(mode="after")
    def _single_sign_on(self) -> "HistorySettings":
        if not self.oidc_issuer:
            return self
        problems = []
        if not self.oidc_client_id:
            problems.append("WEBCARE_OIDC_CLIENT_ID is empty")
        secret_file = self.oidc_client_secret_file
        if self.oidc_client_secret is not None and secret_file is not None:
            problems.append(
                "give WEBCARE_OIDC_CLIENT_SECRET or WEBCARE_OIDC_CLIENT_SECRET_FILE, not both"
            )
        elif secret_file is not None:
            try:
                secret = secret_file.read_text(encoding="utf-8").strip()
            except OSError as err:
                raise ValueError(f"WEBCARE_OIDC_CLIENT_SECRET_FILE {secret_file}: {err}") from err
            self.oidc_client_secret = SecretStr(secret) if secret else None
        if self.oidc_client_secret is None or not self.oidc_client_secret.get_secret_value():
            problems.append(
                "WEBCARE_OIDC_CLIENT_SECRET or WEBCARE_OIDC_CLIENT_SECRET_FILE"
                " (a file that is not empty) is needed"
            )
        if "openid" not in self.oidc_scopes.split():
            problems.append("WEBCARE_OIDC_SCOPES must include 'openid'")
        issuer = urlsplit(self.oidc_issuer)
        if issuer.scheme != "https" and issuer.hostname not in LOOPBACK:
            # An http issuer would carry the client secret and the tokens in the clear.
            problems.append("WEBCARE_OIDC_ISSUER must be https (http only on a loopback address)")
        if problems:
            raise ValueError(
                "single sign-on is configured (WEBCARE_OIDC_ISSUER) but: " + "; ".join(problems)
            )
        return self

    @model_validator(mode="after")
    def _default_database(self) -> "HistorySettings":
        # Derived here, not in the default, so WEBCARE_STATE_DIR moves the database with it.
        if not self.database_url:
            self.database_url = f"sqlite:///{self.state_dir / 'history.db'}"
        return self
