"""The `sources:` config section, webhook signatures, CSV rows and back-off: pure pieces."""

import logging
from pathlib import Path

import pytest
import yaml

from services.common.organisation import OrganisationConfigError, parse_organisation
from services.ingest.channels import build_connectors, own_identities, webhook_auth_or_exit
from services.ingest.connectors import Backoff
from services.ingest.replay import CSV_COLUMNS, csv_record
from services.ingest.settings import IngestSettings
from services.ingest.signatures import MissingSecret, load_auth

EXAMPLE = yaml.safe_load(Path("deploy/config/organisation.yaml").read_text())
SOURCES = {
    "mastodon": [{"instance_url": "https://mastodon.nl", "access_token_env": "MASTODON_TOKEN"}],
    "bluesky": [{"dids": ["did:plc:openhart"], "keywords": ["open hart"]}],
    "feeds": [{"url": "https://dorpskrant.example.nl/feed", "poll_seconds": 600}],
    "webhooks": [{"source": "linkedin", "secret_env": "LINKEDIN_SECRET"}],
}


def test_example_config_has_no_connectors_and_unsigned_demo_webhooks() -> None:
    org = parse_organisation(EXAMPLE)
    assert org.sources.mastodon == []
    assert build_connectors(org, Backoff()) == []
    assert "x" in load_auth(org.sources.webhooks, {}).unsigned_sources()


def test_sources_build_connectors_and_own_identities() -> None:
    org = parse_organisation({**EXAMPLE, "sources": SOURCES})
    names = [c.name for c in build_connectors(org, Backoff())]
    assert names == [
        "mastodon:https://mastodon.nl:user",
        "bluesky:wss://jetstream2.us-east.bsky.network/subscribe",
        "feed:https://dorpskrant.example.nl/feed",
    ]
    assert "did:plc:openhart" in own_identities(org)


@pytest.mark.parametrize(
    ("sources", "field"),
    [
        ({"mastodon": [{"instance_url": "not a url"}]}, "sources.mastodon.0.instance_url"),
        ({"webhooks": [{"source": "li", "secret_env": "lower"}]}, "sources.webhooks.0.secret_env"),
        ({"webhooks": [{"source": "li"}]}, "sources.webhooks.0"),
        (
            {"webhooks": [{"source": "li", "unsigned": True, "secret_env": "S"}]},
            "sources.webhooks.0",
        ),
        ({"webhooks": [{"source": "li", "unsigned": True}] * 2}, "source named more than once: li"),
        ({"feeds": [{"url": "https://e.org", "poll_seconds": 0}]}, "sources.feeds.0.poll_seconds"),
        ({"telegram": []}, "sources.telegram"),
    ],
)
def test_wrong_sources_name_the_field(sources: dict[str, object], field: str) -> None:
    with pytest.raises(OrganisationConfigError, match=field.replace(".", r"\.")):
        parse_organisation({**EXAMPLE, "sources": sources})


def test_missing_secret_is_named() -> None:
    org = parse_organisation({**EXAMPLE, "sources": SOURCES})
    with pytest.raises(MissingSecret, match="LINKEDIN_SECRET"):
        load_auth(org.sources.webhooks, {})
    auth = load_auth(org.sources.webhooks, {"LINKEDIN_SECRET": "x"})
    assert auth.sources["linkedin"].secrets == (b"x",)


def test_csv_row_is_a_webhook_record() -> None:
    row = dict.fromkeys(CSV_COLUMNS, "")
    row.update(source="x", external_id="1", author_id="42", author_handle="anna", html="true")
    assert csv_record(row) == {
        "source": "x",
        "external_id": "1",
        "author": {"id": "42", "handle": "anna"},
        "text": "",  # an empty text cell is an empty text, not a missing one
        "html": True,
    }


@pytest.mark.parametrize("attempt", [1, 2, 5, 50, 10_000])
def test_backoff_grows_and_is_capped(attempt: int) -> None:
    backoff = Backoff(base_s=1.0, cap_s=60.0)
    ceiling = min(60.0, 2.0 ** min(attempt - 1, 30))
    assert ceiling / 2 <= backoff.delay(attempt) <= ceiling


def test_each_unsigned_source_is_warned_about_at_start(caplog: pytest.LogCaptureFixture) -> None:
    webhooks = [
        {"source": "linkedin", "secret_env": "LINKEDIN_SECRET"},
        {"source": "x", "unsigned": True},
    ]
    org = parse_organisation({**EXAMPLE, "sources": {"webhooks": webhooks}})
    with (
        caplog.at_level(logging.WARNING, logger="services.ingest.channels"),
        pytest.MonkeyPatch.context() as env,
    ):
        env.setenv("LINKEDIN_SECRET", "s")
        auth = webhook_auth_or_exit(org, IngestSettings())
    assert auth.unsigned_sources() == ["x"]
    assert [getattr(r, "source", None) for r in caplog.records] == ["x"]
    with pytest.raises(SystemExit, match="LINKEDIN_SECRET"):
        webhook_auth_or_exit(org, IngestSettings())
