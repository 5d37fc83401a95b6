"""Signing in and out, and the person's language: /login, /logout, /preferences/language."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from services.history.api_deps import ApiContext, Ctx
from services.history.database import PersonRow
from services.history.inbox import people, web_sessions
from services.history.inbox.web_deps import (
    COOKIE,
    LOGIN_CSRF_COOKIE,
    CsrfRefused,
    User,
    check_csrf,
    render,
    secure_cookies,
)

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only a path on this site: an open redirect would make the login page a phishing aid."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/inbox"
    return target


def login_page(
    request: Request,
    ctx: ApiContext,
    status: int,
    error: str | None,
    next_path: str,
    **values: Any,
) -> Response:
    token = secrets.token_urlsafe(24)
    response: Response = render(
        request,
        "login.html",
        None,
        status,
        error=error,
        csrf=token,
        next_path=next_path,
        sso=ctx.sso is not None,
        **values,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/login", max_age=3600
    )
    return response


def throttled_page(request: Request, ctx: ApiContext, wait: float, next_path: str) -> Response:
    response = login_page(request, ctx, 429, f"throttled:{int(wait) + 1}", next_path)
    response.headers["Retry-After"] = str(int(wait) + 1)
    return response


def start_session(
    request: Request, ctx: ApiContext, person_of: Callable[[Session], PersonRow | None]
) -> str | None:
    """A new session's token for the person `person_of` finds, or None when it finds nobody.

    Either way a session the browser brought along is ended: signing in never keeps an old id.
    """
    with ctx.writers() as session, session.begin():
        person = person_of(session)
        token = (
            web_sessions.start(session, person, ctx.clock(), ctx.session_lifetime)
            if person is not None
            else None
        )
        web_sessions.end(session, request.cookies.get(COOKIE))
    return token


def signed_in(request: Request, ctx: ApiContext, token: str, next_path: str) -> Response:
    """The answer to a successful sign-in, password or single sign-on: the session cookie."""
    response = RedirectResponse(safe_next(next_path), status_code=303)
    response.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request, ctx),
        max_age=int(ctx.session_lifetime.total_seconds()),
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.get("/login")
def login_form(request: Request, ctx: Ctx, next: str | None = None) -> Response:
    return login_page(request, ctx, 200, None, safe_next(next))


@router.post("/login")
def login(
    request: Request,
    ctx: Ctx,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    csrf: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/inbox",
) -> Response:
    if not web_sessions.csrf_matches(request.cookies.get(LOGIN_CSRF_COOKIE, ""), csrf):
        raise CsrfRefused()
    username = username.strip().lower()
    address = request.client.host if request.client else "?"
    now = time.monotonic()
    wait = ctx.login_limits.retry_after(username, address, now)
    if wait is not None:
        return throttled_page(request, ctx, wait, safe_next(next))
    token = start_session(
        request, ctx, lambda session: people.check_password(session, username, password)
    )
    if token is None:
        ctx.login_limits.failed(username, address, now)
        return login_page(request, ctx, 401, "failed", safe_next(next))
    ctx.login_limits.succeeded(username)
    return signed_in(request, ctx, token, next)


@router.post("/logout")
def logout(
    request: Request, ctx: Ctx, user: User, csrf: Annotated[str, Form(max_length=200)] = ""
) -> Response:
    check_csrf(request, user, csrf)
    with ctx.writers() as session, session.begin():
        web_sessions.end(session, request.cookies.get(COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.post("/preferences/language")
def set_language(
    request: Request,
    ctx: Ctx,
    user: User,
    language: Annotated[str, Form(max_length=8)],
    csrf: Annotated[str, Form(max_length=200)] = "",
    back: Annotated[str, Form(max_length=2000)] = "/inbox",
) -> Response:
    check_csrf(request, user, csrf)
    if language in people.LANGUAGES:
        with ctx.writers() as session, session.begin():
            row = session.get(PersonRow, user.person.username)
            if row is not None:
                row.language = language
    return RedirectResponse(safe_next(back), status_code=303)
