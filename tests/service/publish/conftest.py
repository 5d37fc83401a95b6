"""Fixtures of publish's tests: the fake platforms, an organisation with accounts, requests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from schemas import ConversationEvent, ConversationEventKind, ReplyTarget
from services.common.organisation import Organisation, parse_organisation
from tests.support.fake_platforms import FakeMastodon, FakePds, FakeWebhookReceiver, PdsAccount

ORG_DID = "did:plc:openhart000000000000000"
AUTHOR_DID = "did:plc:bea00000000000000000000"
HOOK_SECRET = "hook-secret"


@pytest.fixture
def mastodon() -> Iterator[FakeMastodon]:
    server = FakeMastodon()
    server.add_status("1001", "public")
    server.add_status("1002", "direct")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def pds() -> Iterator[FakePds]:
    server = FakePds(
        accounts=[
            PdsAccount("openhart.bsky.social", ORG_DID, "app-password"),
            PdsAccount("bea.bsky.social", AUTHOR_DID, "unused"),
        ]
    )
    root = server.add_post(AUTHOR_DID, "3root0000000a", "Wat doen jullie met mijn gift?")
    root_ref = {
        "uri": root,
        "cid": server.records[(AUTHOR_DID, "app.bsky.feed.post", "3root0000000a")]["cid"],
    }
    server.add_post(
        AUTHOR_DID,
        "3reply000000b",
        "@openhart.bsky.social nog steeds geen antwoord",
        reply={"root": root_ref, "parent": root_ref},
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def receiver() -> Iterator[FakeWebhookReceiver]:
    server = FakeWebhookReceiver().start()
    yield server  # type: ignore[misc]
    server.stop()


def organisation_config(mastodon_url: str, pds_url: str, hook_url: str) -> dict[str, Any]:
    return {
        "name": "Open Hart",
        "triage_department": "communicatie",
        "topics": [{"slug": "complaints", "name": "Klachten"}],
        "departments": [
            {"slug": "communicatie", "name": "Communicatie", "topics": ["complaints"]},
            {"slug": "service", "name": "Service"},
        ],
        "accounts": [
            {
                "id": "main",
                "platform": "mastodon",
                "url": mastodon_url,
                "handle": "openhart@mastodon.example",
                "credentials_env": "PUBLISH_TEST_MASTODON_TOKEN",
                "departments": ["communicatie", "service"],
            },
            {
                "id": "sky",
                "platform": "bluesky",
                "url": pds_url,
                "handle": "openhart.bsky.social",
                "credentials_env": "PUBLISH_TEST_BSKY_PASSWORD",
                "departments": ["communicatie", "service"],
            },
        ],
        "sources": {
            "webhooks": [
                {
                    "source": "forum",
                    "secret_env": "PUBLISH_TEST_HOOK_SECRET",
                    "reply_url": f"{hook_url}/replies",
                }
            ]
        },
    }


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUBLISH_TEST_MASTODON_TOKEN", "mastodon-token")
    monkeypatch.setenv("PUBLISH_TEST_BSKY_PASSWORD", "app-password")
    monkeypatch.setenv("PUBLISH_TEST_HOOK_SECRET", HOOK_SECRET)


@pytest.fixture
def organisation(
    mastodon: FakeMastodon, pds: FakePds, receiver: FakeWebhookReceiver, credentials: None
) -> Organisation:
    return parse_organisation(organisation_config(mastodon.url, pds.url, receiver.url))


@pytest.fixture
def organisation_file(
    tmp_path: Path, mastodon: FakeMastodon, pds: FakePds, receiver: FakeWebhookReceiver
) -> Path:
    import yaml

    path = tmp_path / "organisation.yaml"
    path.write_text(yaml.safe_dump(organisation_config(mastodon.url, pds.url, receiver.url)))
    return path


def request(
    source: str,
    external_id: str,
    text: str = "Dank voor je bericht, we zoeken het uit.",
    account: str | None = None,
    direct: bool = False,
    author: str = "bea@mastodon.social",
    author_id: str | None = None,
    event_id: str | None = None,
) -> ConversationEvent:
    return ConversationEvent(
        event_id=event_id or str(uuid.uuid4()),
        kind=ConversationEventKind.REPLY_REQUESTED,
        relationship_id="rel-bea",
        mention_id=f"{source}:{external_id}",
        department="service",
        actor="dewi@openhart.nl",
        text=text,
        channel=source,
        account=account,
        direct=direct,
        reply_to=ReplyTarget(
            source=source, external_id=external_id, author_handle=author, author_id=author_id
        ),
        at=datetime.now(UTC),
    )
