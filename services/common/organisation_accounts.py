"""The organisation's own accounts that publish posts replies from, and the reply guidelines.

Several accounts per platform (the main account, a department's own), each
with the departments that may post from it. Credentials never live in the
file: an account names the environment variable or the secret file that holds
its access token (Mastodon) or app password (Bluesky), read by publish when it
starts. Validated with the rest of the organisation file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator

EnvName = Annotated[str, Field(pattern=r"^[A-Z_][A-Z0-9_]*$", max_length=100)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]

Platform = Literal["mastodon", "bluesky"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CredentialsMissing(ValueError):
    """An account's credential source names nothing readable."""


class Account(_Strict):
    """One organisation account on Mastodon or Bluesky."""

    id: Slug = Field(description="Name the API and events use for this account.")
    platform: Platform
    url: HttpUrl = Field(description="The Mastodon instance or the Bluesky PDS.")
    handle: str = Field(
        min_length=1,
        max_length=200,
        pattern=r"^@?[A-Za-z0-9_.@-]+$",
        description="`openhart@mastodon.nl` or `openhart.bsky.social`, without a leading @.",
    )
    credentials_env: EnvName | None = Field(
        default=None, description="Environment variable with the token or app password."
    )
    credentials_file: Path | None = Field(
        default=None, description="Secret file with the token or app password (first line)."
    )
    departments: list[Slug] = Field(
        min_length=1, description="Departments that may post from this account."
    )
    max_characters: int | None = Field(
        default=None,
        ge=1,
        description="Mastodon: the limit when the instance cannot be asked (default 500).",
    )

    @model_validator(mode="after")
    def _one_credential_source(self) -> Account:
        if (self.credentials_env is None) == (self.credentials_file is None):
            raise ValueError(
                f"accounts.{self.id}: give exactly one of credentials_env and credentials_file"
            )
        return self

    @property
    def bare_handle(self) -> str:
        return self.handle.lstrip("@")

    def credential(self) -> str:
        """The secret, read now from the environment or the file; never stored in the config."""
        if self.credentials_env is not None:
            value = os.environ.get(self.credentials_env, "")
            if not value:
                raise CredentialsMissing(
                    f"account {self.id}: environment variable {self.credentials_env} is empty"
                )
            return value
        assert self.credentials_file is not None
        try:
            lines = self.credentials_file.read_text(encoding="utf-8").splitlines()
        except OSError as err:
            raise CredentialsMissing(
                f"account {self.id}: cannot read {self.credentials_file} ({err.strerror})"
            ) from err
        if not lines or not lines[0].strip():
            raise CredentialsMissing(f"account {self.id}: {self.credentials_file} is empty")
        return lines[0].strip()


class PhraseWarning(_Strict):
    """A phrase that deserves a second look in a reply (a promise, a legal word)."""

    phrase: str = Field(min_length=2, max_length=200)
    advice: str = Field(min_length=1, max_length=500)


class ReplyGuidelines(_Strict):
    """Warnings shown before a reply is sent; they never block it."""

    phrases: list[PhraseWarning] = Field(default_factory=list)
    case_number_pattern: str = Field(
        default=(
            r"(?i)\b(donateur|donor|dossier|zaak|case|klant)[- ]?(nummer|number|nr\.?)"
            r"\s*:?\s*#?\d{4,}"
        ),
        description="Regular expression for donor or case numbers (personal data).",
    )


def check_account_references(accounts: list[Account], departments: list[str]) -> None:
    """Ids are unique and every department an account names exists; raises ValueError."""
    ids = [a.id for a in accounts]
    if len(set(ids)) != len(ids):
        raise ValueError("accounts: an account id is defined twice")
    for account in accounts:
        unknown = sorted(set(account.departments) - set(departments))
        if unknown:
            raise ValueError(f"accounts.{account.id}.departments: unknown department(s) {unknown}")
