"""Signing in and out, and the person's language: /login, /logout, /preferences/language."""

from __future__ import annotations

import secrets
import time
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from services.history.api_deps import Ctx
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


def _safe_next(target: str | None) -> str:
    """Only a path on this site: an open redirect would make the login page a phishing aid."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/inbox"
    return target


def _login_page(request: Request, status: int, error: str | None, next_path: str) -> Response:
    token = secrets.token_urlsafe(24)
    response: Response = render(
        request, "login.html", None, status, error=error, csrf=token, next_path=next_path
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/login", max_age=3600
    )
    return response


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    return _login_page(request, 200, None, _safe_next(next))


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
        response = _login_page(request, 429, f"throttled:{int(wait) + 1}", _safe_next(next))
        response.headers["Retry-After"] = str(int(wait) + 1)
        return response
    with ctx.writers() as session, session.begin():
        person: PersonRow | None = people.check_password(session, username, password)
        token = (
            web_sessions.start(session, person, ctx.clock(), ctx.session_lifetime)
            if person is not None
            else None
        )
        # A session the browser brought along is ended: signing in never keeps an old id.
        web_sessions.end(session, request.cookies.get(COOKIE))
    if token is None:
        ctx.login_limits.failed(username, address, now)
        return _login_page(request, 401, "failed", _safe_next(next))
    ctx.login_limits.succeeded(username)
    response = RedirectResponse(_safe_next(next), status_code=303)
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
    return RedirectResponse(_safe_next(back), status_code=303)
