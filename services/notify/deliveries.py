"""What a department receives for a routing decision, and the keys that make it happen once."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from schemas import DepartmentDelivery, RoutingDecision


def inbox_link(public_url: str, mention_id: str) -> str:
    """The mention's inbox page, where a person (with a browser session, not an API key) acts.

    The id is quoted whole (`/` too): ids hold `:`, and feed ids whole URLs.
    """
    return f"{public_url.rstrip('/')}/mentions/{quote(mention_id, safe='')}"


def deliveries_for(
    decision: RoutingDecision, public_url: str, now: datetime
) -> list[DepartmentDelivery]:
    mention = decision.classified.mention
    link = inbox_link(public_url, mention.id)
    # later words about a mention (expired, escalated, ...) are deliveries of their own
    suffix = "" if decision.kind == "mention" else f"|{decision.decision_id}"
    return [
        DepartmentDelivery(
            delivery_id=f"{mention.id}|{route.department}{suffix}",
            decision_id=decision.decision_id,
            department=route.department,
            route=route,
            relationship_id=decision.relationship_id,
            mention=mention,
            topics=decision.classified.topics,
            sentiment=decision.classified.sentiment,
            priority=decision.priority,
            sla_deadline=decision.sla_deadline,
            conversation_url=link,
            created_at=now,
            kind=decision.kind,
            notice=decision.notice,
        )
        for route in decision.departments
    ]


def idempotency_key(delivery: DepartmentDelivery, channel: str, target: str) -> str:
    """One delivery per (mention, department, channel target), whatever is replayed."""
    return f"{delivery.delivery_id}|{channel}|{target}"
