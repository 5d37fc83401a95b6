"""Actions: claim, release, reply, re-tag, resolve, link, and the GDPR erasure.

Each is checked here (key, department, mention, a claim collision), then
written as a ConversationEvent to Kafka, never into the database: the
projection applies it like every other service reads it. The answer waits,
bounded by `WEBCARE_HISTORY_ACTION_WAIT_S`, until the projection has stored
the event: 200 with the result, or 202 with the event id when it took
longer (the action will still be applied). A claim that lost a race to
another claim is 409, judged by the projection, which keeps the first. Both
checks are the one claim rule (`services.common.claim_rule`), as in route and
notify.
"""

from __future__ import annotations

import time
import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Response
from prometheus_client import Counter
from sqlalchemy import select

from schemas import ConversationEvent, ReplyTarget
from schemas import ConversationEventKind as Kind
from services.common import claim_rule
from services.history import key_store, queries, reply_compose
from services.history.actions import (
    Link,
    Note,
    NoteText,
    Reply,
    ReplyDraft,
    Request,
    Retag,
    to_event,
)
from services.history.api_deps import Actor, Admin, ApiContext, ApiError, Ctx
from services.history.database import ConversationEventRow, MentionRouteRow, MentionRow
from services.history.keys import Principal
from services.history.publisher import PublishFailed
from services.history.reply_compose import ReplyPreview
from services.history.views import ActionResult, MentionView, Problem

router = APIRouter(
    prefix="/v1",
    tags=["act"],
    responses={
        202: {"model": ActionResult, "description": "Written to Kafka, not applied yet."},
        401: {"model": Problem},
        403: {"model": Problem},
        404: {"model": Problem},
        409: {"model": Problem},
        422: {"model": Problem},
        503: {"model": Problem},
    },
)

POLL_S = 0.05

ACTIONS = Counter(
    "webcare_history_actions_total",
    "Actions taken through the history API, by kind and outcome.",
    ["kind", "outcome"],
)


def _department(principal: Principal) -> str:
    department = principal.acting_department(())
    if department is None:
        raise ApiError(403, "forbidden", "this API key acts for no department")
    return department


def _routed_to(ctx: ApiContext, mention_id: str) -> list[str]:
    with ctx.readers() as session:
        return list(
            session.scalars(
                select(MentionRouteRow.department).where(MentionRouteRow.mention_id == mention_id)
            )
        )


def _may_act(ctx: ApiContext, principal: Principal, mention_id: str, kind: Kind) -> str | None:
    """The department the action is recorded for, once `principal` may act on the mention.

    Reads are open to all; acting is for the departments the mention went to
    (a lead or admin acts on any). A member cannot act on a mention route has
    not decided yet: that is a 409 to try again, not a refusal.
    """
    routed = _routed_to(ctx, mention_id)
    if not principal.may_act_on(routed):
        _audit(ctx, principal, kind.value, mention_id, "forbidden", None)
        if not routed:
            raise ApiError(
                409, "not_routed_yet", "route has not decided this mention yet; try again shortly"
            )
        raise ApiError(
            403,
            "forbidden",
            f"{principal.name} acts for {sorted(principal.home_departments())}; "
            f"this mention went to {sorted(routed)}",
        )
    return principal.acting_department(routed)


def _audit(
    ctx: ApiContext,
    principal: Principal,
    action: str,
    target: str,
    outcome: str,
    event_id: str | None,
) -> None:
    ACTIONS.labels(kind=action, outcome=outcome).inc()
    with ctx.writers() as session, session.begin():
        key_store.record(
            session,
            principal=principal,
            action=action,
            target=target,
            outcome=outcome,
            now=ctx.clock(),
            event_id=event_id,
        )


def _mention(ctx: ApiContext, mention_id: str) -> MentionRow:
    with ctx.readers() as session:
        row = session.get(MentionRow, mention_id)
    if row is None:
        raise ApiError(404, "mention_not_found", f"no mention with id {mention_id!r}")
    return row


def _publish_and_wait(
    ctx: ApiContext, event: ConversationEvent, principal: Principal, target: str
) -> bool:
    try:
        ctx.publisher.publish(event)
    except PublishFailed as err:
        _audit(ctx, principal, event.kind.value, target, "kafka_unavailable", event.event_id)
        raise ApiError(503, "kafka_unavailable", str(err)) from err
    deadline = time.monotonic() + ctx.action_wait_s
    while True:
        with ctx.readers() as session:
            if session.get(ConversationEventRow, event.event_id) is not None:
                return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_S)


def _claim_of(row: MentionRow) -> claim_rule.Claim | None:
    """The claim the projection stored on the mention (live or not: the rule judges)."""
    if row.status != "claimed" or row.claimed_by is None or row.claimed_at is None:
        return None
    return claim_rule.Claim(row.claimed_by, row.claimed_department, row.claimed_at)


def _current(ctx: ApiContext, mention_id: str) -> MentionView | None:
    with ctx.readers() as session:
        row = session.get(MentionRow, mention_id)
        if row is None:
            return None
        [view] = queries.mention_views(session, [row], ctx.read_context())
    return view


def act_on_mention(
    ctx: ApiContext,
    principal: Principal,
    mention_id: str,
    kind: Kind,
    request: Request | None,
) -> ActionResult:
    """Every action on a mention, for the JSON API and the inbox alike: check, write, wait.

    Raises ApiError for every refusal; `applied` says whether the projection
    stored the event within the wait (200) or not yet (202).
    """
    row = _mention(ctx, mention_id)
    department = _may_act(ctx, principal, mention_id, kind)
    now = ctx.clock()
    if kind is Kind.CLAIMED:
        outcome = claim_rule.decide(_claim_of(row), principal.name, now, ctx.claim_ttl)
        if outcome.kind == "refused" and outcome.holder is not None:
            holder = outcome.holder
            _audit(ctx, principal, kind.value, mention_id, "conflict", None)
            raise ApiError(
                409,
                "claim_conflict",
                f"claimed by {holder.actor} ({holder.department}) since {holder.at.isoformat()}",
            )
    reply_to = None
    if kind is Kind.REPLY_REQUESTED:
        if not isinstance(request, Reply):
            raise ApiError(422, "no_reply", "a reply request needs a Reply")
        preview, reply_to = _checked_reply(ctx, principal, row, department, request)
        request = request.model_copy(update={"account": preview.account})
    event = to_event(
        event_id=str(uuid.uuid4()),
        kind=kind,
        relationship_id=row.relationship_id,
        actor=principal.name,
        department=department,
        at=now,
        mention_id=mention_id,
        request=request,
        reply_to=reply_to,
    )
    applied = _publish_and_wait(ctx, event, principal, mention_id)
    mention = _current(ctx, mention_id) if applied else None
    if (
        applied
        and kind is Kind.CLAIMED
        and mention is not None
        and mention.claimed_by != principal.name
    ):
        _audit(ctx, principal, kind.value, mention_id, "conflict", event.event_id)
        raise ApiError(409, "claim_conflict", f"claimed first by {mention.claimed_by}")
    _audit(
        ctx, principal, kind.value, mention_id, "applied" if applied else "accepted", event.event_id
    )
    return ActionResult(event_id=event.event_id, applied=applied, mention=mention)


def _compose(
    ctx: ApiContext,
    row: MentionRow,
    department: str | None,
    text: str,
    account: str | None,
    direct: bool,
) -> tuple[ReplyPreview, ReplyTarget]:
    if ctx.organisation is None:
        raise ApiError(422, "no_reply_channel", "no organisation config: webcare posts no replies")
    try:
        with ctx.readers() as session:
            return reply_compose.compose(
                session,
                ctx.organisation,
                ctx.instance_limits,
                row,
                department,
                text,
                account,
                direct,
            )
    except reply_compose.ComposeRefused as err:
        raise ApiError(422, err.error, err.problem) from err


def _checked_reply(
    ctx: ApiContext, principal: Principal, row: MentionRow, department: str | None, body: Reply
) -> tuple[ReplyPreview, ReplyTarget]:
    """The reply's preview once it may be requested: 422 without a channel or an account or
    when it is too long, 409 when it has warnings nobody confirmed."""
    try:
        preview, target = _compose(ctx, row, department, body.text, body.account, body.direct)
    except ApiError:
        _audit(ctx, principal, Kind.REPLY_REQUESTED.value, row.id, "refused", None)
        raise
    if not preview.fits:
        _audit(ctx, principal, Kind.REPLY_REQUESTED.value, row.id, "too_long", None)
        raise ApiError(
            422,
            "reply_too_long",
            f"{preview.length} characters; the limit on {preview.platform} is {preview.limit}",
        )
    if preview.warnings and not body.confirm_warnings:
        reply_compose.count_warnings(preview, department, "shown")
        _audit(ctx, principal, Kind.REPLY_REQUESTED.value, row.id, "unconfirmed", None)
        raise ApiError(
            409,
            "confirm_warnings",
            "the reply has guideline warnings: read them, then send again with"
            ' "confirm_warnings": true',
            warnings=[w.model_dump() for w in preview.warnings],
        )
    reply_compose.count_warnings(preview, department, "sent")
    return preview, target


def preview_reply(
    ctx: ApiContext, principal: Principal, mention_id: str, draft: ReplyDraft
) -> ReplyPreview:
    """What a reply would be (account, text as posted, length, limit, warnings), for the JSON
    API and the inbox alike; writes nothing. Raises ApiError 404/403/409/422 as a reply would."""
    row = _mention(ctx, mention_id)
    department = _may_act(ctx, principal, mention_id, Kind.REPLY_REQUESTED)
    preview, _ = _compose(ctx, row, department, draft.text, draft.account, draft.direct)
    reply_compose.count_warnings(preview, department, "shown")
    return preview


def _act_on_mention(
    ctx: ApiContext,
    principal: Principal,
    response: Response,
    mention_id: str,
    kind: Kind,
    request: Request | None,
) -> ActionResult:
    result = act_on_mention(ctx, principal, mention_id, kind, request)
    response.status_code = 200 if result.applied else 202
    return result


@router.post("/mentions/{mention_id:path}/claim", response_model=ActionResult)
def claim(
    mention_id: str,
    ctx: Ctx,
    who: Actor,
    response: Response,
    body: Annotated[Note | None, Body()] = None,
) -> ActionResult:
    """Claim a mention: "I am answering this now". 409 when someone else holds a live claim.
    A claim holds until its holder releases it, a reply is recorded, the mention is resolved,
    or `WEBCARE_CLAIM_TTL_S` has passed. Members act on mentions routed to their departments;
    leads and admins on any."""
    return _act_on_mention(ctx, who, response, mention_id, Kind.CLAIMED, body)


@router.post("/mentions/{mention_id:path}/release", response_model=ActionResult)
def release(
    mention_id: str,
    ctx: Ctx,
    who: Actor,
    response: Response,
    body: Annotated[Note | None, Body()] = None,
) -> ActionResult:
    """Give up your claim on a mention."""
    return _act_on_mention(ctx, who, response, mention_id, Kind.RELEASED, body)


@router.post("/mentions/{mention_id:path}/reply/preview", response_model=ReplyPreview, tags=["act"])
def reply_preview(mention_id: str, ctx: Ctx, who: Actor, body: ReplyDraft) -> ReplyPreview:
    """Check a reply before sending: the account it goes out from, its length against the
    platform's limit, and the guidelines' warnings. Writes nothing. 422 when the mention's
    source has no reply channel or the department has no account on its platform."""
    return preview_reply(ctx, who, mention_id, body)


@router.post("/mentions/{mention_id:path}/reply", response_model=ActionResult)
def reply(mention_id: str, ctx: Ctx, who: Actor, response: Response, body: Reply) -> ActionResult:
    """Post a reply through the organisation's account on the mention's platform: writes
    `reply_requested`; publish posts it and writes `replied` (with the post's URL) or
    `reply_failed`. 422 when the source has no reply channel or the text is too long; 409
    with the warnings until `confirm_warnings` is true. `{"answered_elsewhere": true,
    "channel": ...}` only records an answer given outside webcare (`replied`)."""
    kind = Kind.REPLIED if body.answered_elsewhere else Kind.REPLY_REQUESTED
    return _act_on_mention(ctx, who, response, mention_id, kind, body)


@router.post("/mentions/{mention_id:path}/note", response_model=ActionResult)
def note(mention_id: str, ctx: Ctx, who: Actor, response: Response, body: NoteText) -> ActionResult:
    """Leave a note on the mention for colleagues: it joins the timeline, changes no state."""
    return _act_on_mention(ctx, who, response, mention_id, Kind.NOTED, body)


@router.post("/mentions/{mention_id:path}/retag", response_model=ActionResult)
def retag(mention_id: str, ctx: Ctx, who: Actor, response: Response, body: Retag) -> ActionResult:
    """Set a mention's topics (they win over the classifier's; classify learns from them)."""
    unknown = sorted(set(body.topics) - set(ctx.topics))
    if unknown:
        raise ApiError(422, "unknown_topics", f"not in the taxonomy: {unknown}")
    return _act_on_mention(ctx, who, response, mention_id, Kind.RETAGGED, body)


@router.post("/mentions/{mention_id:path}/resolve", response_model=ActionResult)
def resolve(
    mention_id: str,
    ctx: Ctx,
    who: Actor,
    response: Response,
    body: Annotated[Note | None, Body()] = None,
) -> ActionResult:
    """Mark a mention as dealt with."""
    return _act_on_mention(ctx, who, response, mention_id, Kind.RESOLVED, body)


def _known(ctx: ApiContext, relationship_id: str) -> bool:
    with ctx.readers() as session:
        return queries.profile(session, relationship_id) is not None


@router.post("/relationships/{relationship_id}/link", response_model=ActionResult)
def link(
    relationship_id: str, ctx: Ctx, who: Actor, response: Response, body: Link
) -> ActionResult:
    """Record that two accounts are one person: their conversations read as one from now on."""
    department = _department(who)
    if body.other_relationship_id == relationship_id:
        raise ApiError(422, "same_relationship", "a relationship cannot be linked to itself")
    for rel in (relationship_id, body.other_relationship_id):
        if not _known(ctx, rel):
            raise ApiError(404, "relationship_not_found", f"nothing known about {rel!r}")
    event = to_event(
        event_id=str(uuid.uuid4()),
        kind=Kind.LINKED,
        relationship_id=relationship_id,
        actor=who.name,
        department=department,
        at=ctx.clock(),
        request=body,
    )
    applied = _publish_and_wait(ctx, event, who, relationship_id)
    _audit(
        ctx, who, "linked", relationship_id, "applied" if applied else "accepted", event.event_id
    )
    response.status_code = 200 if applied else 202
    return ActionResult(event_id=event.event_id, applied=applied)


@router.post(
    "/relationships/{relationship_id}/erasure", response_model=ActionResult, tags=["privacy"]
)
def erase(relationship_id: str, ctx: Ctx, who: Admin, response: Response) -> ActionResult:
    """GDPR erasure: deletes everything stored about the relationship and leaves a tombstone,
    so a rebuild from Kafka does not bring it back. Needs the admin scope."""
    event = to_event(
        event_id=str(uuid.uuid4()),
        kind=Kind.ERASED,
        relationship_id=relationship_id,
        actor=who.name,
        department=None,
        at=ctx.clock(),
    )
    applied = _publish_and_wait(ctx, event, who, relationship_id)
    _audit(
        ctx, who, "erased", relationship_id, "applied" if applied else "accepted", event.event_id
    )
    response.status_code = 200 if applied else 202
    return ActionResult(event_id=event.event_id, applied=applied)
