"""Single sign-on to the inbox against a real OpenID Connect provider on 127.0.0.1.

The browser is FastAPI's TestClient on the history app; it follows every redirect
by hand: to the provider's authorization endpoint (over real HTTP), back to the
callback, and on to the page it came for.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from services.history.database import session_factories
from services.history.inbox.catalogue import NL
from services.history.inbox.people import disable_person
from services.history.inbox.rate_limit import FailureWindow, LoginLimits
from services.history.inbox.sso import SingleSignOn, SsoConfig
from tests.unit.history.conftest import read_context
from tests.unit.history.oidc_provider import Provider, rsa_key, running
from tests.unit.history.test_inbox_pages import DEPARTMENTS, NOW, sign_in
from tests.unit.history.test_inbox_pages import people as people  # the fixture

CALLBACK = "http://testserver/login/sso/callback"
KEY = rsa_key()


@pytest.fixture
def provider() -> Iterator[Provider]:
    registered = Provider(
        client_id="webcare-inbox", client_secret="client-secret", redirect_uri=CALLBACK, key=KEY
    )
    with running(registered) as serving:
        yield serving


def browser(engine: Engine, provider: Provider | None, **context: Any) -> TestClient:
    from services.history.api import create_api

    sso = (
        SingleSignOn(
            SsoConfig(
                issuer=provider.issuer,
                client_id=provider.client_id,
                client_secret=provider.client_secret,
                redirect_uri=CALLBACK,
            )
        )
        if provider is not None
        else None
    )
    ctx = read_context(
        engine,
        clock=lambda: NOW,
        departments=DEPARTMENTS,
        public_url="http://testserver",
        sso=sso,
        **context,
    )
    return TestClient(create_api(ctx), follow_redirects=False)  # type: ignore[arg-type]


def to_provider(client: TestClient, next_path: str = "/inbox") -> httpx.Response:
    """/login/sso, then the provider's consent: the provider's redirect back to the inbox."""
    leaving = client.get("/login/sso", params={"next": next_path})
    assert leaving.status_code == 303, leaving.text
    assert leaving.headers["location"].startswith(f"{client_issuer(client)}/authorize?")
    consent = httpx.get(leaving.headers["location"])
    assert consent.status_code == 302, consent.text
    assert consent.headers["location"].startswith(f"{CALLBACK}?")
    return consent


def client_issuer(client: TestClient) -> str:
    sso = client.app.state.context.sso  # type: ignore[attr-defined]
    return str(sso.config.issuer)


def come_back(client: TestClient, consent: httpx.Response) -> httpx.Response:
    return client.get(consent.headers["location"].removeprefix("http://testserver"))


def single_sign_on(client: TestClient, next_path: str = "/inbox") -> httpx.Response:
    return come_back(client, to_provider(client, next_path))


def test_single_sign_on_starts_a_session_for_an_existing_person(
    engine: Engine, people, provider: Provider
) -> None:
    people("bram", ["vrijwilligers"])
    provider.user = "Bram"  # the claim is lower-cased to find the person
    client = browser(engine, provider)
    login = client.get("/login")
    assert 'href="/login/sso?next=/inbox"' in login.text
    assert NL["login_sso"] in login.text

    leaving = client.get("/login/sso", params={"next": "/inbox?status=open"})
    pending = leaving.headers["set-cookie"]
    assert pending.startswith("webcare_sso=")
    assert "HttpOnly" in pending
    assert "SameSite=lax" in pending
    assert "Path=/login/sso/callback" in pending
    consent = httpx.get(leaving.headers["location"])
    back = come_back(client, consent)

    assert back.status_code == 303, back.text
    assert back.headers["location"] == "/inbox?status=open"
    session_cookie = next(c for c in back.headers.get_list("set-cookie") if "webcare_session=" in c)
    assert "HttpOnly" in session_cookie
    assert "SameSite=lax" in session_cookie
    assert client.cookies.get("webcare_sso") is None  # the pending sign-on is used up
    assert client.get("/inbox").status_code == 200
    assert "Bram" in client.get("/inbox").text
    assert provider.token_requests[0]["code_verifier"]  # PKCE, checked by the provider


def test_single_sign_on_ends_the_session_the_browser_brought(
    engine: Engine, people, provider: Provider
) -> None:
    people("bram", ["vrijwilligers"])
    client = browser(engine, provider)
    sign_in(client, "bram")
    old = client.cookies.get("webcare_session")

    assert single_sign_on(client).status_code == 303

    new = client.cookies.get("webcare_session")
    assert new
    assert new != old
    stale = browser(engine, provider)
    stale.cookies.set("webcare_session", old)
    assert stale.get("/inbox").status_code == 303


def test_a_wrong_state_is_refused(engine: Engine, people, provider: Provider) -> None:
    people("bram", ["vrijwilligers"])
    client = browser(engine, provider)
    consent = to_provider(client)
    forged = httpx.Response(
        302, headers={"location": consent.headers["location"].replace("state=", "state=x")}
    )

    answer = come_back(client, forged)

    assert answer.status_code == 400
    assert NL["login_sso_failed"] in answer.text
    assert "webcare_session" not in client.cookies
    assert provider.token_requests == []  # the code was never exchanged


def test_a_callback_without_a_started_sign_on_is_refused(
    engine: Engine, people, provider: Provider
) -> None:
    people("bram", ["vrijwilligers"])
    consent = to_provider(browser(engine, provider))  # another browser started it

    answer = come_back(browser(engine, provider), consent)

    assert answer.status_code == 400
    assert provider.token_requests == []


@pytest.mark.parametrize(
    "bend",
    [
        pytest.param({"signing_key": rsa_key()}, id="bad-signature"),
        pytest.param({"claims": {"aud": "another-client"}}, id="wrong-aud"),
        # azp names this client, so only the audience check itself catches it
        pytest.param(
            {"claims": {"aud": ["another-client"], "azp": "webcare-inbox"}}, id="wrong-aud-azp"
        ),
        pytest.param({"claims": {"iss": "https://impostor.example"}}, id="wrong-iss"),
        pytest.param({"claims": {"exp": 1_000_000_000, "iat": 999_999_000}}, id="expired"),
        pytest.param({"claims": {"nonce": "not-the-nonce-sent"}}, id="wrong-nonce"),
        pytest.param({"claims": {"nonce": None}}, id="no-nonce"),
    ],
)
def test_an_id_token_that_does_not_hold_is_refused(
    engine: Engine, people, provider: Provider, bend: dict[str, Any]
) -> None:
    people("bram", ["vrijwilligers"])
    for name, value in bend.items():
        setattr(provider, name, value)
    client = browser(engine, provider)

    answer = single_sign_on(client)

    assert len(provider.token_requests) == 1  # it got as far as the ID token
    assert answer.status_code == 400
    assert NL["login_sso_failed"] in answer.text
    assert "webcare_session" not in client.cookies


def test_an_unknown_person_gets_the_login_page_with_403(
    engine: Engine, people, provider: Provider
) -> None:
    people("bram", ["vrijwilligers"])
    provider.user = "Stranger"
    client = browser(engine, provider)

    answer = single_sign_on(client)

    assert answer.status_code == 403
    assert NL["login_sso_refused"].format(username="stranger") in answer.text
    assert 'action="/login"' in answer.text  # password sign-in stays on offer
    assert "webcare_session" not in client.cookies


def test_a_disabled_person_is_refused(engine: Engine, people, provider: Provider) -> None:
    people("bram", ["vrijwilligers"])
    _readers, writers = session_factories(engine)
    with writers() as session, session.begin():
        disable_person(session, "bram", NOW)
    client = browser(engine, provider)

    answer = single_sign_on(client)

    assert answer.status_code == 403
    assert "webcare_session" not in client.cookies
    assert client.get("/inbox").status_code == 303


def test_failed_sign_ons_count_against_the_address_limit(
    engine: Engine, people, provider: Provider
) -> None:
    people("bram", ["vrijwilligers"])
    provider.user = "stranger"
    limits = LoginLimits(per_address=FailureWindow(2, 300.0))
    client = browser(engine, provider, login_limits=limits)
    assert single_sign_on(client).status_code == 403
    assert single_sign_on(client).status_code == 403

    throttled = client.get("/login/sso")
    assert throttled.status_code == 429
    assert "Retry-After" in throttled.headers
    assert sign_in(client, "bram").status_code == 429  # the same limit as password sign-in


def test_without_an_issuer_there_is_no_single_sign_on(engine: Engine, people) -> None:
    people("bram", ["vrijwilligers"])
    client = browser(engine, None)

    assert client.get("/login/sso").status_code == 404
    assert client.get("/login/sso/callback?code=x&state=y").status_code == 404
    login = client.get("/login")
    assert "/login/sso" not in login.text
    assert NL["login_sso"] not in login.text
    assert sign_in(client, "bram").status_code == 303  # password sign-in as before


def test_the_provider_unreachable_is_said_and_not_counted(engine: Engine, people) -> None:
    people("bram", ["vrijwilligers"])
    gone = Provider(client_id="c", client_secret="s", redirect_uri=CALLBACK, key=KEY)
    with running(gone):
        pass  # its port is closed again now
    client = browser(engine, gone, login_limits=LoginLimits(per_address=FailureWindow(1, 300.0)))

    answer = client.get("/login/sso")

    assert answer.status_code == 503
    assert NL["login_sso_unavailable"] in answer.text
    assert client.get("/login/sso").status_code == 503  # not 429: nobody failed to sign in
