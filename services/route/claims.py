"""Claims and SLA timers of one mention, as a state machine of pure functions.

Who holds the claim is the one claim rule's (`services.common.claim_rule`),
the same fold history and notify make: route refuses a claim, and says so
with a `claim_refused` notice naming the holder, only when the rule refuses
it. When nobody has replied by the SLA deadline (claimed or not), the mention
goes back to its departments' queues and one step up the escalation path,
with a fresh deadline; that is route's own business and does not change who
holds the claim. The deadline instant itself is late: a reply counts as in
time only when it came strictly before it, and the timer fires at `now >=
deadline`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from schemas import (
    ClassifiedMention,
    ConversationEvent,
    ConversationEventKind,
    DepartmentRoute,
    RoutingDecision,
    RoutingNotice,
)
from services.common import claim_rule
from services.common.claim_rule import DEFAULT_TTL, ClaimFacts, OutcomeKind
from services.common.organisation import Organisation
from services.route.policy import department_deadline

Status = Literal["open", "claimed", "answered", "resolved", "breached"]
Outcome = Literal["answered_in_time", "answered_late", "never_answered"]


class Claim(BaseModel):
    model_config = ConfigDict(frozen=True)

    actor: str
    department: str | None
    at: datetime
    event_id: str | None = None

    def as_rule(self) -> claim_rule.Claim:
        return claim_rule.Claim(self.actor, self.department, self.at, self.event_id)

    @classmethod
    def of_rule(cls, claim: claim_rule.Claim | None) -> Claim | None:
        if claim is None:
            return None
        return cls(
            actor=claim.actor, department=claim.department, at=claim.at, event_id=claim.event_id
        )


class Case(BaseModel):
    """What route remembers of one mention until it is resolved (a Faust table value)."""

    model_config = ConfigDict(frozen=True)

    mention_id: str
    relationship_id: str
    classified: ClassifiedMention
    departments: list[str]
    primary_topic: str
    priority: str
    sla_minutes: int
    received_at: datetime
    deadline: datetime | None
    status: Status = "open"
    claim: Claim | None = None
    escalation_level: int = 0
    first_response_at: datetime | None = None
    first_response_department: str | None = None
    breached: bool = False

    @property
    def timer_running(self) -> bool:
        return self.status in ("open", "claimed") and self.deadline is not None

    def due(self, now: datetime) -> bool:
        return self.timer_running and self.deadline is not None and now >= self.deadline

    def rule_claim(self) -> claim_rule.Claim | None:
        return self.claim.as_rule() if self.claim else None

    def holder_at(self, now: datetime, ttl: timedelta) -> Claim | None:
        """The claim that holds at `now` by the claim rule (a lapsed one is kept, not held)."""
        return self.claim if claim_rule.live(self.rule_claim(), now, ttl) else None


def past_retention(stored: Mapping[str, Any], horizon: datetime) -> bool:
    """A stored case (the table's JSON form) that came in before `horizon`: route may drop it.

    Whatever its status: a month after it came in, a claim or an SLA timer
    means nothing any more, and history keeps the record.
    """
    return datetime.fromisoformat(stored["received_at"]) < horizon


@dataclass(frozen=True)
class Kpi:
    """A response measurement for the metrics: first response, outcome, breach."""

    department: str
    topic: str
    first_response_s: float | None = None
    outcome: Outcome | None = None
    breach: bool = False


@dataclass(frozen=True)
class Step:
    """The result of one transition: the new case, what to say on the routed topic, KPIs."""

    case: Case
    decisions: list[RoutingDecision] = field(default_factory=list)
    kpis: list[Kpi] = field(default_factory=list)
    changed: bool = True
    claim_outcome: OutcomeKind | None = None  # what the claim rule made of the event


def open_case(decision: RoutingDecision, sla_minutes: int) -> Case:
    classified = decision.classified
    return Case(
        mention_id=classified.mention.id,
        relationship_id=decision.relationship_id,
        classified=classified,
        departments=[r.department for r in decision.departments],
        primary_topic=classified.topics[0] if classified.topics else "none",
        priority=decision.priority,
        sla_minutes=sla_minutes,
        received_at=classified.mention.ingested_at,
        deadline=decision.sla_deadline,
    )


def _say(
    case: Case,
    kind: str,
    departments: list[DepartmentRoute],
    notice: RoutingNotice,
    now: datetime,
    suffix: str,
    deadline: datetime | None = None,
) -> RoutingDecision:
    return RoutingDecision.model_validate(
        {
            "decision_id": f"route:{case.mention_id}:{kind}:{suffix}",
            "kind": kind,
            "relationship_id": case.relationship_id,
            "classified": case.classified,
            "departments": departments,
            "priority": case.priority,
            "sla_deadline": deadline if deadline is not None else case.deadline,
            "decided_at": now,
            "notice": notice,
        }
    )


def apply_event(
    case: Case, event: ConversationEvent, now: datetime, ttl: timedelta = DEFAULT_TTL
) -> Step:
    """One conversation event on this mention's case; `ttl` is the claim TTL."""
    facts = ClaimFacts(event.kind, event.actor, event.at, event.department, event.event_id)
    claim, outcome = claim_rule.apply(case.rule_claim(), facts, ttl)
    kind = event.kind
    if outcome.kind == "refused":
        assert outcome.holder is not None
        return _refuse(case, event, outcome.holder, now)
    if kind is ConversationEventKind.CLAIMED:
        status: Status = "claimed" if case.status in ("open", "claimed") else case.status
        updated = case.model_copy(update={"claim": Claim.of_rule(claim), "status": status})
        return Step(updated, changed=updated != case, claim_outcome=outcome.kind)
    if kind is ConversationEventKind.RELEASED:
        if outcome.kind != "released":
            return Step(case, changed=False, claim_outcome=outcome.kind)
        status = "open" if case.status == "claimed" else case.status
        released = case.model_copy(update={"claim": None, "status": status})
        return Step(released, claim_outcome=outcome.kind)
    if kind is ConversationEventKind.REPLIED:
        return replace(_reply(case, event), claim_outcome=outcome.kind)
    if kind is ConversationEventKind.RESOLVED:
        return replace(_resolve(case, event), claim_outcome=outcome.kind)
    if kind is ConversationEventKind.REPLY_FAILED:
        return _reply_failed(case, event, now)
    # retagged, linked, note, reply_requested (only publish's `replied` answers): no change
    return Step(case, changed=False)


def _reply_failed(case: Case, event: ConversationEvent, now: datetime) -> Step:
    """A reply publish could not post: the department that asked hears it like any notice."""
    status = f"{event.failure_status} " if event.failure_status is not None else ""
    reason = f"reply not posted: {status}{event.failure_message or 'unknown failure'}"
    notice = RoutingNotice(
        reason=reason[:500],
        actor=event.actor,
        actor_department=event.department,
        channel=event.channel,
    )
    department = event.department or case.departments[0]
    decision = _say(
        case,
        "reply_failed",
        [DepartmentRoute(department=department, rule="reply_failed")],
        notice,
        now,
        event.event_id,
    )
    return Step(case, [decision], changed=False)


def _refuse(case: Case, event: ConversationEvent, holder: claim_rule.Claim, now: datetime) -> Step:
    refused_to = event.department or case.departments[0]
    notice = RoutingNotice(
        reason=f"already claimed by {holder.actor}",
        actor=holder.actor,
        actor_department=holder.department,
        claimant=event.actor,
    )
    decision = _say(
        case,
        "claim_refused",
        [DepartmentRoute(department=refused_to, rule="claim_collision")],
        notice,
        now,
        event.event_id,
    )
    return Step(case, [decision], changed=False, claim_outcome="refused")


def _reply(case: Case, event: ConversationEvent) -> Step:
    if case.first_response_at is not None:
        if case.status in ("open", "claimed", "breached"):
            return Step(case.model_copy(update={"status": "answered", "claim": None}))
        if case.claim is not None:  # a later claim, ended by this reply
            return Step(case.model_copy(update={"claim": None}))
        return Step(case, changed=False)
    department = event.department or (case.claim.department if case.claim else None) or "none"
    in_time = case.deadline is not None and event.at < case.deadline and not case.breached
    kpi = Kpi(
        department=department,
        topic=case.primary_topic,
        first_response_s=max(0.0, (event.at - case.received_at).total_seconds()),
        outcome="answered_in_time" if in_time else "answered_late",
    )
    status: Status = "resolved" if case.status == "resolved" else "answered"
    updated = case.model_copy(
        update={
            "status": status,
            "claim": None,
            "first_response_at": event.at,
            "first_response_department": department,
        }
    )
    return Step(updated, kpis=[kpi])


def _resolve(case: Case, event: ConversationEvent) -> Step:
    if case.status == "resolved":
        if case.claim is not None:  # a claim made after the resolution, ended by this one
            return Step(case.model_copy(update={"claim": None}))
        return Step(case, changed=False)
    kpis = []
    if case.first_response_at is None:
        kpis = [
            Kpi(department=d, topic=case.primary_topic, outcome="never_answered")
            for d in case.departments
        ]
    return Step(case.model_copy(update={"status": "resolved", "claim": None}), kpis=kpis)


def expire(case: Case, org: Organisation, now: datetime, ttl: timedelta = DEFAULT_TTL) -> Step:
    """At the deadline without a reply: back to the queues, one step up the escalation path.

    The claim is left as the claim rule has it: a live claim still holds.
    """
    if not case.due(now):
        return Step(case, changed=False)
    assert case.deadline is not None
    level = case.escalation_level + 1
    path = org.routing.escalation_path
    holder = case.claim
    live = case.holder_at(now, ttl) is not None
    if holder is None:
        reason = "no reply before the SLA deadline"
    elif live:
        reason = f"no reply before the SLA deadline; still claimed by {holder.actor}"
    else:
        reason = f"no reply before the SLA deadline; claim by {holder.actor} expired"
    back = _say(
        case,
        "sla_expired",
        [DepartmentRoute(department=d, rule="sla_expired") for d in case.departments],
        RoutingNotice(
            reason=reason,
            actor=holder.actor if holder else None,
            actor_department=holder.department if holder else None,
            escalation_level=level,
        ),
        now,
        str(level),
    )
    decisions = [back]
    kpis = (
        [] if case.breached else [Kpi(d, case.primary_topic, breach=True) for d in case.departments]
    )
    if level <= len(path):
        target = path[level - 1]
        deadline = department_deadline(org, target, now, case.sla_minutes)
        decisions.append(
            _say(
                case,
                "escalated",
                [DepartmentRoute(department=target, rule=f"escalation:{level}")],
                RoutingNotice(
                    reason=f"escalated to level {level}: {target}", escalation_level=level
                ),
                now,
                str(level),
                deadline,
            )
        )
        updated = case.model_copy(
            update={
                "status": "claimed" if live else "open",
                "escalation_level": level,
                "deadline": deadline,
                "breached": True,
            }
        )
    else:
        updated = case.model_copy(
            update={"status": "breached", "escalation_level": level, "breached": True}
        )
    return Step(updated, decisions, kpis)
