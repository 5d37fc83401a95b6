"""The push targets of a department, each with the key that makes its delivery happen once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from services.common.organisation import Department

Channel = Literal["webhook", "slack", "teams", "email"]


@dataclass(frozen=True)
class Target:
    """One place a department is pushed to; `address` names it in keys, receipts and metrics."""

    channel: Channel
    address: str
    secret_env: str | None = None
    card: str = "message_card"
    recipients: tuple[str, ...] = ()


def push_targets(department: Department) -> list[Target]:
    """Every push target of the department, in config order: webhooks, Slack, Teams, e-mail."""
    targets = [
        Target("webhook", str(hook.url), secret_env=hook.secret_env) for hook in department.webhooks
    ]
    targets += [Target("slack", str(slack.url)) for slack in department.push.slack]
    targets += [Target("teams", str(teams.url), card=teams.card) for teams in department.push.teams]
    targets += [
        Target("email", "mailto:" + ",".join(mail.to), recipients=tuple(mail.to))
        for mail in department.push.email
    ]
    return targets
