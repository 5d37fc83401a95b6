"""Applies one validated message to the history database, idempotently.

Each message is keyed by its own id, so a replay after a crash writes the
same rows again instead of new ones. Topics are consumed independently, in
any order: a raw mention arriving after its classification only fills gaps,
an older classification or routing decision never overwrites a newer one
(compared by `classified_at` / `decided_at`), and receipts and events are
stored before their mention exists. A mention's working state (claimed,
resolved, tags) is re-folded from its events whenever one arrives, so it does
not depend on the order of the topics either. An `erased` event deletes a
relationship and leaves a tombstone: nothing about it from before the erasure
is stored again, whatever order a rebuild replays the topics in. Nothing here
knows Kafka or Faust.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from prometheus_client import Counter
from sqlalchemy import Select, delete, inspect, or_, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from schemas import (
    ClassifiedMention,
    ConversationEvent,
    ConversationEventKind,
    DeliveryReceipt,
    Mention,
    RoutingDecision,
)
from services.history.claims import EventFacts, mention_state
from services.history.database import (
    ConversationEventRow,
    DeliveryReceiptRow,
    ErasureRow,
    MentionRouteRow,
    MentionRow,
    RelationshipLinkRow,
)

log = logging.getLogger(__name__)

Message = Mention | ClassifiedMention | RoutingDecision | DeliveryReceipt | ConversationEvent

APPLIED = Counter(
    "webcare_history_applied_total",
    "Messages the history projection wrote to the database (replays included).",
    ["kind"],
)

# Fields of a mention that a later copy may fill in when an earlier one lacked them.
_FILLABLE = ("lang", "url", "in_reply_to")

CLAIM_TTL = timedelta(minutes=30)
_STATE_KINDS = (
    ConversationEventKind.CLAIMED,
    ConversationEventKind.RELEASED,
    ConversationEventKind.REPLIED,  # ends the claim (the claim rule)
    ConversationEventKind.RESOLVED,
    ConversationEventKind.RETAGGED,
)


class Skipped:
    """What an apply function returns for a message about an erased relationship."""


# session.info keys of a prefetched batch (see `prefetch`)
_ABSENT = "webcare_absent"  # (model, primary key) known not to be stored
_STATELESS = "webcare_stateless"  # new mentions with no event of _STATE_KINDS
_LOADED = "webcare_loaded"  # the rows prefetch loaded


def lookup(session: Session, model: type[Any], key: Any) -> Any:
    """`session.get`, except that a row `prefetch` found missing costs no query (and no
    autoflush): in a batch, that is most of them."""
    absent = session.info.get(_ABSENT)
    if absent is not None and (model, key if isinstance(key, tuple) else (key,)) in absent:
        return None
    return session.get(model, key)


def insert(session: Session, row: Any) -> None:
    """`session.add` of a new row, which is then no longer missing."""
    session.add(row)
    absent = session.info.get(_ABSENT)
    if absent:
        key = tuple(inspect(type(row)).primary_key_from_instance(row))
        absent.discard((type(row), key))


class HistoryError(Exception):
    """Base of the history service's own errors."""


class ProjectionFailed(HistoryError):
    """The database refused a message after every retry, while it answered other queries:
    the message is poison."""


class DatabaseUnavailable(HistoryError):
    """The database does not answer at all: an outage, not the message's fault. The caller
    waits and tries again; nothing is dead-lettered."""


def database_answers(session_factory: Callable[[], Session]) -> bool:
    """True when a fresh session can run `SELECT 1`: the database is up, so a failure that
    persists is about the message, not the database."""
    try:
        with session_factory() as session:
            session.execute(text("SELECT 1"))
    except DBAPIError:
        return False
    return True


def _unreachable(err: Exception) -> bool:
    """A connection that failed or was lost: the database is away, whatever the message."""
    return isinstance(err, InterfaceError) or (
        isinstance(err, DBAPIError) and err.connection_invalidated
    )


def erased(session: Session, relationship_id: str, at: datetime) -> bool:
    """True when the relationship was erased at or after `at`: the message must not come back."""
    tombstone = lookup(session, ErasureRow, relationship_id)
    return tombstone is not None and at <= tombstone.erased_at


def refresh_state(session: Session, row: MentionRow, claim_ttl: timedelta = CLAIM_TTL) -> None:
    """Re-folds the mention's working state from every event stored for it."""
    events = session.scalars(
        select(ConversationEventRow).where(
            ConversationEventRow.mention_id == row.id,
            ConversationEventRow.kind.in_([kind.value for kind in _STATE_KINDS]),
        )
    ).all()
    state = mention_state(
        (
            EventFacts(
                event_id=e.event_id,
                kind=ConversationEventKind(e.kind),
                actor=e.actor,
                department=e.department,
                at=e.at,
                topics=e.topics,
            )
            for e in events
        ),
        claim_ttl,
    )
    _set_state(row, state)


def _set_state(row: MentionRow, state: Any) -> None:
    row.status = state.status
    row.claimed_by = state.claimed_by
    row.claimed_department = state.claimed_department
    row.claimed_at = state.claimed_at
    row.resolved_at = state.resolved_at
    row.tags = state.tags


def apply_mention(
    session: Session, mention: Mention, claim_ttl: timedelta = CLAIM_TTL
) -> MentionRow | Skipped:
    """Stores a mention once; a replay or a later copy only fills what is missing."""
    if erased(session, mention.relationship_id, mention.created_at):
        return Skipped()
    row = lookup(session, MentionRow, mention.id)
    if row is None:
        row = MentionRow(
            id=mention.id,
            source=mention.source,
            external_id=mention.external_id,
            relationship_id=mention.relationship_id,
            thread_id=mention.thread_id,
            author=mention.author.model_dump(mode="json"),
            text=mention.text,
            lang=mention.lang,
            created_at=mention.created_at,
            url=mention.url,
            in_reply_to=mention.in_reply_to,
            ingested_at=mention.ingested_at,
            status="open",
        )
        insert(session, row)
        if _may_have_state_events(session, mention.id):
            session.flush()
            refresh_state(session, row, claim_ttl)
        else:
            _set_state(row, mention_state((), claim_ttl))
        return row
    for field in _FILLABLE:
        value = getattr(mention, field)
        if getattr(row, field) is None and value is not None:
            setattr(row, field, value)
    if mention.kind in ("edit", "delete"):
        # Edits replace the text (the raw topic keeps their order per person); a delete
        # carries empty text, so the withdrawn words leave the shared record.
        row.text = mention.text
    # A re-ingest gets a new ingested_at; the first time the mention was seen is what counts.
    row.ingested_at = min(row.ingested_at, mention.ingested_at)
    return row


def apply_classified(
    session: Session, classified: ClassifiedMention, claim_ttl: timedelta = CLAIM_TTL
) -> MentionRow | Skipped:
    """Sets topics, scores and sentiment, unless a newer classification is already stored."""
    row = apply_mention(session, classified.mention, claim_ttl)
    if isinstance(row, Skipped):
        return row
    if row.classified_at is None or classified.classified_at >= row.classified_at:
        row.topics = list(classified.topics)
        row.scores = dict(classified.scores)
        row.sentiment = classified.sentiment.value
        row.model_version = classified.model_version
        row.classified_at = classified.classified_at
        row.explanation = (
            None
            if classified.explanation is None
            else {
                topic: [term.model_dump(mode="json") for term in terms]
                for topic, terms in classified.explanation.items()
            }
        )
    return row


# Decisions that hand the mention to departments: the first routing and an escalation.
ROUTING_KINDS = frozenset({"mention", "escalated"})
# Route's later words about a mention, kept on its trail as events (`conversation_events`,
# actor "route"); an escalation is both: it routes, and the trail says why.
NOTICE_KINDS = frozenset(
    {
        "sla_expired",
        "escalated",
        "claim_refused",
        "sticky_hint",
        "guideline_warning",
        "crisis_raised",
        "crisis_cleared",
    }
)


def apply_routing(
    session: Session, decision: RoutingDecision, claim_ttl: timedelta = CLAIM_TTL
) -> MentionRow | Skipped:
    """Applies one decision of the routed topic by its kind.

    `mention` and `escalated` set priority and SLA deadline (the newest wins)
    and record every department the mention went to. Routes are additive: a
    department that once received the mention stays on record even if a later
    decision leaves it out, because it did see it. Every other kind (SLA
    expired, claim refused, hints, warnings, crisis) changes none of that: it
    is stored as an event on the mention's trail, one per department it
    addresses.
    """
    row = apply_classified(session, decision.classified, claim_ttl)
    if isinstance(row, Skipped):
        return row
    if decision.kind in NOTICE_KINDS:
        _store_notice(session, row, decision)
    if decision.kind not in ROUTING_KINDS:
        return row
    newest = row.decided_at is None or decision.decided_at >= row.decided_at
    if newest:
        row.priority = decision.priority
        row.sla_deadline = decision.sla_deadline
        row.decision_id = decision.decision_id
        row.decided_at = decision.decided_at
    for route in decision.departments:
        stored = lookup(session, MentionRouteRow, (row.id, route.department))
        if stored is None:
            insert(
                session,
                MentionRouteRow(
                    mention_id=row.id,
                    department=route.department,
                    matched_topics=list(route.matched_topics),
                    rule=route.rule,
                    decision_id=decision.decision_id,
                ),
            )
        elif newest:
            stored.matched_topics = list(route.matched_topics)
            stored.rule = route.rule
            stored.decision_id = decision.decision_id
    return row


def notice_event_id(decision_id: str, department: str) -> str:
    return f"{decision_id}#{department}"


def _store_notice(session: Session, row: MentionRow, decision: RoutingDecision) -> None:
    """One trail event per addressed department, keyed by decision and department (idempotent)."""
    notice = decision.notice
    for route in decision.departments:
        event_id = notice_event_id(decision.decision_id, route.department)
        if session.get(ConversationEventRow, event_id) is not None:
            continue
        session.add(
            ConversationEventRow(
                event_id=event_id,
                kind=decision.kind,
                relationship_id=row.relationship_id,
                mention_id=row.id,
                department=route.department,
                actor="route",
                text=notice.reason if notice else None,
                channel=notice.channel if notice else None,
                topics=None,
                linked_relationship_id=None,
                at=decision.decided_at,
            )
        )
    session.flush()


def apply_receipt(session: Session, receipt: DeliveryReceipt) -> DeliveryReceiptRow | Skipped:
    """Stores a delivery attempt once; its mention may not be stored yet."""
    if erased(session, receipt.relationship_id, receipt.ingested_at or receipt.at):
        return Skipped()
    row = lookup(session, DeliveryReceiptRow, receipt.receipt_id)
    if row is None:
        row = DeliveryReceiptRow(
            receipt_id=receipt.receipt_id,
            delivery_id=receipt.delivery_id,
            mention_id=receipt.mention_id,
            relationship_id=receipt.relationship_id,
            department=receipt.department,
            channel=receipt.channel,
            target=receipt.target,
            outcome=receipt.outcome.value,
            attempt=receipt.attempt,
            status_code=receipt.status_code,
            error=receipt.error,
            at=receipt.at,
        )
        insert(session, row)
    return row


def apply_event(
    session: Session, event: ConversationEvent, claim_ttl: timedelta = CLAIM_TTL
) -> ConversationEventRow | Skipped:
    """Stores a conversation event once and applies what it means; events never change."""
    if event.kind is ConversationEventKind.ERASED:
        erase_relationship(session, event)
    elif erased(session, event.relationship_id, event.at):
        return Skipped()
    row = session.get(ConversationEventRow, event.event_id)
    if row is None:
        row = ConversationEventRow(
            event_id=event.event_id,
            kind=event.kind.value,
            relationship_id=event.relationship_id,
            mention_id=event.mention_id,
            department=event.department,
            actor=event.actor,
            text=event.text,
            channel=event.channel,
            topics=list(event.topics) if event.topics is not None else None,
            linked_relationship_id=event.linked_relationship_id,
            at=event.at,
            account=event.account,
            request_id=event.request_id,
            post_id=event.post_id,
            post_url=event.post_url,
            failure_status=event.failure_status,
            failure_message=event.failure_message,
        )
        session.add(row)
        session.flush()
    if event.kind is ConversationEventKind.LINKED and event.linked_relationship_id:
        _link(session, event)
    if event.mention_id is not None and event.kind in _STATE_KINDS:
        mention = session.get(MentionRow, event.mention_id)
        if mention is not None:
            refresh_state(session, mention, claim_ttl)
    return row


def _link(session: Session, event: ConversationEvent) -> None:
    assert event.linked_relationship_id is not None
    pairs = (
        (event.relationship_id, event.linked_relationship_id),
        (event.linked_relationship_id, event.relationship_id),
    )
    for left, right in pairs:
        if left != right and session.get(RelationshipLinkRow, (left, right)) is None:
            session.add(
                RelationshipLinkRow(
                    relationship_id=left,
                    linked_relationship_id=right,
                    event_id=event.event_id,
                    at=event.at,
                )
            )


def erase_relationship(session: Session, event: ConversationEvent) -> None:
    """Deletes everything stored about a relationship and leaves the tombstone.

    The `erased` event itself stays: it names only the relationship id and
    the operator, and it is the record that the erasure happened.
    """
    relationship = event.relationship_id
    tombstone = lookup(session, ErasureRow, relationship)
    if tombstone is None:
        insert(
            session,
            ErasureRow(relationship_id=relationship, event_id=event.event_id, erased_at=event.at),
        )
    elif event.at > tombstone.erased_at:
        tombstone.erased_at = event.at
        tombstone.event_id = event.event_id
    mention_ids = select(MentionRow.id).where(MentionRow.relationship_id == relationship)
    session.execute(delete(MentionRouteRow).where(MentionRouteRow.mention_id.in_(mention_ids)))
    session.execute(
        delete(DeliveryReceiptRow).where(
            or_(
                DeliveryReceiptRow.relationship_id == relationship,
                DeliveryReceiptRow.mention_id.in_(mention_ids),
            )
        )
    )
    session.execute(delete(MentionRow).where(MentionRow.relationship_id == relationship))
    session.execute(
        delete(ConversationEventRow).where(
            ConversationEventRow.relationship_id == relationship,
            ConversationEventRow.kind != ConversationEventKind.ERASED.value,
        )
    )
    session.execute(
        delete(RelationshipLinkRow).where(
            or_(
                RelationshipLinkRow.relationship_id == relationship,
                RelationshipLinkRow.linked_relationship_id == relationship,
            )
        )
    )


APPLY: dict[type[Any], tuple[str, Callable[..., object]]] = {
    Mention: ("mention", apply_mention),
    ClassifiedMention: ("classified", apply_classified),
    RoutingDecision: ("routing", apply_routing),
    DeliveryReceipt: ("receipt", apply_receipt),
    ConversationEvent: ("event", apply_event),
}


def mention_id_of(message: Message) -> str | None:
    """The correlation id for logs: the mention a message is about, if any."""
    if isinstance(message, Mention):
        return message.id
    if isinstance(message, ClassifiedMention):
        return message.mention.id
    if isinstance(message, RoutingDecision):
        return message.classified.mention.id
    return message.mention_id


RETRY_DELAYS_S: Sequence[float] = (0.2, 0.5, 1.0, 2.0, 5.0)
# Tries of a whole batch before it is applied one message at a time.
BATCH_ATTEMPTS = 3


def project(
    session_factory: Callable[[], Session],
    message: Message,
    retry_delays_s: Sequence[float] | None = None,
    claim_ttl: timedelta = CLAIM_TTL,
) -> None:
    """Applies and commits one message; blocking, so the event loop runs it in a thread.

    Two writers may insert the same new mention at once (the raw and the
    classified topic are consumed side by side): the loser's IntegrityError is
    retried, and the retry finds the row. An OperationalError is retried with
    back-off while the database answers other queries; both are bounded, then
    ProjectionFailed, and the caller dead-letters the message. A database that
    does not answer (a lost connection, or `SELECT 1` fails too) is an outage:
    DatabaseUnavailable at once, and the caller waits for it, however long.
    """
    kind, apply = _applier(message, claim_ttl)
    if retry_delays_s is None:
        retry_delays_s = RETRY_DELAYS_S
    for attempt in range(len(retry_delays_s) + 1):
        try:
            with session_factory() as session, session.begin():
                apply(session, message)
        except (IntegrityError, OperationalError, InterfaceError) as err:
            if _unreachable(err) or (
                not isinstance(err, IntegrityError) and not database_answers(session_factory)
            ):
                raise DatabaseUnavailable(f"{kind} not stored: {type(err).__name__}") from err
            if attempt == len(retry_delays_s):
                raise ProjectionFailed(f"{kind} not stored: {type(err).__name__}") from err
            log.info(
                "projection retried",
                extra={
                    "kind": kind,
                    "mention_id": mention_id_of(message),
                    "attempt": attempt + 1,
                    "error": type(err).__name__,
                },
            )
            if isinstance(err, OperationalError):
                time.sleep(retry_delays_s[attempt])
            continue
        APPLIED.labels(kind=kind).inc()
        return


def _may_have_state_events(session: Session, mention_id: str) -> bool:
    """False only when `prefetch` looked and found no event that changes its state."""
    return mention_id not in session.info.get(_STATELESS, ())


def prefetch(session: Session, messages: Sequence[Message]) -> None:
    """Loads in a few queries the rows a batch will look up one by one, and notes the ones
    that are not there, so the batch applies without a query (and autoflush) per message.

    Only the lookups of mentions, classifications, routing decisions and receipts use it;
    a batch of conversation events (erasures delete in bulk) asks the database as before.
    """
    mention_ids: set[str] = set()
    relationship_ids: set[str] = set()
    routes: set[tuple[str, str]] = set()
    receipt_ids: set[str] = set()
    for message in messages:
        if isinstance(message, ConversationEvent):
            return
        if isinstance(message, DeliveryReceipt):
            receipt_ids.add(message.receipt_id)
            relationship_ids.add(message.relationship_id)
            continue
        mention = (
            message
            if isinstance(message, Mention)
            else message.mention
            if isinstance(message, ClassifiedMention)
            else message.classified.mention
        )
        mention_ids.add(mention.id)
        relationship_ids.add(mention.relationship_id)
        if isinstance(message, RoutingDecision):
            routes.update((mention.id, route.department) for route in message.departments)
    absent: set[tuple[type[Any], tuple[Any, ...]]] = set()
    # The session's identity map holds rows weakly: kept here, a later get finds them there.
    loaded: list[Any] = session.info.setdefault(_LOADED, [])

    def load(model: type[Any], column: Any, keys: set[str]) -> set[str]:
        rows = list(_where_in(session, select(model), column, keys))
        loaded.extend(rows)
        found = {getattr(r, column.key) for r in rows}
        absent.update((model, (key,)) for key in keys - found)
        return found

    load(ErasureRow, ErasureRow.relationship_id, relationship_ids)
    load(DeliveryReceiptRow, DeliveryReceiptRow.receipt_id, receipt_ids)
    new_mentions = mention_ids - load(MentionRow, MentionRow.id, mention_ids)
    route_rows = list(
        _where_in(
            session,
            select(MentionRouteRow),
            MentionRouteRow.mention_id,
            {mention_id for mention_id, _ in routes},
        )
    )
    loaded.extend(route_rows)
    absent.update(
        (MentionRouteRow, key)
        for key in routes - {(r.mention_id, r.department) for r in route_rows}
    )
    with_state = set(
        _where_in(
            session,
            select(ConversationEventRow.mention_id)
            .where(ConversationEventRow.kind.in_([kind.value for kind in _STATE_KINDS]))
            .distinct(),
            ConversationEventRow.mention_id,
            new_mentions,
        )
    )
    session.info[_ABSENT] = absent
    session.info[_STATELESS] = new_mentions - with_state


class StaleBatch(Exception):
    """A relationship of the batch was erased after `prefetch` looked: try the batch again."""


def check_erasures(session: Session) -> None:
    """Raises StaleBatch when a relationship `prefetch` found not erased now is.

    Run last in the batch's transaction, so that the window in which an erasure
    committed elsewhere can miss this batch's rows stays as short as it is for
    a single message (PostgreSQL; SQLite writers take the lock before they read).
    """
    not_erased = {key[0] for model, key in session.info.get(_ABSENT, ()) if model is ErasureRow}
    for relationship in _where_in(
        session, select(ErasureRow.relationship_id), ErasureRow.relationship_id, not_erased
    ):
        raise StaleBatch(relationship)


def _where_in(
    session: Session, statement: Select[Any], column: Any, keys: set[str], size: int = 500
) -> Iterator[Any]:
    """What `statement` finds with `column` in `keys`, asked in bounded IN lists (SQLite and
    PostgreSQL both take 500 parameters with ease); nothing is asked for no keys."""
    ordered = sorted(keys)
    for start in range(0, len(ordered), size):
        yield from session.scalars(statement.where(column.in_(ordered[start : start + size])))


def _applier(
    message: Message, claim_ttl: timedelta
) -> tuple[str, Callable[[Session, Any], object]]:
    kind, apply = APPLY[type(message)]
    if not isinstance(message, DeliveryReceipt):  # the others may fold a mention's claim
        apply = partial(apply, claim_ttl=claim_ttl)
    return kind, apply


def project_batch(
    session_factory: Callable[[], Session],
    messages: Sequence[Message],
    retry_delays_s: Sequence[float] | None = None,
    claim_ttl: timedelta = CLAIM_TTL,
) -> list[Exception | None]:
    """Applies many messages in one transaction; per message, None or why it was not stored.

    One commit per batch instead of one per message is what makes the projection
    keep up (a commit is the expensive part, on SQLite above all), and `prefetch`
    spares the query per lookup. A batch that meets a writer race is tried again
    with a fresh prefetch, up to BATCH_ATTEMPTS times. Each apply is
    idempotent, so when the batch fails as a whole (a writer race, a busy
    database, one message a bug chokes on) it is rolled back and applied again
    one message at a time with `project`'s bounded retries: only the message
    that really fails is reported, the others are stored. A database that does
    not answer raises DatabaseUnavailable for the whole batch (see `project`).
    """
    for attempt in range(BATCH_ATTEMPTS if len(messages) > 1 else 0):
        try:
            with session_factory() as session, session.begin():
                prefetch(session, messages)
                for message in messages:
                    _applier(message, claim_ttl)[1](session, message)
                check_erasures(session)
        except (IntegrityError, OperationalError, InterfaceError, StaleBatch) as err:
            if isinstance(err, DBAPIError) and (
                _unreachable(err)
                or (isinstance(err, OperationalError) and not database_answers(session_factory))
            ):
                raise DatabaseUnavailable(
                    f"{len(messages)} messages not stored: {type(err).__name__}"
                ) from err
            # Most often another topic's writer stored one of these mentions (or erased a
            # relationship) since the prefetch: a fresh prefetch sees it. Else one by one
            # below says which message failed.
            log.info(
                "batch projection rolled back",
                extra={
                    "messages": len(messages),
                    "attempt": attempt + 1,
                    "error": type(err).__name__,
                },
            )
            continue
        except Exception as err:  # rolled back; one by one below says which message failed
            log.info(
                "batch projection rolled back; applying one by one",
                extra={"messages": len(messages), "error": type(err).__name__},
            )
            break
        else:
            for message in messages:
                APPLIED.labels(kind=_applier(message, claim_ttl)[0]).inc()
            return [None] * len(messages)
    outcomes: list[Exception | None] = []
    for message in messages:
        try:
            project(session_factory, message, retry_delays_s, claim_ttl)
            outcomes.append(None)
        except DatabaseUnavailable:
            raise  # the whole batch waits: the stored ones are stored again, idempotently
        except Exception as err:  # ProjectionFailed or a bug: that message is dead-lettered
            outcomes.append(err)
    return outcomes
