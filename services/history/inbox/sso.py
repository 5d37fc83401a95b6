"""Single sign-on to the inbox through an OpenID Connect provider: code flow with PKCE.

`SingleSignOn.begin` makes the authorization request and the `Pending` record the
browser keeps (state, nonce, PKCE verifier) in a short-lived cookie; `finish`
checks the provider's answer against it, exchanges the code at the token
endpoint and validates the ID token (signature by the provider's JWKS, iss,
aud, exp, nonce), returning the username claim lower-cased. Mapping that name
to a person and starting the session is the route's job (web_sso): nobody is
created here. Built from authlib's OAuth 2 / OIDC client pieces and joserfc,
which authlib's own clients verify tokens with; blocking HTTP through httpx,
called from plain-def routes that FastAPI runs in its threadpool.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.auth import ClientAuth
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri, prepare_token_request
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

# Public-key algorithms only: a token must be signed by the provider's key, never by a
# secret it shares with clients, and "none" is never accepted.
SIGNING_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
PENDING_LIFETIME_S = 600
CLOCK_LEEWAY_S = 60
# A token naming an unknown key fetches the JWKS again, but not more often than this.
KEYS_REFRESH_S = 30.0


class SsoError(Exception):
    """A sign-on that did not succeed; the message is for the log, not for the page."""


class SsoRefused(SsoError):
    """The answer that came back is not acceptable: it counts as a failed sign-in."""


class ProviderUnavailable(SsoError):
    """The provider could not be reached or failed itself: nobody's fault on this side."""


@dataclass(frozen=True)
class SsoConfig:
    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    redirect_uri: str
    username_claim: str = "preferred_username"
    scopes: str = "openid profile email"


@dataclass(frozen=True)
class Pending:
    """What the browser holds between leaving for the provider and coming back."""

    state: str
    nonce: str
    code_verifier: str
    next_path: str
    started_at: float

    def to_cookie(self) -> str:
        return base64.urlsafe_b64encode(json.dumps(asdict(self)).encode()).decode()

    @classmethod
    def from_cookie(cls, value: str | None) -> Pending | None:
        if not value or len(value) > 4000:
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(value.encode()))
        except (binascii.Error, ValueError):
            return None
        if not isinstance(data, dict) or set(data) != set(cls.__dataclass_fields__):
            return None
        if not isinstance(data["started_at"], int | float) or not all(
            isinstance(data[name], str) for name in data if name != "started_at"
        ):
            return None
        return cls(**data)


class SingleSignOn:
    """One configured provider: its discovery document and keys, cached for `cache_s`."""

    def __init__(
        self, config: SsoConfig, http: httpx.Client | None = None, cache_s: float = 3600.0
    ) -> None:
        self.config = config
        self._http = http or httpx.Client(timeout=10.0)
        self._cache_s = cache_s
        self._lock = threading.Lock()
        self._metadata: dict[str, Any] | None = None
        self._metadata_at = 0.0
        self._keys: KeySet | None = None
        self._keys_at = 0.0

    def begin(self, next_path: str, now: float) -> tuple[str, Pending]:
        """The provider's authorization URL to send the browser to, and what it must keep."""
        metadata = self.metadata(now)
        pending = Pending(
            state=generate_token(32),
            nonce=generate_token(32),
            code_verifier=generate_token(64),
            next_path=next_path,
            started_at=now,
        )
        url = prepare_grant_uri(
            metadata["authorization_endpoint"],
            self.config.client_id,
            "code",
            redirect_uri=self.config.redirect_uri,
            scope=self.config.scopes,
            state=pending.state,
            nonce=pending.nonce,
            code_challenge=create_s256_code_challenge(pending.code_verifier),
            code_challenge_method="S256",
        )
        return url, pending

    def finish(self, pending: Pending | None, answer: dict[str, str], now: float) -> str:
        """The signed-in username (the configured claim, lower-cased), or SsoRefused."""
        if pending is None or not 0 <= now - pending.started_at <= PENDING_LIFETIME_S:
            raise SsoRefused("no sign-on was started in this browser, or it took too long")
        if not hmac.compare_digest(answer.get("state", "").encode(), pending.state.encode()):
            raise SsoRefused("the state does not match the one this browser was sent with")
        if answer.get("iss", self.config.issuer) != self.config.issuer:
            raise SsoRefused("the answer names another issuer")  # RFC 9207: mix-up defence
        if "error" in answer:
            raise SsoRefused(f"the provider answered {answer['error']!r}")
        code = answer.get("code")
        if not code:
            raise SsoRefused("the answer carries no code")
        tokens = self._exchange(code, pending.code_verifier, now)
        claims = self._identity(tokens, pending.nonce, now)
        username = claims.get(self.config.username_claim)
        if not isinstance(username, str) or not username.strip():
            raise SsoRefused(f"the ID token has no {self.config.username_claim!r} claim")
        return username.strip().lower()

    def metadata(self, now: float) -> dict[str, Any]:
        """The provider's discovery document, fetched at most once per `cache_s`."""
        with self._lock:
            metadata = self._metadata
            if metadata is None or now - self._metadata_at >= self._cache_s:
                found = self._get_json(
                    f"{self.config.issuer.rstrip('/')}/.well-known/openid-configuration"
                )
                if found.get("issuer") != self.config.issuer:
                    raise ProviderUnavailable(
                        f"the discovery document names issuer {found.get('issuer')!r}"
                    )
                for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                    if not isinstance(found.get(name), str):
                        raise ProviderUnavailable(f"the discovery document has no {name}")
                metadata = self._metadata = found
                self._metadata_at, self._keys = now, None
            return metadata

    def _exchange(self, code: str, code_verifier: str, now: float) -> dict[str, Any]:
        metadata = self.metadata(now)
        methods = metadata.get("token_endpoint_auth_methods_supported") or []
        method = "client_secret_post" if methods == ["client_secret_post"] else None
        body = prepare_token_request(
            "authorization_code",
            code=code,
            redirect_uri=self.config.redirect_uri,
            code_verifier=code_verifier,
        )
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        }
        auth = ClientAuth(self.config.client_id, self.config.client_secret, method)
        uri, headers, body = auth.prepare("POST", metadata["token_endpoint"], headers, body)
        try:
            response = self._http.post(uri, content=body, headers=headers)
        except httpx.HTTPError as err:
            raise ProviderUnavailable(f"token endpoint: {err!r}") from err
        if response.status_code >= 500:
            raise ProviderUnavailable(f"token endpoint answered {response.status_code}")
        try:
            tokens = response.json()
        except ValueError:
            tokens = None
        if response.status_code != 200 or not isinstance(tokens, dict):
            error = tokens.get("error") if isinstance(tokens, dict) else None
            raise SsoRefused(f"token endpoint answered {response.status_code} {error!r}")
        return tokens

    def _identity(self, tokens: dict[str, Any], nonce: str, now: float) -> CodeIDToken:
        id_token = tokens.get("id_token")
        if not isinstance(id_token, str):
            raise SsoRefused("the token endpoint sent no ID token")
        offered = self.metadata(now).get("id_token_signing_alg_values_supported") or ["RS256"]
        algorithms = [a for a in offered if a in SIGNING_ALGORITHMS]
        if not algorithms:
            raise SsoRefused(f"the provider signs ID tokens only with {offered}")
        try:
            try:
                token = jwt.decode(id_token, self._key_set(now, fresh=False), algorithms)
            except InvalidKeyIdError:
                # The provider may have rotated its keys since they were cached.
                token = jwt.decode(id_token, self._key_set(now, fresh=True), algorithms)
            claims = CodeIDToken(
                token.claims,
                token.header,
                {
                    "iss": {"essential": True, "value": self.config.issuer},
                    "aud": {"essential": True, "value": self.config.client_id},
                },
                # with a nonce given, authlib refuses a token without it or with another
                {"nonce": nonce, "client_id": self.config.client_id, **_access(tokens)},
            )
            claims.validate(now=int(now), leeway=CLOCK_LEEWAY_S)
        except (JoseError, ValueError) as err:
            raise SsoRefused(f"ID token refused: {err!r}") from err
        return claims

    def _key_set(self, now: float, fresh: bool) -> KeySet:
        jwks_uri = self.metadata(now)["jwks_uri"]
        with self._lock:
            keys = self._keys
            if keys is None or (fresh and now - self._keys_at >= KEYS_REFRESH_S):
                found = self._get_json(jwks_uri)
                try:
                    keys = self._keys = KeySet.import_key_set(found)  # type: ignore[arg-type]
                except (JoseError, KeyError, TypeError, ValueError) as err:
                    raise ProviderUnavailable(f"the provider's JWKS: {err!r}") from err
                self._keys_at = now
            return keys

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = self._http.get(url, headers={"Accept": "application/json"})
            response.raise_for_status()
            found = response.json()
        except (httpx.HTTPError, ValueError) as err:
            raise ProviderUnavailable(f"{url}: {err!r}") from err
        if not isinstance(found, dict):
            raise ProviderUnavailable(f"{url}: not a JSON object")
        return found


def _access(tokens: dict[str, Any]) -> dict[str, str]:
    """The access token, so an ID token's at_hash (when it has one) is checked against it."""
    access_token = tokens.get("access_token")
    return {"access_token": access_token} if isinstance(access_token, str) else {}
