"""The inbox's forms: act on a mention (the JSON API's own code path) and keep saved replies.

After an action the browser is sent back to the mention's page (POST, then
redirect, then GET), with what happened as a message key, never as free text.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from schemas import ConversationEventKind as Kind
from services.history.actions import Note, NoteText, Reply, Retag
from services.history.actions import Request as ActionRequest
from services.history.api_actions import act_on_mention
from services.history.api_deps import ApiContext, ApiError, Ctx
from services.history.database import SavedReplyRow
from services.history.inbox.web_deps import User, WebUser, check_csrf, mention_path, render
from services.history.inbox.web_pages import mention_response

router = APIRouter(include_in_schema=False)

KINDS = {
    "claim": Kind.CLAIMED,
    "release": Kind.RELEASED,
    "reply": Kind.REPLY_REQUESTED,
    "retag": Kind.RETAGGED,
    "resolve": Kind.RESOLVED,
    "note": Kind.NOTED,
}
DONE = {
    Kind.CLAIMED: "claimed",
    Kind.RELEASED: "released",
    Kind.REPLY_REQUESTED: "reply_requested",
    Kind.REPLIED: "replied",
    Kind.RETAGGED: "retagged",
    Kind.RESOLVED: "resolved",
    Kind.NOTED: "note",
}


def _request(kind: Kind, text: str, channel: str, topics: list[str]) -> ActionRequest | None:
    if kind is Kind.REPLIED:
        return Reply(text=text, channel=channel, answered_elsewhere=True)
    if kind is Kind.RETAGGED:
        return Retag(topics=topics)
    if kind is Kind.NOTED:
        return NoteText(text=text)
    return Note(note=text or None)


def _back(mention_id: str, **query: str) -> Response:
    return RedirectResponse(f"{mention_path(mention_id)}?{urlencode(query)}", status_code=303)


@router.post("/mentions/{mention_id:path}/{action}")
def act(
    request: Request,
    mention_id: str,
    action: str,
    ctx: Ctx,
    user: User,
    csrf: Annotated[str, Form(max_length=200)] = "",
    text: Annotated[str, Form(max_length=10_000)] = "",
    channel: Annotated[str, Form(max_length=64)] = "",
    topics: Annotated[list[str] | None, Form()] = None,
    elsewhere: Annotated[bool, Form()] = False,
    confirm: Annotated[bool, Form()] = False,
    direct: Annotated[bool, Form()] = False,
) -> Response:
    check_csrf(request, user, csrf)
    kind = KINDS.get(action)
    if kind is None:
        return render(request, "not_found.html", user, 404)
    if kind is Kind.REPLY_REQUESTED:
        if elsewhere:
            kind = Kind.REPLIED  # answered outside webcare: only recorded
        else:
            return _post_reply(request, ctx, user, mention_id, text.strip(), confirm, direct)
    if kind is Kind.RETAGGED:
        unknown = sorted(set(topics or []) - set(ctx.topics))
        if unknown:
            return _back(mention_id, error="unknown_topics")
    try:
        body = _request(kind, text.strip(), channel, topics or [])
    except ValidationError as err:
        problem = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors())
        return _back(mention_id, error="invalid", detail=problem[:300])
    try:
        result = act_on_mention(ctx, user.principal, mention_id, kind, body)
    except ApiError as err:
        if err.error == "mention_not_found":
            return render(request, "not_found.html", user, 404)
        return _back(mention_id, error=err.error)
    return _back(mention_id, done=DONE[kind] if result.applied else "pending")


def _post_reply(
    request: Request,
    ctx: ApiContext,
    user: WebUser,
    mention_id: str,
    text: str,
    confirm: bool,
    direct: bool,
) -> Response:
    """Asks publish to post the reply; a refusal or warnings come back on the page with the
    draft kept, so the person can shorten it or confirm it as it is."""
    try:
        body = Reply(text=text, confirm_warnings=confirm, direct=direct)
    except ValidationError:
        return _back(mention_id, error="invalid", detail="text")
    try:
        result = act_on_mention(ctx, user.principal, mention_id, Kind.REPLY_REQUESTED, body)
    except ApiError as err:
        if err.error == "mention_not_found":
            return render(request, "not_found.html", user, 404)
        if err.error in ("confirm_warnings", "reply_too_long", "no_reply_channel", "no_account"):
            return mention_response(
                request, ctx, user, mention_id, error=err.error, detail=err.problem,
                draft=text, warnings=err.warnings or [], status_code=409 if err.warnings else 422,
            )  # fmt: skip
        return _back(mention_id, error=err.error)
    return _back(mention_id, done="reply_requested" if result.applied else "pending")


@router.get("/replies")
def saved_replies(request: Request, ctx: Ctx, user: User) -> Response:
    with ctx.readers() as session:
        rows = list(
            session.scalars(
                select(SavedReplyRow).order_by(
                    SavedReplyRow.department, SavedReplyRow.language, SavedReplyRow.title
                )
            )
        )
    return render(
        request,
        "replies.html",
        user,
        rows=rows,
        departments=user.departments(ctx.departments),
        may_edit=user.is_lead,
    )


@router.post("/replies")
def add_saved_reply(
    request: Request,
    ctx: Ctx,
    user: User,
    department: Annotated[str, Form(max_length=64)],
    language: Annotated[str, Form(max_length=8)],
    title: Annotated[str, Form(min_length=1, max_length=200)],
    body: Annotated[str, Form(min_length=1, max_length=5000)],
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    check_csrf(request, user, csrf)
    if not user.is_lead or department not in ctx.departments or language not in ("nl", "en"):
        return render(request, "forbidden.html", user, 403)
    with ctx.writers() as session, session.begin():
        session.add(
            SavedReplyRow(
                department=department,
                language=language,
                title=title.strip(),
                body=body.strip(),
                updated_by=user.principal.name,
                updated_at=ctx.clock(),
            )
        )
    return RedirectResponse("/replies", status_code=303)


@router.post("/replies/{reply_id}/delete")
def delete_saved_reply(
    request: Request,
    reply_id: int,
    ctx: Ctx,
    user: User,
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    check_csrf(request, user, csrf)
    if not user.is_lead:
        return render(request, "forbidden.html", user, 403)
    with ctx.writers() as session, session.begin():
        row = session.get(SavedReplyRow, reply_id)
        if row is not None:
            session.delete(row)
    return RedirectResponse("/replies", status_code=303)
