"""A real, small OpenID Connect provider on 127.0.0.1 for the single sign-on tests.

It speaks the wire formats a provider does: the discovery document, a JWKS with
an RSA key, an authorization endpoint that consents at once for `user` and
redirects back with code and state, and a token endpoint that checks the code,
the client's Basic credentials, the redirect URI and the PKCE S256 verifier,
then answers with an RS256-signed ID token. Tests bend one thing at a time
(`claims`, `signing_key`) to see the client refuse it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

KEY_ID = "test-key-1"


def rsa_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": KEY_ID, "use": "sig", "alg": "RS256"})


@dataclass
class Grant:
    username: str
    nonce: str
    challenge: str
    redirect_uri: str


@dataclass
class Provider:
    """The provider's registration of one client, and what it does on the next sign-on."""

    client_id: str
    client_secret: str
    redirect_uri: str
    key: RSAKey
    user: str = "bram"
    issuer: str = ""
    # Overrides of the next ID token's claims (e.g. {"aud": "someone-else"}); None drops one.
    claims: dict[str, Any] = field(default_factory=dict)
    signing_key: RSAKey | None = None  # another key under the same kid: a bad signature
    grants: dict[str, Grant] = field(default_factory=dict)
    token_requests: list[dict[str, str]] = field(default_factory=list)

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "profile", "email"],
        }

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], Any]:
        if (
            query.get("response_type") != "code"
            or query.get("client_id") != self.client_id
            or query.get("redirect_uri") != self.redirect_uri
            or "openid" not in query.get("scope", "").split()
            or query.get("code_challenge_method") != "S256"
            or not query.get("code_challenge")
            or not query.get("state")
            or not query.get("nonce")
        ):
            return 400, {}, {"error": "invalid_request", "query": query}
        code = secrets.token_urlsafe(24)
        self.grants[code] = Grant(
            self.user, query["nonce"], query["code_challenge"], query["redirect_uri"]
        )
        answer = urlencode({"code": code, "state": query["state"], "iss": self.issuer})
        return 302, {"Location": f"{self.redirect_uri}?{answer}"}, None

    def token(self, authorization: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        self.token_requests.append(form)
        if not self._client_authenticated(authorization):
            return 401, {"error": "invalid_client"}
        grant = self.grants.pop(form.get("code", ""), None)  # a code is good once
        verifier = form.get("code_verifier", "")
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        if (
            form.get("grant_type") != "authorization_code"
            or grant is None
            or form.get("redirect_uri") != grant.redirect_uri
            or not hmac.compare_digest(challenge, grant.challenge)
        ):
            return 400, {"error": "invalid_grant"}
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": f"subject-of-{grant.username}",
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": grant.nonce,
            "preferred_username": grant.username,
        }
        claims.update(self.claims)
        claims = {name: value for name, value in claims.items() if value is not None}
        id_token = jwt.encode({"alg": "RS256", "kid": KEY_ID}, claims, self.signing_key or self.key)
        return 200, {
            "access_token": secrets.token_urlsafe(24),
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token,
        }

    def _client_authenticated(self, authorization: str) -> bool:
        scheme, _, encoded = authorization.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            client_id, _, secret = base64.b64decode(encoded).decode().partition(":")
        except ValueError:
            return False
        return unquote(client_id) == self.client_id and hmac.compare_digest(
            unquote(secret), self.client_secret
        )


def _handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                self._json(200, provider.discovery())
            elif url.path == "/jwks":
                self._json(200, {"keys": [provider.key.as_dict(private=False)]})
            elif url.path == "/authorize":
                status, headers, body = provider.authorize(query)
                self._json(status, body, headers)
            else:
                self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode()
            if urlsplit(self.path).path != "/token":
                self._json(404, {"error": "not_found"})
                return
            form = {k: v[-1] for k, v in parse_qs(body).items()}
            status, answer = provider.token(self.headers.get("Authorization", ""), form)
            self._json(status, answer, {"Cache-Control": "no-store"})

        def _json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: pytest shows what failed."""

    return Handler


@contextmanager
def running(provider: Provider) -> Iterator[Provider]:
    """Serves `provider` on a free port of 127.0.0.1 and sets its issuer to that address."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(provider))
    provider.issuer = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, name="oidc-provider", daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
