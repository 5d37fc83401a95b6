"""Stickiness without ownership: whoever answered a person last hears about their next mention.

Only a hint: the mention still fans out as usual, and the responder owns nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict

from schemas import DepartmentRoute, RoutingDecision, RoutingNotice


class Responder(BaseModel):
    """Who replied last to a relationship (a Faust table value, keyed by relationship)."""

    model_config = ConfigDict(frozen=True)

    actor: str
    department: str
    at: datetime


def remember_reply(last: Responder | None, actor: str, department: str, at: datetime) -> Responder:
    """The newest reply wins; a replayed older one changes nothing."""
    if last is not None and last.at > at:
        return last
    return Responder(actor=actor, department=department, at=at)


def sticky_hint(
    decision: RoutingDecision, last: Responder | None, window_minutes: int
) -> RoutingDecision | None:
    """A hint for the last responder when they replied within the window before this mention."""
    if last is None or window_minutes <= 0:
        return None
    arrived = decision.classified.mention.ingested_at
    if not (arrived - timedelta(minutes=window_minutes) <= last.at <= arrived):
        return None
    return decision.model_copy(
        update={
            "decision_id": f"{decision.decision_id}:sticky_hint",
            "kind": "sticky_hint",
            "departments": [DepartmentRoute(department=last.department, rule="sticky_hint")],
            "notice": RoutingNotice(
                reason=f"{last.actor} replied to this person last",
                actor=last.actor,
                actor_department=last.department,
            ),
        }
    )
