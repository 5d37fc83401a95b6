"""Single sign-on pages: /login/sso sends the browser to the OpenID Connect provider,
/login/sso/callback signs it in as the existing, enabled person the provider names.

Both answer 404 when single sign-on is not configured. What the browser must keep
between the two (state, nonce, PKCE verifier, where to go next) travels in a
short-lived HttpOnly cookie sent only to the callback; the session then starts as
a password sign-in's does. Failures count against the address's sign-in limit.
"""

from __future__ import annotations

import logging
import time

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from services.history.api_deps import Ctx
from services.history.inbox import people
from services.history.inbox.sso import (
    PENDING_LIFETIME_S,
    Pending,
    ProviderUnavailable,
    SingleSignOn,
    SsoRefused,
)
from services.history.inbox.web_auth import (
    login_page,
    safe_next,
    signed_in,
    start_session,
    throttled_page,
)
from services.history.inbox.web_deps import secure_cookies

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)

PENDING_COOKIE = "webcare_sso"
CALLBACK = "/login/sso/callback"


def _configured(sso: SingleSignOn | None) -> SingleSignOn:
    if sso is None:
        raise HTTPException(status_code=404)
    return sso


def _address(request: Request) -> str:
    return request.client.host if request.client else "?"


@router.get("/login/sso")
def sso_begin(request: Request, ctx: Ctx, next: str | None = None) -> Response:
    sso = _configured(ctx.sso)
    next_path = safe_next(next)
    wait = ctx.login_limits.address_retry_after(_address(request), time.monotonic())
    if wait is not None:
        return throttled_page(request, ctx, wait, next_path)
    try:
        url, pending = sso.begin(next_path, time.time())
    except ProviderUnavailable as err:
        log.warning("single sign-on provider unavailable", extra={"error": str(err)})
        return login_page(request, ctx, 503, "sso_unavailable", next_path)
    response = RedirectResponse(url, status_code=303)
    # Lax, not Strict: the provider's redirect back is a cross-site top-level navigation.
    response.set_cookie(
        PENDING_COOKIE,
        pending.to_cookie(),
        max_age=PENDING_LIFETIME_S,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request, ctx),
        path=CALLBACK,
    )
    return response


@router.get(CALLBACK)
def sso_callback(request: Request, ctx: Ctx) -> Response:
    sso = _configured(ctx.sso)
    response = _sign_in(request, ctx, sso)
    response.delete_cookie(PENDING_COOKIE, path=CALLBACK)  # one answer per sign-on started
    return response


def _sign_in(request: Request, ctx: Ctx, sso: SingleSignOn) -> Response:
    address = _address(request)
    now = time.monotonic()
    pending = Pending.from_cookie(request.cookies.get(PENDING_COOKIE))
    next_path = safe_next(pending.next_path if pending else None)
    wait = ctx.login_limits.address_retry_after(address, now)
    if wait is not None:
        return throttled_page(request, ctx, wait, next_path)
    try:
        username = sso.finish(pending, dict(request.query_params), time.time())
    except ProviderUnavailable as err:
        log.warning("single sign-on provider unavailable", extra={"error": str(err)})
        return login_page(request, ctx, 503, "sso_unavailable", next_path)
    except SsoRefused as err:
        ctx.login_limits.address_failed(address, now)
        log.warning("single sign-on refused", extra={"reason": str(err), "address": address})
        return login_page(request, ctx, 400, "sso_failed", next_path)
    token = start_session(request, ctx, lambda session: people.enabled_person(session, username))
    if token is None:
        ctx.login_limits.address_failed(address, now)
        log.warning(
            "single sign-on of no enabled person",
            extra={"username": username, "address": address},
        )
        return login_page(request, ctx, 403, "sso_refused", next_path, sso_username=username)
    ctx.login_limits.succeeded(username)
    log.info("signed in by single sign-on", extra={"username": username})
    return signed_in(request, ctx, token, next_path)
