"""HMAC signatures on webhook bodies, per source.

A bridge configured under `sources.webhooks` signs each body with
`<header>: sha256=<hex HMAC-SHA256 of the raw body>`; a body that names such a
source must carry a valid signature for it, so nobody can post as that bridge.
Sources without a configured secret are accepted unsigned, as before.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from services.common.organisation_sources import WebhookSource


@dataclass(frozen=True)
class SourceSecret:
    header: str
    secret: bytes


class MissingSecret(ValueError):
    """A configured webhook source names an environment variable that is not set."""


def signature(secret: bytes, body: bytes) -> str:
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def load_secrets(
    webhooks: Iterable[WebhookSource], environ: Mapping[str, str] = os.environ
) -> dict[str, SourceSecret]:
    """Secrets by source, read once at start; a missing one stops the service with its name."""
    secrets = {}
    for hook in webhooks:
        value = environ.get(hook.secret_env)
        if not value:
            raise MissingSecret(
                f"sources.webhooks[{hook.source}].secret_env: {hook.secret_env} is not set"
            )
        secrets[hook.source] = SourceSecret(hook.header, value.encode())
    return secrets


def signature_problems(
    body: bytes,
    headers: Mapping[str, str],
    sources: Iterable[str],
    secrets: Mapping[str, SourceSecret],
) -> list[str]:
    """Why the body may not be accepted as coming from its sources; empty when it may."""
    problems = []
    for source in sorted(set(sources) & set(secrets)):
        wanted = secrets[source]
        given = headers.get(wanted.header.lower()) or headers.get(wanted.header) or ""
        if not given:
            problems.append(f"{source}: header {wanted.header} missing")
        elif not hmac.compare_digest(given.strip(), signature(wanted.secret, body)):
            problems.append(f"{source}: {wanted.header} does not match the body")
    return problems
