"""The inbox's pages in process, on SQLite and PostgreSQL: sign-in, CSRF, sessions, access.

Actions here meet a publisher without Kafka, so they show what is checked
before anything is sent; the round trip through Kafka, a real browser and
axe-core are in tests/browser.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from services.history.database import session_factories
from services.history.inbox.people import add_person, disable_person
from services.history.keys import Role
from services.history.projection import Message, project
from tests.unit.history.conftest import read_context
from tests.unit.history.test_projection import T0, classified, mention, routed

NOW = T0 + timedelta(hours=2)
PASSWORD = "correct horse battery"
DEPARTMENTS = ["vrijwilligers", "communicatie", "service", "fondsenwerving"]


@pytest.fixture
def put(engine: Engine) -> Callable[..., None]:
    _readers, writers = session_factories(engine)

    def apply(*messages: Message) -> None:
        for message in messages:
            project(writers, message, retry_delays_s=())

    return apply


@pytest.fixture
def people(engine: Engine) -> Callable[..., None]:
    _readers, writers = session_factories(engine)

    def add(username: str, departments: list[str], role: Role = Role.MEMBER) -> None:
        with writers() as session, session.begin():
            add_person(
                session,
                username=username,
                display_name=username.title(),
                departments=departments,
                role=role,
                password=PASSWORD,
                known_departments=DEPARTMENTS,
                now=T0,
                language="en",
            )

    return add


def browser(engine: Engine) -> TestClient:
    from services.history.api import create_api

    context = read_context(engine, clock=lambda: NOW, departments=DEPARTMENTS)
    return TestClient(create_api(context), follow_redirects=False)  # type: ignore[arg-type]


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "no CSRF field on the page"
    return found.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> object:
    form = client.get("/login")
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf": csrf_of(form.text)},
    )


def routed_mention(ext: str = "1", departments: list[str] | None = None) -> list[Message]:
    from schemas import DepartmentRoute

    m = mention(ext, text="Ik wil graag vrijwilliger worden")
    c = classified(m, topics=["volunteers"])
    routes = [
        DepartmentRoute(department=d, matched_topics=["volunteers"], rule="topic")
        for d in (departments or ["vrijwilligers"])
    ]
    return [m, c, routed(c, departments=routes, sla_deadline=NOW + timedelta(minutes=90))]


def test_pages_need_a_session_and_login_needs_its_csrf(engine: Engine, people) -> None:
    people("bram", ["vrijwilligers"])
    client = browser(engine)
    answer = client.get("/inbox?status=open")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/inbox%3Fstatus%3Dopen"
    no_csrf = client.post("/login", data={"username": "bram", "password": PASSWORD})
    assert no_csrf.status_code == 403
    assert "webcare_session" not in no_csrf.cookies


def test_sign_in_sets_a_strict_cookie_and_a_new_session_each_time(engine: Engine, people) -> None:
    people("bram", ["vrijwilligers"])
    client = browser(engine)
    first = sign_in(client, "bram")
    assert first.status_code == 303
    cookie = first.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie
    old = client.cookies.get("webcare_session")
    assert client.get("/inbox").status_code == 200
    sign_in(client, "bram")  # signing in again, with the old cookie sent along
    new = client.cookies.get("webcare_session")
    assert new
    assert new != old
    stale = browser(engine)
    stale.cookies.set("webcare_session", old)
    assert stale.get("/inbox").status_code == 303  # the fixed session id is gone


def test_cookie_is_secure_over_https(engine: Engine, people) -> None:
    people("bram", ["vrijwilligers"])
    client = browser(engine)
    form = client.get("/login")
    answer = client.post(
        "/login",
        data={"username": "bram", "password": PASSWORD, "csrf": csrf_of(form.text)},
        headers={"X-Forwarded-Proto": "https"},
    )
    assert "Secure" in answer.headers["set-cookie"]


def test_wrong_passwords_are_throttled_per_username(engine: Engine, people) -> None:
    people("bram", ["vrijwilligers"])
    client = browser(engine)
    for _ in range(5):
        assert sign_in(client, "bram", "wrong password!").status_code == 401
    throttled = sign_in(client, "bram")  # even the right password waits now
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) > 0
    people("femke", ["service"])
    assert sign_in(client, "femke").status_code == 303  # another account is not held up


def test_a_disabled_person_is_signed_out_at_once(engine: Engine, people) -> None:
    people("bram", ["vrijwilligers"])
    client = browser(engine)
    sign_in(client, "bram")
    assert client.get("/inbox").status_code == 200
    _readers, writers = session_factories(engine)
    with writers() as session, session.begin():
        disable_person(session, "bram", NOW)
    assert client.get("/inbox").status_code == 303
    assert sign_in(browser(engine), "bram").status_code == 401


def test_logout_ends_the_session_and_needs_csrf(engine: Engine, people) -> None:
    people("bram", ["vrijwilligers"])
    client = browser(engine)
    sign_in(client, "bram")
    page = client.get("/inbox").text
    assert client.post("/logout", data={}).status_code == 403
    assert client.post("/logout", data={"csrf": "forged"}).status_code == 403
    assert client.get("/inbox").status_code == 200
    assert client.post("/logout", data={"csrf": csrf_of(page)}).status_code == 303
    assert client.get("/inbox").status_code == 303


def test_queue_and_mention_page_show_the_shared_record(engine: Engine, people, put) -> None:
    people("bram", ["vrijwilligers"])
    put(*routed_mention("1", ["vrijwilligers", "communicatie"]))
    client = browser(engine)
    sign_in(client, "bram")
    queue = client.get("/inbox")
    assert queue.status_code == 200
    rows = client.get("/inbox/rows?department=vrijwilligers&status=open&topic=&channel=")
    assert rows.status_code == 200, rows.text  # "any" in a filter is an empty string
    assert 'data-mention="mastodon:1"' in rows.text
    assert "Ik wil graag vrijwilliger worden" in queue.text
    assert "communicatie" in queue.text  # which other department got it
    assert "due in 1h 30m" in queue.text
    page = client.get("/mentions/mastodon:1")
    assert page.status_code == 200
    for part in ("Departments and why", "Whole conversation", 'id="claim"', "volunteers"):
        assert part in page.text
    assert "Content-Security-Policy" in page.headers
    assert client.get("/mentions/mastodon:404").status_code == 404


def test_actions_need_csrf_and_members_act_only_for_their_departments(
    engine: Engine, people, put
) -> None:
    people("bram", ["vrijwilligers"])
    people("dewi", ["service"])
    put(*routed_mention("1", ["vrijwilligers"]))
    bram, dewi = browser(engine), browser(engine)
    sign_in(bram, "bram")
    sign_in(dewi, "dewi")
    assert bram.post("/mentions/mastodon:1/claim", data={}).status_code == 403
    forged = bram.post("/mentions/mastodon:1/claim", data={"csrf": "x" * 43})
    assert forged.status_code == 403
    token = csrf_of(dewi.get("/mentions/mastodon:1").text)
    refused = dewi.post("/mentions/mastodon:1/claim", data={"csrf": token})
    assert refused.status_code == 303
    assert refused.headers["location"].endswith("?error=forbidden")
    # bram may act; this test's publisher has no Kafka, so it is refused as unavailable
    token = csrf_of(bram.get("/mentions/mastodon:1").text)
    sent = bram.post("/mentions/mastodon:1/claim", data={"csrf": token})
    assert sent.headers["location"].endswith("?error=kafka_unavailable")
    shown = bram.get(sent.headers["location"])
    assert "The event bus is unavailable" in shown.text


def test_team_search_and_saved_replies(engine: Engine, people, put) -> None:
    people("bram", ["vrijwilligers"])
    people("lies", ["vrijwilligers"], Role.LEAD)
    put(*routed_mention("1"))
    member, lead = browser(engine), browser(engine)
    sign_in(member, "bram")
    sign_in(lead, "lies")
    assert "vrijwilligers" in member.get("/team").text
    found = member.get("/search", params={"q": "vrijwilliger"})
    assert 'data-mention="mastodon:1"' in found.text
    token = csrf_of(member.get("/replies").text)
    saved = {"department": "vrijwilligers", "language": "nl", "title": "Welkom"}
    saved |= {"body": "Dag {author_name}, welkom!", "csrf": token}
    assert member.post("/replies", data=saved).status_code == 403  # members do not edit
    saved["csrf"] = csrf_of(lead.get("/replies").text)
    assert lead.post("/replies", data=saved).status_code == 303
    page = member.get("/mentions/mastodon:1").text
    assert (
        '<option value="Dag Anna, welkom!">Welkom</option>' in page
    )  # the author's name filled in
