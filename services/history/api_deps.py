"""What every API route shares: the service's context, errors as problems, and authentication.

Routes are plain `def`: FastAPI runs them in its threadpool, so blocking
database reads and Kafka sends never stall the Faust worker's event loop that
also serves HTTP.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Protocol

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from schemas import ConversationEvent
from services.common.organisation import Organisation
from services.history.department_stream import DepartmentStreams
from services.history.inbox.rate_limit import LoginLimits
from services.history.inbox.sso import SingleSignOn
from services.history.key_store import authenticate
from services.history.keys import Principal, Scope
from services.history.queries import ReadContext
from services.history.reply_compose import InstanceLimits


class Publisher(Protocol):
    def publish(self, event: ConversationEvent) -> None: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class ApiContext:
    """Everything the routes need, built once by the service and kept on `app.state`."""

    readers: Callable[[], Session]
    writers: Callable[[], Session]
    publisher: Publisher
    admin_key: str = ""
    claim_ttl: timedelta = timedelta(minutes=30)
    action_wait_s: float = 10.0
    departments: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    clock: Callable[[], datetime] = utc_now
    streams: DepartmentStreams | None = None
    # The inbox's (web pages) share of the context.
    public_url: str = "http://127.0.0.1:8000"
    session_lifetime: timedelta = timedelta(hours=12)
    login_limits: LoginLimits = field(default_factory=LoginLimits)
    department_names: dict[str, str] = field(default_factory=dict)
    sso: SingleSignOn | None = None  # single sign-on through OpenID Connect, when configured
    # Replies posted through the organisation's accounts (reply_compose.py).
    organisation: Organisation | None = None
    instance_limits: InstanceLimits = field(default_factory=InstanceLimits)

    def read_context(self) -> ReadContext:
        return ReadContext(now=self.clock(), claim_ttl=self.claim_ttl)


class ApiError(Exception):
    """An answer other than success, as `{"error": ..., "problems": [...]}`."""

    def __init__(
        self, status: int, error: str, problem: str, warnings: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__(f"{status} {error}: {problem}")
        self.status = status
        self.error = error
        self.problem = problem
        self.warnings = warnings


async def context(request: Request) -> ApiContext:
    # async (it does not block): FastAPI would run a plain def in the threadpool.
    ctx: ApiContext = request.app.state.context
    return ctx


Ctx = Annotated[ApiContext, Depends(context)]


bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer <key>`.")


def caller(
    ctx: Ctx,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    token = credentials.credentials.strip() if credentials is not None else None
    if not token:
        raise ApiError(401, "unauthenticated", "send 'Authorization: Bearer <API key>'")
    with ctx.readers() as session:
        principal = authenticate(session, token, ctx.admin_key)
    if principal is None:
        raise ApiError(401, "unauthenticated", "the API key is unknown or revoked")
    return principal


def needs(scope: Scope) -> Callable[[Principal], Awaitable[Principal]]:
    async def check(principal: Annotated[Principal, Depends(caller)]) -> Principal:
        if not principal.may(scope):
            raise ApiError(403, "forbidden", f"this API key lacks the '{scope.value}' scope")
        return principal

    return check


Reader = Annotated[Principal, Depends(needs(Scope.READ))]
Actor = Annotated[Principal, Depends(needs(Scope.ACT))]
Admin = Annotated[Principal, Depends(needs(Scope.ADMIN))]
