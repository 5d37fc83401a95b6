"""What every inbox page shares: the signed-in person, CSRF checks, templates and messages.

A page that needs a person raises `SignInRequired`; the app turns it into a
redirect to /login (or an `HX-Redirect` for an htmx request). Every POST
carries the session's CSRF token, as a form field or an `X-CSRF-Token` header.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates

from services.history.api_deps import ApiContext, Ctx
from services.history.database import PersonRow
from services.history.inbox import web_sessions
from services.history.inbox.catalogue import Messages, messages_for
from services.history.inbox.people import principal_of
from services.history.inbox.presenting import duration_text
from services.history.keys import Principal, Role

HERE = Path(__file__).resolve().parent
COOKIE = "webcare_session"
LOGIN_CSRF_COOKIE = "webcare_login_csrf"
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.filters["duration"] = duration_text


class SignInRequired(Exception):
    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class CsrfRefused(Exception):
    """A POST without the session's CSRF token: answered 403, nothing done."""


@dataclass(frozen=True)
class WebUser:
    person: PersonRow
    principal: Principal
    csrf_token: str
    messages: Messages

    @property
    def is_lead(self) -> bool:
        return self.principal.role is not Role.MEMBER

    def departments(self, all_departments: list[str]) -> list[str]:
        """The queues this person works in: their own, or every one for a lead or admin."""
        own = sorted(self.principal.home_departments())
        if self.is_lead:
            return own + [d for d in all_departments if d not in own]
        return own


def current_user(request: Request, ctx: Ctx) -> WebUser:
    with ctx.readers() as session:
        found = web_sessions.find(session, request.cookies.get(COOKIE), ctx.clock())
    if found is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(target)
    return WebUser(
        person=found.person,
        principal=principal_of(found.person),
        csrf_token=found.csrf_token,
        messages=messages_for(found.person.language),
    )


User = Annotated[WebUser, Depends(current_user)]


def check_csrf(request: Request, user: WebUser, form_token: str | None) -> None:
    given = form_token or request.headers.get("x-csrf-token")
    if not web_sessions.csrf_matches(user.csrf_token, given):
        raise CsrfRefused()


def secure_cookies(request: Request, ctx: ApiContext) -> bool:
    """Secure cookies when the inbox is served over https (directly or behind a proxy)."""
    forwarded = request.headers.get("x-forwarded-proto", "")
    return (
        request.url.scheme == "https"
        or forwarded == "https"
        or ctx.public_url.startswith("https://")
    )


def mention_path(mention_id: str) -> str:
    return f"/mentions/{quote(mention_id, safe=':@')}"


def render(
    request: Request, name: str, user: WebUser | None, status_code: int = 200, **values: Any
) -> Any:
    context = {
        "user": user,
        "t": user.messages if user else messages_for(request.query_params.get("lang", "nl")),
        "mention_path": mention_path,
        **values,
    }
    return templates.TemplateResponse(request, name, context, status_code=status_code)
