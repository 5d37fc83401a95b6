"""Faust wiring of route: classified mentions and conversation events in, decisions out.

State lives in changelog-backed tables, so a restart or a rebalance loses
nothing: `cases` (claims and SLA state per mention), `sla_timers` (the running
deadlines, small enough to scan every tick), `last_responder` (per
relationship), `guideline_usage` (per channel), `crisis_window` (one key) and
`early_events` (conversation events waiting for their mention, see
early_events.py).
Every decision is made by the pure modules next to this one; the agents only
read state, call them, write what they say and store the new state.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from datetime import datetime, timedelta
from typing import Any

import faust
from faust import current_event
from faust.types import TableT

from schemas import ClassifiedMention, ConversationEvent, ConversationEventKind, RoutingDecision
from services.common.clock import make_clock
from services.common.faust_runtime import (
    DeadLetters,
    Pending,
    decode,
    each,
    handle_batches,
    handle_each,
    make_app,
    raw_topic,
)
from services.common.organisation import Organisation, load_organisation_or_exit
from services.common.topics import TopicNames
from services.route import early_events, metrics
from services.route.claims import (
    Case,
    Kpi,
    Step,
    apply_event,
    expire,
    open_case,
    past_retention,
)
from services.route.crisis import (
    CrisisState,
    counts_toward_crisis,
    crisis_decision,
    evaluate,
    record,
)
from services.route.guidelines import ChannelUsage, record_reply, warning_decision
from services.route.policy import needs_routing, route, sla_minutes
from services.route.settings import RouteSettings
from services.route.signals import CRISIS_KEY, Signal
from services.route.stickiness import Responder, remember_reply, sticky_hint

log = logging.getLogger(__name__)


def _table(app: faust.App, name: str, partitions: int) -> TableT:
    return app.Table(name, default=None, partitions=partitions, key_type=str)


def _timer_entry(case: Case, partition: int | None, ttl: timedelta) -> dict[str, Any]:
    assert case.deadline is not None
    return {
        "partition": partition,
        "relationship_id": case.relationship_id,
        "deadline": case.deadline.isoformat(),
        "departments": case.departments,
        # until when the claim holds, by the claim rule (None: nobody holds it)
        "claimed_until": case.claim.as_rule().expires_at(ttl).isoformat() if case.claim else None,
    }


def _claimed(entry: dict[str, Any], moment: datetime) -> bool:
    """Whether a timer's mention is claimed at `moment` (entries from before claimed_until
    only say whether there was a claim)."""
    until = entry.get("claimed_until")
    if until is None:
        return bool(entry.get("claimed"))
    return moment < datetime.fromisoformat(until)


def _count_step(step: Step) -> None:
    if step.claim_outcome is not None:
        metrics.CLAIM_OUTCOMES.labels(outcome=step.claim_outcome).inc()
    if any(decision.kind == "claim_refused" for decision in step.decisions):
        metrics.CLAIM_COLLISIONS.inc()
    _count_kpis(step.kpis)


def _count_kpis(kpis: list[Kpi]) -> None:
    for kpi in kpis:
        if kpi.first_response_s is not None:
            metrics.FIRST_RESPONSE.labels(kpi.department, kpi.topic).observe(kpi.first_response_s)
        if kpi.outcome is not None:
            metrics.SLA_OUTCOMES.labels(kpi.department, kpi.topic, kpi.outcome).inc()
        if kpi.breach:
            metrics.SLA_BREACHES.labels(kpi.department, kpi.topic).inc()


def build_app(settings: RouteSettings, organisation: Organisation | None = None) -> faust.App:
    org = organisation or load_organisation_or_exit(settings.organisation_config)
    metrics.initialise(org.department_slugs, [t.slug for t in org.topics])
    topics = TopicNames(settings.topic_prefix)
    now = make_clock(settings.clock_file)
    claim_ttl = settings.claim_ttl
    app = make_app("route", settings)
    app.conf.broker_session_timeout = settings.session_timeout_s
    app.conf.broker_rebalance_timeout = settings.session_timeout_s
    classified_topic = raw_topic(app, topics.classified)
    events_topic = raw_topic(app, topics.conversation_events)
    signals_topic = raw_topic(app, topics.route_signals)
    routed = raw_topic(app, topics.routed)
    dead_letters = DeadLetters(app, topics, "route")
    partitions = settings.topic_partitions
    batch_max, batch_within_s = settings.batch_max, settings.batch_within_s
    sources = {topics.classified, topics.conversation_events, topics.route_signals}
    cases = _table(app, "cases", partitions)
    sla_timers = _table(app, "sla_timers", partitions)
    last_responder = _table(app, "last_responder", partitions)
    guideline_usage = _table(app, "guideline_usage", partitions)
    crisis_window = _table(app, "crisis_window", partitions)
    early = _table(app, "early_events", partitions)
    early_limits = early_events.Limits(
        settings.early_events_max, timedelta(seconds=settings.early_events_max_age_s)
    )
    early_waiting: dict[int, int] = {}  # partition -> events waiting (recounted every tick)
    signalled: dict[str, str] = {}  # mention id -> deadline already signalled (per process)

    async def enqueue(decision: RoutingDecision) -> Awaitable[Any]:
        """Hands a decision to the producer; the returned future resolves when Kafka has it."""
        metrics.ROUTING_EVENTS.labels(kind=decision.kind).inc()
        return await routed.send(
            key=decision.relationship_id.encode(), value=decision.model_dump_json().encode()
        )

    async def enqueue_signal(key: bytes, message: Signal) -> Awaitable[Any]:
        return await signals_topic.send(key=key, value=message.model_dump_json().encode())

    async def say(decision: RoutingDecision) -> None:
        await (await enqueue(decision))

    async def signal(key: bytes, message: Signal) -> None:
        await (await enqueue_signal(key, message))

    def store(case: Case) -> None:
        cases[case.mention_id] = case.model_dump(mode="json")
        if case.timer_running:
            event = current_event()
            partition = event.message.partition if event is not None else None
            sla_timers[case.mention_id] = _timer_entry(case, partition, claim_ttl)
        elif sla_timers.get(case.mention_id) is not None:
            del sla_timers[case.mention_id]

    async def settle(step: Step) -> None:
        """Says what a transition says, counts it, then stores the new case."""
        _count_step(step)
        for decision in step.decisions:
            await say(decision)
        if step.changed:
            store(step.case)

    async def route_one(value: bytes, key: bytes | None) -> Pending:
        """Routes one mention; its outputs are handed to the producer, their acks returned."""
        classified = decode(ClassifiedMention, value)
        if not needs_routing(classified.mention):
            metrics.NOT_ROUTED.labels(kind=classified.mention.kind).inc()
            drop_early(classified.mention.id, "not_routed")
            return []
        decision = route(classified, org, now())
        pending = [await enqueue(decision)]
        stored = last_responder.get(decision.relationship_id)
        responder = Responder.model_validate(stored) if stored else None
        hint = sticky_hint(decision, responder, org.routing.stickiness_minutes)
        if hint is not None:
            pending.append(await enqueue(hint))
        if counts_toward_crisis(classified, org.routing.crisis):
            at = classified.mention.ingested_at
            counted = Signal(kind="counted", at=at, classified=classified)
            pending.append(await enqueue_signal(CRISIS_KEY, counted))
        for target in decision.departments:
            metrics.ROUTED.labels(department=target.department).inc()
        stored = cases.get(classified.mention.id)
        if stored is None:  # a replay keeps the claims it has
            case = open_case(decision, sla_minutes(classified, org))
            store(case)
        else:
            case = Case.model_validate(stored)
        for decision in catch_up(case):
            pending.append(await enqueue(decision))
        return pending

    def catch_up(case: Case) -> list[RoutingDecision]:
        """Applies the events that came before the mention; returns what they say.

        No await in here: the case and its waiting events change together.
        """
        entry = early.get(case.mention_id)
        if entry is None:
            return []
        steps = early_events.caught_up(case, entry, now(), claim_ttl)
        decisions = []
        for step in steps:
            _count_step(step)
            decisions += step.decisions
        if steps and any(step.changed for step in steps):
            store(steps[-1].case)
        forget_early(case.mention_id, entry)
        log.info(
            "early events applied",
            extra={"mention_id": case.mention_id, "events": early_events.size(entry)},
        )
        return decisions

    def forget_early(mention_id: str, entry: early_events.Entry) -> None:
        del early[mention_id]
        partition = entry.get("partition")
        if isinstance(partition, int) and partition in early_waiting:
            early_waiting[partition] = max(0, early_waiting[partition] - early_events.size(entry))

    def drop_early(mention_id: str, reason: str) -> None:
        """Drops the mention's waiting events, counted and logged: never silently."""
        entry = early.get(mention_id)
        if entry is None:
            return
        forget_early(mention_id, entry)
        dropped = early_events.size(entry)
        metrics.EARLY_EVENTS_DROPPED.labels(reason=reason).inc(dropped)
        log.warning(
            "early events dropped",
            extra={"mention_id": mention_id, "events": dropped, "reason": reason},
        )

    def keep_early(event: ConversationEvent) -> None:
        """Keeps an event for a mention route has not seen yet, within the limits."""
        assert event.mention_id is not None
        current = current_event()
        partition = current.message.partition if current is not None else -1
        waiting = early_waiting.get(partition, 0)
        while waiting >= early_limits.max_per_partition:
            victim = early_events.oldest(list(early.items()), partition)
            if victim is None:
                break
            drop_early(victim, "full")
            waiting = early_waiting.get(partition, 0)
        if early_limits.max_per_partition == 0:
            metrics.EARLY_EVENTS_DROPPED.labels(reason="full").inc()
            log.warning("early event dropped", extra={"mention_id": event.mention_id})
            return
        entry = early.get(event.mention_id)
        after = early_events.kept(entry, event, partition, now())
        if early_events.size(after) > early_events.size(entry):
            early[event.mention_id] = after
            early_waiting[partition] = early_waiting.get(partition, 0) + 1

    async def handle_event(value: bytes, key: bytes | None) -> None:
        event = decode(ConversationEvent, value)
        if event.mention_id is None:
            return
        stored = cases.get(event.mention_id)
        case = Case.model_validate(stored) if stored else None
        if event.kind is ConversationEventKind.REPLIED:
            department = event.department or (
                case.claim.department if case and case.claim else None
            )
            if department:
                previous = last_responder.get(event.relationship_id)
                responder = remember_reply(
                    Responder.model_validate(previous) if previous else None,
                    event.actor,
                    department,
                    event.at,
                )
                last_responder[event.relationship_id] = responder.model_dump(mode="json")
            if event.channel:
                reply = Signal(
                    kind="reply",
                    at=event.at,
                    mention_id=event.mention_id,
                    classified=case.classified if case else None,
                    channel=event.channel,
                    department=department,
                    event_id=event.event_id,
                    priority=case.priority if case else None,
                    sla_deadline=case.deadline if case else None,
                )
                await signal(event.channel.encode(), reply)
        stored = cases.get(event.mention_id)  # again: the mention may have come meanwhile
        if stored is None:
            if early_events.worth_keeping(event):
                keep_early(event)
            return
        await settle(apply_event(Case.model_validate(stored), event, now(), claim_ttl))

    def retention_horizon() -> datetime:
        return now() - timedelta(days=settings.case_retention_days)

    def forget(mention_id: str) -> None:
        """Drops a case past its retention (checked again: the signal may be old)."""
        stored = cases.get(mention_id)
        if stored is None or not past_retention(stored, retention_horizon()):
            return
        del cases[mention_id]
        if sla_timers.get(mention_id) is not None:
            del sla_timers[mention_id]
        metrics.CASES_FORGOTTEN.inc()

    async def handle_signal(value: bytes, key: bytes | None) -> Pending:
        message = decode(Signal, value, "invalid_route_signal")
        if message.kind == "forget" and message.mention_id and settings.case_retention_days:
            forget(message.mention_id)
        elif message.kind == "early_expired" and message.mention_id:
            entry = early.get(message.mention_id)
            if entry is not None and early_events.too_old(entry, now(), early_limits):
                drop_early(message.mention_id, "expired")
        elif message.kind == "due" and message.mention_id:
            stored = cases.get(message.mention_id)
            if stored is not None:
                await settle(expire(Case.model_validate(stored), org, now(), claim_ttl))
        elif message.kind in ("counted", "tick"):
            await crisis_check(message)
        elif message.kind == "reply" and message.channel:
            await guideline_check(message)
        return []  # the rare decisions a signal causes are acknowledged one by one

    async def crisis_check(message: Signal) -> None:
        stored = crisis_window.get(CRISIS_KEY.decode())
        state = CrisisState.model_validate(stored) if stored else CrisisState()
        thresholds = org.routing.crisis
        if message.kind == "counted" and message.classified is not None:
            state = record(state, message.classified, thresholds)
        state, change = evaluate(state, now(), thresholds, message.classified)
        if change is not None:
            await say(crisis_decision(change, org, now()))
            log.warning(
                f"crisis {change.change}",
                extra={"mention_id": change.trigger.mention.id, "observed": change.observed},
            )
        metrics.CRISIS_ACTIVE.set(1 if state.active else 0)
        kept = state.model_dump(mode="json")
        if kept != (stored or CrisisState().model_dump(mode="json")):  # idle ticks write nothing
            crisis_window[CRISIS_KEY.decode()] = kept

    async def guideline_check(message: Signal) -> None:
        assert message.channel is not None
        stored = guideline_usage.get(message.channel)
        usage = ChannelUsage.model_validate(stored) if stored else None
        usage, warnings = record_reply(usage, message.channel, message.at, org.routing.guidelines)
        guideline_usage[message.channel] = usage.model_dump(mode="json")
        for warning in warnings:
            metrics.GUIDELINE_WARNINGS.labels(warning.rule, warning.channel).inc()
            if message.classified is not None:
                department = message.department or org.triage_department
                await say(
                    warning_decision(
                        warning,
                        message.classified,
                        department,
                        message.event_id or "",
                        now(),
                        message.priority or "normal",
                        message.sla_deadline,
                    )
                )

    @app.agent(classified_topic, name="route_mentions")
    async def route_mentions(stream: faust.StreamT) -> None:
        await handle_batches(stream, each(route_one), dead_letters, batch_max, batch_within_s)

    @app.agent(events_topic, name="follow_conversations")
    async def follow_conversations(stream: faust.StreamT) -> None:
        await handle_each(stream, handle_event, dead_letters)

    @app.agent(signals_topic, name="act_on_signals")
    async def act_on_signals(stream: faust.StreamT) -> None:
        await handle_batches(stream, each(handle_signal), dead_letters, batch_max, batch_within_s)

    @app.timer(interval=settings.tick_s)
    async def watch_deadlines() -> None:
        """Signals every SLA timer that is due; the signal's agent expires it in its partition."""
        moment = now()
        unclaimed = dict.fromkeys(org.department_slugs, 0)
        # a standby replica of another worker's partitions is that worker's to watch
        actives = {tp.partition for tp in app.assignor.assigned_actives() if tp.topic in sources}
        for mention_id, entry in list(sla_timers.items()):
            if entry is None or entry.get("partition", -1) not in (*actives, None, -1):
                continue
            if not _claimed(entry, moment):
                for department in entry["departments"]:
                    unclaimed[department] = unclaimed.get(department, 0) + 1
            deadline = entry["deadline"]
            if datetime.fromisoformat(deadline) <= moment and signalled.get(mention_id) != deadline:
                due = Signal(kind="due", at=moment, mention_id=mention_id)
                await signal(entry["relationship_id"].encode(), due)
                signalled[mention_id] = deadline
        for mention_id in set(signalled) - set(sla_timers.keys()):
            del signalled[mention_id]
        for department, count in unclaimed.items():
            metrics.UNCLAIMED.labels(department=department).set(count)
        metrics.CASES_HELD.set(len(cases))
        await watch_early_events(moment, actives)
        await signal(CRISIS_KEY, Signal(kind="tick", at=moment))

    async def watch_early_events(moment: datetime, actives: set[int]) -> None:
        """Recounts the waiting events of this worker's partitions; signals the too old."""
        entries = list(early.items())
        for partition in actives:
            early_waiting[partition] = early_events.waiting(entries, partition)
        for partition in set(early_waiting) - actives:
            del early_waiting[partition]
        metrics.EARLY_EVENTS.set(sum(early_waiting.values()))
        for mention_id, entry in entries:
            if entry is None or entry.get("partition") not in actives:
                continue
            if early_events.too_old(entry, moment, early_limits):
                expired = Signal(kind="early_expired", at=moment, mention_id=mention_id)
                await signal(entry["relationship_id"].encode(), expired)

    @app.timer(interval=settings.prune_interval_s)
    async def forget_old_cases() -> None:
        """Signals every case past its retention; the signal's agent drops it in its partition."""
        if not settings.case_retention_days:
            return
        moment, horizon = now(), retention_horizon()
        pending = [
            await enqueue_signal(
                stored["relationship_id"].encode(),
                Signal(kind="forget", at=moment, mention_id=mention_id),
            )
            for mention_id, stored in list(cases.items())
            if stored is not None and past_retention(stored, horizon)
        ]
        if pending:
            await asyncio.gather(*pending)
            log.info("cases past their retention signalled", extra={"cases": len(pending)})

    return app
