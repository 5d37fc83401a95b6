"""Mounts the inbox on the history API: its pages, static files and error answers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from services.history.inbox import web_actions, web_auth, web_pages, web_sso
from services.history.inbox.web_deps import HERE, CsrfRefused, SignInRequired, render

# Scripts and styles come only from this site: no inline script, no third-party code.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
API_PREFIXES = ("/v1/", "/docs", "/openapi.json", "/redoc", "/health", "/ready")


def mount_inbox(api: FastAPI) -> None:
    api.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    api.include_router(web_auth.router)
    api.include_router(web_sso.router)
    api.include_router(web_pages.router)
    api.include_router(web_actions.router)

    @api.exception_handler(SignInRequired)
    def _sign_in(request: Request, err: SignInRequired) -> Response:
        target = f"/login?next={quote(err.next_path, safe='/')}"
        if request.headers.get("hx-request"):
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @api.exception_handler(CsrfRefused)
    def _csrf(request: Request, _err: CsrfRefused) -> Response:
        response: Response = render(request, "forbidden.html", None, 403, csrf_failed=True)
        return response

    @api.middleware("http")
    async def _page_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        if not request.url.path.startswith(API_PREFIXES):
            response.headers.setdefault("Content-Security-Policy", CSP)
            response.headers.setdefault("X-Frame-Options", "DENY")
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
            response.headers.setdefault("Referrer-Policy", "same-origin")
            if "text/html" in response.headers.get("content-type", ""):
                response.headers.setdefault("Cache-Control", "no-store")
        return response
