"""Faust wiring of notify: routing decisions in; department topics, push targets, receipts out.

Every (mention, department, target) has an idempotency key in the
changelog-backed table `delivered`; `ledger.py` describes its states and why
they make each delivery happen once across crashes, redeliveries and replays.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import faust
import httpx
from faust import current_event
from faust.types import TP, EventT, TableT, TopicT
from faust.types.core import K, V
from mode import BaseSignalT
from prometheus_client import Counter, Histogram

from schemas import (
    ConversationEvent,
    DeadLetter,
    DeliveryOutcome,
    DeliveryReceipt,
    DepartmentDelivery,
    RoutingDecision,
)
from services.common.faust_runtime import (
    DeadLetters,
    Outage,
    Pending,
    Rejected,
    as_current,
    by_key,
    decode,
    handle_batches,
    handle_each,
    make_app,
    raw_topic,
)
from services.common.metrics import DEAD_LETTERS
from services.common.organisation import load_organisation_or_exit
from services.common.topics import TopicNames
from services.notify.audit import DELIVERY_ID_HEADER, AuditFailed, QueueAudit
from services.notify.claims import applied, claimed_by
from services.notify.content import Notice, notice_for
from services.notify.deliverer import Deliverer, Outcome
from services.notify.deliveries import deliveries_for, idempotency_key
from services.notify.digest import added, digest_id, goes_to_digest, is_due, table_key, without
from services.notify.formats import digests as digest_formats
from services.notify.formats.emails import email_for
from services.notify.gaps import Gap, OffsetTracker
from services.notify.ledger import KeyState, Next, marked_at, marker, next_step
from services.notify.mail import SmtpServer
from services.notify.payloads import http_body
from services.notify.rereader import Rereader, RereadFailed
from services.notify.settings import NotifySettings
from services.notify.targets import Target, push_targets
from services.notify.webhook import Attempt, headers_for, post_once

log = logging.getLogger(__name__)

NOTIFICATIONS = Counter(
    "webcare_notifications_total",
    "Delivery attempts, per channel and outcome.",
    ["channel", "outcome"],
)
IN_DOUBT = Counter(
    "webcare_notify_in_doubt_total",
    "Deliveries found in flight after a crash, per channel and how they were settled.",
    ["channel", "resolution"],
)
SKIPPED_REREAD = Counter(
    "webcare_notify_skipped_reread_total",
    "Routing decisions the Faust stream skipped after a restart, read again and handled.",
)
END_TO_END = Histogram(
    "webcare_end_to_end_latency_seconds",
    "From ingest accepting a mention to its delivery on a department topic.",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
# How far before its in-flight marker a delivery in doubt is looked for on the topic.
AUDIT_MARGIN_MS = 60_000


@dataclass
class Failpoint:
    """Dies by SIGKILL after the N-th successful effect, before it is recorded (tests only)."""

    after: int | None = None
    effects: int = 0

    @classmethod
    def parse(cls, spec: str | None) -> Failpoint:
        return cls(int(spec.split(":", 1)[1]) if spec else None)

    def after_effect(self) -> None:
        self.effects += 1
        if self.after is not None and self.effects >= self.after:
            log.warning("failpoint reached: killing the notifier", extra={"effects": self.effects})
            os.kill(os.getpid(), signal.SIGKILL)


@dataclass(frozen=True)
class Job:
    """One effect: a delivery to the department topic (target None) or to one push target."""

    delivery: DepartmentDelivery
    channel: str
    address: str
    target: Target | None

    @property
    def key(self) -> str:
        return idempotency_key(self.delivery, self.channel, self.address)


def _now_ms() -> int:
    return int(datetime.now(UTC).timestamp() * 1000)


def build_app(settings: NotifySettings) -> faust.App:
    organisation = load_organisation_or_exit(settings.organisation_config)
    topics = TopicNames(settings.topic_prefix)
    app = make_app("notify", settings)
    app.conf.broker_session_timeout = settings.session_timeout_s
    app.conf.broker_heartbeat_interval = min(3.0, settings.session_timeout_s / 3)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # it logs every request at INFO
    failpoint = Failpoint.parse(settings.failpoint)
    routed = raw_topic(app, topics.routed)
    receipts = raw_topic(app, topics.notifications_sent)
    department_topics: dict[str, TopicT] = {
        slug: raw_topic(app, topics.department(slug)) for slug in organisation.department_slugs
    }
    dead_letters = DeadLetters(app, topics, "notify")
    delivered = app.Table("delivered", default=None, partitions=settings.topic_partitions)
    digests = app.Table("digests", default=None, partitions=settings.topic_partitions)
    claims = app.Table("claims", default=None, partitions=settings.topic_partitions)
    conversation_events = raw_topic(app, topics.conversation_events)
    audit = QueueAudit(settings.kafka_bootstrap)
    offsets = OffsetTracker()
    rereader = Rereader(settings.kafka_bootstrap, topics.routed, app.conf.id)
    deliverer = Deliverer(
        attempts=settings.webhook_attempts,
        base_s=settings.retry_base_s,
        cap_s=settings.retry_cap_s,
        breaker_threshold=settings.breaker_threshold,
        breaker_cooldown_s=settings.breaker_cooldown_s,
        rate_per_second=settings.rate_per_second,
        rate_burst=settings.rate_burst,
        per_target_at_once=settings.per_target_at_once,
    )
    smtp = SmtpServer(
        settings.smtp_host,
        settings.smtp_port,
        settings.smtp_timeout_s,
        settings.smtp_starttls,
        settings.smtp_user,
        settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        settings.smtp_allow_plaintext_auth,
    )
    # Made here, not in a startup task: the agent may get its first event before such a task ran.
    client = httpx.AsyncClient(timeout=settings.webhook_timeout_s)

    def jobs_for(decision: RoutingDecision, now: datetime) -> list[Job]:
        jobs: list[Job] = []
        for delivery in deliveries_for(decision, str(settings.public_url), now):
            topic = department_topics[delivery.department].get_topic_name()
            jobs.append(Job(delivery, "kafka", topic, None))
            department = organisation.department(delivery.department)
            targets = push_targets(department)
            if targets and goes_to_digest(department.push.digest, delivery.priority, delivery.kind):
                jobs.append(Job(delivery, "digest", department.slug, None))
            else:
                jobs += [Job(delivery, t.channel, t.address, t) for t in targets]
        return jobs

    async def mark_in_flight(keys: list[str]) -> None:
        """Markers first, acknowledged by the broker, then the effects: see `ledger.py`."""
        at = _now_ms()
        sent = []
        for key in keys:
            value = marker(KeyState.IN_FLIGHT, at)
            # what `delivered[key] = value` does, keeping the changelog future to wait on
            sent.append(delivered.send_changelog(delivered.partition_for_key(key), key, value))
            delivered.data[key] = value
        await asyncio.gather(*sent)

    async def write_receipt(job: Job, outcome: DeliveryOutcome, attempt: Attempt | None) -> None:
        delivery = job.delivery
        number = attempt.number if attempt else 1
        receipt = DeliveryReceipt(
            receipt_id=f"{job.key}|{number}",
            delivery_id=delivery.delivery_id,
            mention_id=delivery.mention.id,
            relationship_id=delivery.relationship_id,
            department=delivery.department,
            channel=job.channel,
            target=job.address,
            outcome=outcome,
            attempt=number,
            status_code=attempt.status_code if attempt else None,
            error=attempt.error if attempt else None,
            ingested_at=delivery.mention.ingested_at,
            at=datetime.now(UTC),
        )
        NOTIFICATIONS.labels(channel=job.channel, outcome=outcome.value).inc()
        await receipts.send(
            key=delivery.relationship_id.encode(), value=receipt.model_dump_json().encode()
        )

    async def to_department_topic(job: Job, doubt_since_ms: int | None) -> None:
        delivery = job.delivery
        if doubt_since_ms is not None:
            since = doubt_since_ms - AUDIT_MARGIN_MS
            try:
                found = await audit.contains(job.address, delivery.delivery_id, since)
            except AuditFailed as err:  # the broker is away, not the decision's fault: wait
                raise Outage("audit_failed", str(err)) from err
            log.info(
                "in-doubt delivery settled by the department topic",
                extra={"mention_id": delivery.mention.id, "already_there": found},
            )
            if found:
                IN_DOUBT.labels(channel="kafka", resolution="already_delivered").inc()
                await write_receipt(job, DeliveryOutcome.DELIVERED, None)
                delivered[job.key] = marker(KeyState.DONE, _now_ms())
                return
            IN_DOUBT.labels(channel="kafka", resolution="sent").inc()
        topic = department_topics[delivery.department]
        await (
            await topic.send(
                key=delivery.relationship_id.encode(),
                value=delivery.model_dump_json().encode(),
                headers=[(DELIVERY_ID_HEADER, delivery.delivery_id.encode())],
            )
        )
        failpoint.after_effect()
        END_TO_END.observe((datetime.now(UTC) - delivery.mention.ingested_at).total_seconds())
        await write_receipt(job, DeliveryOutcome.DELIVERED, None)
        delivered[job.key] = marker(KeyState.DONE, _now_ms())

    def attempt_for(job: Job, target: Target) -> Callable[[int], Awaitable[Attempt]]:
        delivery = job.delivery
        department = organisation.department(delivery.department)
        notice = notice_for(delivery, department.name, department.language, holder(delivery))
        if target.channel == "email":
            message = email_for(
                notice, settings.mail_from, list(target.recipients), job.key, datetime.now(UTC)
            )
            return lambda number: smtp.send_once(message, number)
        body = http_body(target, delivery, notice)
        secret = os.environ.get(target.secret_env) if target.secret_env else None
        headers = headers_for(body, job.key, secret)
        return lambda number: post_once(client, target.address, body, headers, number)

    async def to_push_target(job: Job, target: Target, value: bytes, key: bytes | None) -> None:
        department = organisation.department(job.delivery.department)
        outcome: Outcome = await deliverer.deliver(
            target, attempt_for(job, target), department.push.rate_limit
        )
        for attempt in outcome.attempts[:-1]:
            await write_receipt(job, DeliveryOutcome.FAILED, attempt)
        last = outcome.attempts[-1]
        if outcome.ok:
            failpoint.after_effect()
            await write_receipt(job, DeliveryOutcome.DELIVERED, last)
            delivered[job.key] = marker(KeyState.DONE, _now_ms())
            return
        await write_receipt(job, DeliveryOutcome.DEAD_LETTERED, last)
        delivered[job.key] = marker(KeyState.FAILED, _now_ms())
        reason = "circuit_open" if outcome.circuit_open else "delivery_failed"
        await dead_letter(value, key, reason, job, last)

    async def dead_letter(
        value: bytes, key: bytes | None, reason: str, job: Job, last: Attempt
    ) -> None:
        """The routing decision as received, so `webcare dlq replay` can re-drive it."""
        detail = json.dumps(
            {
                "delivery_id": job.delivery.delivery_id,
                "channel": job.channel,
                "target": job.address,
                "status_code": last.status_code,
                "error": last.error,
            }
        )
        letter = DeadLetter.of(
            stage="notify",
            reason=reason,
            detail=detail,
            original=value,
            topic=topics.routed,
            key=key,
            at=datetime.now(UTC),
        )
        DEAD_LETTERS.labels(stage="notify", reason=reason).inc()
        log.warning(
            "delivery dead-lettered",
            extra={"mention_id": job.delivery.mention.id, "channel": job.channel, "reason": reason},
        )
        await (await dead_letters.topic.send(key=key, value=letter.model_dump_json().encode()))

    async def run(
        job: Job, step: Next, since_ms: int | None, value: bytes, key: bytes | None
    ) -> None:
        if job.channel == "digest":
            to_digest(job)
            return
        if job.target is None:
            await to_department_topic(job, since_ms if step == Next.IN_DOUBT else None)
            return
        if step == Next.IN_DOUBT:
            IN_DOUBT.labels(channel=job.channel, resolution="resent_same_key").inc()
            log.info(
                "in-doubt delivery re-sent with the same idempotency key",
                extra={"mention_id": job.delivery.mention.id, "channel": job.channel},
            )
        await to_push_target(job, job.target, value, key)

    def to_digest(job: Job) -> None:
        """Queued for the department's next digest; the table write and the done marker
        go to the changelog in this order, and `added` ignores a delivery already queued."""
        event = current_event()
        assert event is not None
        slot = table_key(job.delivery.department, event.message.partition)
        digests[slot] = added(digests.get(slot), job.delivery.model_dump(mode="json"), _now_ms())
        delivered[job.key] = marker(KeyState.DONE, _now_ms())

    async def put(table: TableT[K, V], partition: int, key: K, value: V | None) -> None:
        """A table write outside stream iteration (the digest timer), acknowledged."""
        sent = table.send_changelog(partition, key, value)
        if value is None:
            table.data.pop(key, None)
        else:
            table.data[key] = value
        await sent

    @app.timer(interval=settings.digest_check_s)
    async def send_due_digests() -> None:
        owned = {tp.partition for tp in app.consumer.assignment() if tp.topic == topics.routed}
        now_ms = _now_ms()
        for slot, state in list(digests.data.items()):
            slug, partition = str(slot).rsplit("|", 1)
            department = organisation.department(slug)
            policy = department.push.digest
            if int(partition) not in owned or policy is None or not is_due(state, policy, now_ms):
                continue
            await send_digest(slot, int(partition), state)

    async def send_digest(slot: str, partition: int, state: dict[str, object]) -> None:
        items = list(state["items"])  # type: ignore[call-overload]
        deliveries = [DepartmentDelivery.model_validate(item) for item in items]
        department = organisation.department(deliveries[0].department)
        ident = digest_id(department.slug, partition, int(state["opened_at_ms"]))  # type: ignore[call-overload]
        notices = [
            notice_for(d, department.name, department.language, holder(d)) for d in deliveries
        ]
        heading = digest_formats.title(notices, department.name, department.language)
        for target in push_targets(department):
            key = f"{ident}|{target.channel}|{target.address}"
            if next_step(delivered.data.get(key)) == Next.SKIP:
                continue
            await put(delivered, partition, key, marker(KeyState.IN_FLIGHT, _now_ms()))
            once = digest_attempt(target, notices, heading, items, ident, key)
            outcome = await deliverer.deliver(target, once, department.push.rate_limit)
            result = DeliveryOutcome.DELIVERED if outcome.ok else DeliveryOutcome.DEAD_LETTERED
            for delivery in deliveries:
                job = Job(delivery, target.channel, target.address, target)
                await write_receipt(job, result, outcome.attempts[-1])
            if outcome.ok:
                await put(delivered, partition, key, marker(KeyState.DONE, _now_ms()))
                continue
            await put(delivered, partition, key, marker(KeyState.FAILED, _now_ms()))
            DEAD_LETTERS.labels(stage="notify", reason="digest_failed").inc()
            letter = DeadLetter.of(
                stage="notify",
                reason="digest_failed",
                detail=json.dumps(
                    {
                        "digest_id": ident,
                        "channel": target.channel,
                        "target": target.address,
                        "error": outcome.attempts[-1].error,
                    }
                ),
                original=digest_formats.webhook(items, ident, department.slug),
                at=datetime.now(UTC),
            )
            await (await dead_letters.topic.send(value=letter.model_dump_json().encode()))
        sent_ids = {d.delivery_id for d in deliveries}
        current = digests.data.get(slot)
        await put(
            digests, partition, slot, without(current, sent_ids, _now_ms()) if current else None
        )

    def digest_attempt(
        target: Target,
        notices: list[Notice],
        heading: str,
        items: list[dict[str, object]],
        ident: str,
        key: str,
    ) -> Callable[[int], Awaitable[Attempt]]:
        if target.channel == "email":
            message = digest_formats.email(
                notices,
                heading,
                settings.mail_from,
                list(target.recipients),
                key,
                datetime.now(UTC),
            )
            return lambda number: smtp.send_once(message, number)
        if target.channel == "slack":
            body = json.dumps(digest_formats.slack(notices, heading), ensure_ascii=False).encode()
        elif target.channel == "teams":
            body = json.dumps(digest_formats.teams(notices, heading), ensure_ascii=False).encode()
        else:
            body = digest_formats.webhook(items, ident, notices[0].delivery_id.split("|")[-1])
        secret = os.environ.get(target.secret_env) if target.secret_env else None
        headers = headers_for(body, key, secret)
        return lambda number: post_once(client, target.address, body, headers, number)

    def holder(delivery: DepartmentDelivery) -> str | None:
        """The "claimed by" line: who holds the claim when the delivery was made."""
        state = claims.data.get(delivery.relationship_id)
        return claimed_by(state, delivery.mention.id, delivery.created_at, settings.claim_ttl)

    async def track_claim(value: bytes, key: bytes | None) -> None:
        event = decode(ConversationEvent, value)
        state = claims.get(event.relationship_id)
        after = applied(state, event, settings.claim_ttl)
        if after != state:
            claims[event.relationship_id] = after

    @app.agent(conversation_events, name="track_claims")
    async def track_claims(stream: faust.StreamT) -> None:
        await handle_each(stream, track_claim, dead_letters)

    @app.on_partitions_revoked.connect
    def forget_revoked(_app: Any, /, *args: Any, signal: BaseSignalT[Any], **_: Any) -> None:
        revoked: set[TP] = args[0]
        offsets.forget({tp.partition for tp in revoked if tp.topic == topics.routed})

    async def read_skipped_before(event: EventT) -> None:
        """Handles first what Faust skipped before this event, if it did (see `gaps.py`)."""
        if event.message.topic != topics.routed:
            return
        gap = await skipped_before(event.message.partition, event.message.offset)
        if gap is None:
            return
        with as_current(event):  # table writes go to this partition's changelog
            try:
                await handle_skipped(gap)
            except RereadFailed as err:  # the broker is away: the batch waits, then rereads
                offsets.unread(gap)
                raise Outage("reread_failed", str(err)) from err
            except BaseException:
                offsets.unread(gap)
                raise

    async def notify_pending(value: bytes, key: bytes | None) -> Pending:
        await notify_decision(value, key)
        return []  # notify awaits its effects itself: the ledger needs them acknowledged

    deliver_by_key = by_key(notify_pending)

    async def notify_batch(events: Sequence[EventT]) -> list[Pending | BaseException]:
        """Gaps are checked in offset order first; then relationships are notified side by side."""
        failed: dict[int, BaseException] = {}
        for n, event in enumerate(events):
            try:
                await read_skipped_before(event)
            except Exception as err:  # this event is dead-lettered, as if it had failed itself
                failed[n] = err
        rest = [event for n, event in enumerate(events) if n not in failed]
        outcomes = iter(await deliver_by_key(rest))
        return [failed[n] if n in failed else next(outcomes) for n in range(len(events))]

    async def skipped_before(partition: int, offset: int) -> Gap | None:
        """The offsets Faust skipped before this one, if it did (see `gaps.py`)."""
        if not offsets.knows(partition):
            committed = await rereader.committed(partition)
            if committed is not None:
                offsets.start_at(partition, committed)
        return offsets.arrived(partition, offset)

    async def handle_skipped(gap: Gap) -> None:
        log.warning(
            "the stream skipped routing decisions: reading them again",
            extra={"partition": gap.partition, "from_offset": gap.start, "to_offset": gap.end},
        )
        for offset, value, key in await rereader.read(gap.partition, gap.start, gap.end):
            SKIPPED_REREAD.inc()
            try:
                await notify_decision(value, key)
            except Rejected as rejection:
                DEAD_LETTERS.labels(stage="notify", reason=rejection.reason).inc()
                letter = DeadLetter.of(
                    stage="notify",
                    reason=rejection.reason,
                    detail=rejection.detail,
                    original=value,
                    topic=topics.routed,
                    partition=gap.partition,
                    offset=offset,
                    key=key,
                    at=datetime.now(UTC),
                )
                await (
                    await dead_letters.topic.send(key=key, value=letter.model_dump_json().encode())
                )

    async def notify_decision(value: bytes, key: bytes | None) -> None:
        decision = decode(RoutingDecision, value)
        unknown = [
            r.department for r in decision.departments if r.department not in department_topics
        ]
        if unknown:
            raise Rejected("unknown_department", ", ".join(unknown))
        stored = {
            job.key: (job, delivered.get(job.key)) for job in jobs_for(decision, datetime.now(UTC))
        }
        todo = [
            (job, next_step(state), marked_at(state))
            for job, state in stored.values()
            if next_step(state) != Next.SKIP
        ]
        if not todo:
            return
        await mark_in_flight([job.key for job, _, _ in todo])
        results = await asyncio.gather(
            *(run(job, step, since, value, key) for job, step, since in todo),
            return_exceptions=True,
        )
        for result in results:
            if isinstance(result, BaseException):
                raise result

    @app.agent(routed, name="notify_departments")
    async def notify_departments(stream: faust.StreamT) -> None:
        await handle_batches(
            stream, notify_batch, dead_letters, settings.decisions_at_once, settings.batch_within_s
        )

    return app
