"""Administration (admin scope): API keys, the audit trail, and the GDPR export."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from services.history import key_store, queries
from services.history.api_deps import Admin, ApiContext, ApiError, Ctx
from services.history.database import AuditRow, ConversationEventRow, MentionRow
from services.history.keys import KeyKind, Principal, Scope
from services.history.projection import NOTICE_KINDS
from services.history.views import (
    AuditPage,
    AuditView,
    BadCursor,
    EventView,
    Export,
    KeyView,
    NewKeyView,
    Problem,
    decode_cursor,
    encode_cursor,
)

router = APIRouter(
    prefix="/v1",
    tags=["admin"],
    responses={401: {"model": Problem}, 403: {"model": Problem}, 404: {"model": Problem}},
)


class KeyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        min_length=1,
        max_length=200,
        pattern=r"^[^\s]+$",
        description="Who acts with it: a department or a person (e.g. an e-mail address).",
    )
    kind: KeyKind
    department: str | None = Field(
        default=None, max_length=64, description="The department it acts for (required for act)."
    )
    scopes: list[Scope] = Field(min_length=1, max_length=3)


def _audit(ctx: ApiContext, who: Principal, action: str, target: str | None) -> None:
    with ctx.writers() as session, session.begin():
        key_store.record(
            session, principal=who, action=action, target=target, outcome="done", now=ctx.clock()
        )


@router.post("/keys", response_model=NewKeyView, status_code=201)
def create_key(body: KeyRequest, ctx: Ctx, who: Admin) -> NewKeyView:
    """Create a key for a department or an operator; the answer holds the key, shown once."""
    if body.department is not None and body.department not in ctx.departments:
        raise ApiError(422, "unknown_department", f"no department {body.department!r}")
    if body.kind is KeyKind.DEPARTMENT and body.department is None:
        raise ApiError(422, "department_required", "a department key names its department")
    if Scope.ACT in body.scopes and body.department is None:
        raise ApiError(422, "department_required", "the act scope acts for a department")
    with ctx.writers() as session, session.begin():
        row, token = key_store.create_key(
            session,
            name=body.name,
            kind=body.kind,
            department=body.department,
            scopes=body.scopes,
            created_by=who.name,
            now=ctx.clock(),
        )
        key_store.record(
            session,
            principal=who,
            action="key_created",
            target=row.key_id,
            outcome="done",
            now=ctx.clock(),
        )
        view = NewKeyView(**KeyView.model_validate(row).model_dump(), token=token)
    return view


@router.get("/keys", response_model=list[KeyView])
def list_keys(ctx: Ctx, _who: Admin) -> list[KeyView]:
    """Every key, revoked ones included (never their secrets)."""
    with ctx.readers() as session:
        return [KeyView.model_validate(row) for row in key_store.list_keys(session)]


@router.delete("/keys/{key_id}", response_model=KeyView)
def revoke_key(key_id: str, ctx: Ctx, who: Admin) -> KeyView:
    """Revoke a key: it stops working at once."""
    with ctx.writers() as session, session.begin():
        row = key_store.revoke_key(session, key_id, ctx.clock())
        if row is None:
            raise ApiError(404, "key_not_found", f"no key {key_id!r}")
        key_store.record(
            session,
            principal=who,
            action="key_revoked",
            target=key_id,
            outcome="done",
            now=ctx.clock(),
        )
        return KeyView.model_validate(row)


@router.get("/audit", response_model=AuditPage)
def audit(
    ctx: Ctx,
    _who: Admin,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> AuditPage:
    """Who did what, newest first."""
    query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit + 1)
    if cursor is not None:
        [last] = decode_cursor(cursor, 1)
        # bool is an int to Python; a number past 64 bits overflows the database's integer
        if not isinstance(last, int) or isinstance(last, bool) or not 0 <= last < 2**63:
            raise BadCursor("cursor is not one this API gave out")
        query = query.where(AuditRow.id < last)
    with ctx.readers() as session:
        rows = session.scalars(query).all()
    page = rows[:limit]
    return AuditPage(
        items=[AuditView.model_validate(r) for r in page],
        next_cursor=encode_cursor([page[-1].id]) if len(rows) > limit else None,
    )


@router.get("/relationships/{relationship_id}/export", response_model=Export, tags=["privacy"])
def export(relationship_id: str, ctx: Ctx, who: Admin) -> Export:
    """GDPR access: everything stored about one relationship (not its linked accounts) as JSON."""
    read = ctx.read_context()
    with ctx.readers() as session:
        mentions = session.scalars(
            select(MentionRow)
            .where(MentionRow.relationship_id == relationship_id)
            .order_by(MentionRow.created_at, MentionRow.id)
        ).all()
        events = session.scalars(
            select(ConversationEventRow)
            .where(
                ConversationEventRow.relationship_id == relationship_id,
                ConversationEventRow.kind != "erased",
                ConversationEventRow.kind.not_in(NOTICE_KINDS),
            )
            .order_by(ConversationEventRow.at, ConversationEventRow.event_id)
        ).all()
        profile = queries.profile(session, relationship_id)
        if profile is None:
            raise ApiError(
                404, "relationship_not_found", f"nothing known about {relationship_id!r}"
            )
        views = queries.mention_views(session, mentions, read)
    _audit(ctx, who, "exported", relationship_id)
    return Export(
        relationship_id=relationship_id,
        exported_at=read.now,
        profile=profile,
        mentions=views,
        events=[EventView.model_validate(e) for e in events],
    )
