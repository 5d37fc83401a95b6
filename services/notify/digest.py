"""Digest mode: a department's push targets get a summary every N minutes, not one per mention.

Pure state transitions over what the Faust table `digests` holds per
(department, partition): `{"opened_at_ms": t, "items": [delivery JSON, ...]}`.
The department's Kafka queue always gets every mention at once; high and
urgent priorities, the policy's `immediate_priorities`, escalations (kinds
`escalated`, `sla_expired`) and crisis notices bypass the digest.
"""

from __future__ import annotations

from typing import Any

from services.common.organisation_push import DigestPolicy

# A digest is sent early when it holds this many mentions, so one message stays readable
# and the table value stays small.
MAX_ITEMS = 50


# Never held back, whatever a department's policy says: a person must act on these now.
ALWAYS_IMMEDIATE_PRIORITIES = frozenset({"high", "urgent"})
ALWAYS_IMMEDIATE_KINDS = frozenset(
    {"escalated", "sla_expired", "crisis_raised", "crisis_cleared", "reply_failed"}
)


def goes_to_digest(policy: DigestPolicy | None, priority: str, kind: str = "mention") -> bool:
    """Only with a digest policy, and never for high/urgent, escalations or crises.

    A policy's `immediate_priorities` can add priorities that bypass the digest,
    not take high and urgent away.
    """
    if policy is None or kind in ALWAYS_IMMEDIATE_KINDS:
        return False
    return priority not in ALWAYS_IMMEDIATE_PRIORITIES | set(policy.immediate_priorities)


def table_key(department: str, partition: int) -> str:
    """Keyed by partition too: a Faust table entry must live on the partition that writes it."""
    return f"{department}|{partition}"


def added(state: dict[str, Any] | None, delivery: dict[str, Any], now_ms: int) -> dict[str, Any]:
    """The digest with one more delivery; a delivery already in it is not added twice."""
    if not state or not state.get("items"):
        return {"opened_at_ms": now_ms, "items": [delivery]}
    ids = {item["delivery_id"] for item in state["items"]}
    if delivery["delivery_id"] in ids:
        return state
    return {**state, "items": [*state["items"], delivery]}


def is_due(state: dict[str, Any] | None, policy: DigestPolicy, now_ms: int) -> bool:
    if not state or not state.get("items"):
        return False
    if len(state["items"]) >= MAX_ITEMS:
        return True
    return now_ms - int(state["opened_at_ms"]) >= policy.every_minutes * 60_000


def without(state: dict[str, Any], sent_ids: set[str], now_ms: int) -> dict[str, Any] | None:
    """What is left after a digest of `sent_ids` went out; what arrived meanwhile opens the next."""
    left = [item for item in state["items"] if item["delivery_id"] not in sent_ids]
    if not left:
        return None
    return {"opened_at_ms": now_ms, "items": left}


def digest_id(department: str, partition: int, opened_at_ms: int) -> str:
    """Stable for one digest: the idempotency key of each of its pushes starts with it."""
    return f"digest:{department}:{partition}:{opened_at_ms}"
