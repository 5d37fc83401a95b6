"""The inbox's composer posts through publish (reply_requested), with the API's own checks:
warnings shown with the draft kept until the person confirms, too long and no channel said
on the page, and "answered elsewhere" only recorded."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from schemas import ConversationEventKind as Kind
from services.common.organisation import Organisation
from services.history.api import create_api
from services.history.database import session_factories
from services.history.inbox.people import add_person
from services.history.keys import Role
from tests.unit.history.conftest import read_context
from tests.unit.history.test_api_reads import NOW
from tests.unit.history.test_inbox_pages import PASSWORD, csrf_of, sign_in
from tests.unit.history.test_projection import T0, classified, mention, routed
from tests.unit.history.test_reply_api import Inline, kafka, organisation, put  # noqa: F401


def inbox(engine: Engine, kafka: Inline, organisation: Organisation) -> TestClient:  # noqa: F811
    _readers, writers = session_factories(engine)
    with writers() as session, session.begin():
        add_person(
            session,
            username="bram",
            display_name="Bram",
            departments=["vrijwilligers"],
            role=Role.MEMBER,
            password=PASSWORD,
            known_departments=["vrijwilligers", "communicatie"],
            now=T0,
            language="en",
        )
    context = read_context(
        engine,
        clock=lambda: NOW,
        publisher=kafka,
        organisation=organisation,
        instance_limits=lambda account: 80,
        departments=["vrijwilligers", "communicatie"],
    )
    client = TestClient(create_api(context), follow_redirects=False)  # type: ignore[arg-type]
    sign_in(client, "bram")
    return client


def test_the_composer_posts_after_the_warnings_are_confirmed(
    engine: Engine,
    kafka: Inline,  # noqa: F811
    organisation: Organisation,  # noqa: F811
    put: Callable[..., None],  # noqa: F811
) -> None:
    put(routed(classified(mention("1"))))
    client = inbox(engine, kafka, organisation)
    token = csrf_of(client.get("/mentions/mastodon:1").text)
    text = "We beloven het: bel 06-12345678"
    warned = client.post("/mentions/mastodon:1/reply", data={"csrf": token, "text": text})
    assert warned.status_code == 409
    assert "Beloof niets." in warned.text  # the organisation's own advice
    assert f">{text}</textarea>" in warned.text  # the draft is kept
    assert 'name="confirm"' in warned.text
    assert kafka.events == []
    sent = client.post(
        "/mentions/mastodon:1/reply", data={"csrf": token, "text": text, "confirm": "true"}
    )
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"].endswith("done=reply_requested")
    [event] = kafka.events
    assert (event.kind, event.account, event.actor) == (Kind.REPLY_REQUESTED, "main", "bram")


def test_too_long_and_no_channel_are_said_and_elsewhere_is_only_recorded(
    engine: Engine,
    kafka: Inline,  # noqa: F811
    organisation: Organisation,  # noqa: F811
    put: Callable[..., None],  # noqa: F811
) -> None:
    put(routed(classified(mention("1"))), routed(classified(mention("7", source="rss"))))
    client = inbox(engine, kafka, organisation)
    token = csrf_of(client.get("/mentions/mastodon:1").text)
    long = client.post("/mentions/mastodon:1/reply", data={"csrf": token, "text": "x" * 100})
    assert long.status_code == 422
    assert re.search(r"Too long for the platform: .*80", long.text)
    rss = client.post("/mentions/rss:7/reply", data={"csrf": token, "text": "Dank je!"})
    assert rss.status_code == 422
    assert "cannot be answered from webcare" in rss.text
    assert kafka.events == []
    elsewhere = client.post(
        "/mentions/rss:7/reply",
        data={"csrf": token, "text": "Gebeld en opgelost.", "elsewhere": "true", "channel": "rss"},
    )
    assert elsewhere.status_code == 303
    [event] = kafka.events
    assert (event.kind, event.channel) == (Kind.REPLIED, "rss")
