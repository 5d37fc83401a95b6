"""Settings of the notify service."""

from pydantic import AliasChoices, Field, HttpUrl, SecretStr, ValidationInfo, field_validator

from services.common.settings import CommonSettings


class NotifySettings(CommonSettings):
    metrics_port: int = Field(
        default=9104,
        ge=0,
        le=65535,
        validation_alias="WEBCARE_NOTIFY_METRICS_PORT",
        description="Port of notify's `/metrics` and `/health`; 0 turns them off.",
    )
    webhook_timeout_s: float = Field(
        default=10.0,
        gt=0,
        validation_alias="WEBCARE_NOTIFY_WEBHOOK_TIMEOUT_S",
        description="HTTP timeout of one push (webhook, Slack, Teams).",
    )
    webhook_attempts: int = Field(
        default=3,
        ge=1,
        le=20,
        validation_alias="WEBCARE_NOTIFY_ATTEMPTS",
        description="Attempts per delivery to a push target before it is dead-lettered.",
    )
    retry_base_s: float = Field(
        default=0.5,
        ge=0,
        validation_alias="WEBCARE_NOTIFY_RETRY_BASE_S",
        description="Back-off base: the wait before retry n is random up to base * 2^(n-1).",
    )
    retry_cap_s: float = Field(
        default=30.0,
        ge=0,
        validation_alias="WEBCARE_NOTIFY_RETRY_CAP_S",
        description="Longest wait between two attempts.",
    )
    breaker_threshold: int = Field(
        default=5,
        ge=1,
        validation_alias="WEBCARE_NOTIFY_BREAKER_THRESHOLD",
        description="Failed deliveries in a row after which a target is left alone for a while.",
    )
    breaker_cooldown_s: float = Field(
        default=30.0,
        ge=0,
        validation_alias="WEBCARE_NOTIFY_BREAKER_COOLDOWN_S",
        description="How long an open circuit leaves a target alone before trying it again.",
    )
    rate_per_second: float = Field(
        default=50.0,
        gt=0,
        validation_alias="WEBCARE_NOTIFY_RATE_PER_S",
        description="Default messages per second per push target (a department can set its own).",
    )
    rate_burst: int = Field(
        default=20,
        ge=1,
        validation_alias="WEBCARE_NOTIFY_RATE_BURST",
        description="Default burst of a push target's rate limit (messages at once).",
    )
    per_target_at_once: int = Field(
        default=2,
        ge=1,
        le=100,
        validation_alias="WEBCARE_NOTIFY_PER_TARGET_AT_ONCE",
        description="Requests (or SMTP sessions) one push target gets at the same time.",
    )
    decisions_at_once: int = Field(
        default=64,
        ge=1,
        le=10_000,
        validation_alias="WEBCARE_NOTIFY_DECISIONS_AT_ONCE",
        description=(
            "Routing decisions handled side by side (one per relationship). It also bounds"
            " what a crash leaves in doubt: a push target that does not deduplicate on the"
            " idempotency key may get a repeat of at most twice this many per crash."
        ),
    )
    public_url: HttpUrl = Field(
        default=HttpUrl("http://127.0.0.1:8000"),
        # WEBCARE_PUBLIC_API_URL is the name this had while links went to the JSON API.
        validation_alias=AliasChoices("WEBCARE_PUBLIC_URL", "WEBCARE_PUBLIC_API_URL"),
        description=(
            "The address at which people open webcare in a browser (http or https, a trailing"
            " slash is fine). Every push message (Slack, Teams, e-mail, webhook, digest) links"
            " to the mention's inbox page, <this>/mentions/<mention id>."
        ),
    )

    @field_validator("public_url")
    @classmethod
    def _no_query(cls, url: HttpUrl) -> HttpUrl:
        if url.query or url.fragment:
            raise ValueError("must be a base address, without ?query or #fragment")
        return url

    smtp_host: str = Field(
        default="127.0.0.1",
        validation_alias="WEBCARE_SMTP_HOST",
        description="SMTP server for e-mail push targets.",
    )
    smtp_port: int = Field(
        default=25, ge=1, le=65535, validation_alias="WEBCARE_SMTP_PORT", description="SMTP port."
    )
    smtp_user: str | None = Field(
        default=None,
        validation_alias="WEBCARE_SMTP_USER",
        description="SMTP login name; no login unless both user and password are set.",
    )
    smtp_password: SecretStr | None = Field(
        default=None, validation_alias="WEBCARE_SMTP_PASSWORD", description="SMTP password."
    )
    smtp_starttls: bool = Field(
        default=False,
        validation_alias="WEBCARE_SMTP_STARTTLS",
        description="Upgrade the SMTP connection with STARTTLS before logging in.",
    )
    smtp_timeout_s: float = Field(
        default=10.0,
        gt=0,
        validation_alias="WEBCARE_SMTP_TIMEOUT_S",
        description="Socket timeout of the SMTP connection and each of its commands.",
    )
    smtp_allow_plaintext_auth: bool = Field(
        default=False,
        validate_default=True,
        validation_alias="WEBCARE_SMTP_ALLOW_PLAINTEXT_AUTH",
        description=(
            "Lets notify log in (WEBCARE_SMTP_USER, WEBCARE_SMTP_PASSWORD) without"
            " WEBCARE_SMTP_STARTTLS, sending the password readable to anyone on the way: only"
            " for a relay on the same host or a network you trust. Without it, such a"
            " configuration stops notify at start."
        ),
    )

    @field_validator("smtp_allow_plaintext_auth")
    @classmethod
    def _no_password_in_clear(cls, allowed: bool, info: ValidationInfo) -> bool:
        # A field validator, not a model one: pydantic's message quotes the validated input,
        # and for the whole model that input holds the password.
        user, password = info.data.get("smtp_user"), info.data.get("smtp_password")
        login = bool(user and password and password.get_secret_value())
        if login and not info.data.get("smtp_starttls") and not allowed:
            raise ValueError(
                "WEBCARE_SMTP_USER and WEBCARE_SMTP_PASSWORD are set but WEBCARE_SMTP_STARTTLS"
                " is not: the password would cross the network unencrypted. Set"
                " WEBCARE_SMTP_STARTTLS=true, or WEBCARE_SMTP_ALLOW_PLAINTEXT_AUTH=true for a"
                " relay you trust."
            )
        return allowed

    mail_from: str = Field(
        default="webcare@localhost",
        pattern=r"^[^@\s]+@[^@\s]+$",
        validation_alias="WEBCARE_MAIL_FROM",
        description="Sender address of the e-mails notify sends.",
    )
    session_timeout_s: float = Field(
        default=30.0,
        gt=0,
        validation_alias="WEBCARE_NOTIFY_SESSION_TIMEOUT_S",
        description="How long Kafka waits for a silent notifier before handing its partitions on.",
    )
    failpoint: str | None = Field(
        default=None,
        pattern=r"^after_effect:[1-9][0-9]*$",
        validation_alias="WEBCARE_NOTIFY_FAILPOINT",
        description=(
            "Tests only: 'after_effect:N' SIGKILLs the process right after its N-th delivery "
            "succeeded and before it is recorded, to prove that window is covered."
        ),
    )
    digest_check_s: float = Field(
        default=10.0,
        gt=0,
        validation_alias="WEBCARE_NOTIFY_DIGEST_CHECK_S",
        description="How often due digests are looked for.",
    )
