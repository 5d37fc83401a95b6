"""The words and wire formats a department receives, per language and target type."""

from __future__ import annotations

import json
from datetime import timedelta
from email import message_from_bytes, policy

import pytest

from schemas import Author, DepartmentDelivery, DepartmentRoute, Sentiment
from services.notify.content import notice_for, plain_text
from services.notify.formats.emails import email_for, message_id
from services.notify.formats.slack import slack_payload
from services.notify.formats.teams import adaptive_card, message_card
from services.notify.payloads import http_body
from services.notify.targets import Target
from tests.unit.factories import NOW, mention


def delivery(
    priority: str = "urgent",
    rule: str = "topic",
    text: str = "Twee keer afgeschreven <b>&</b>!",
    url: str | None = "https://x.com/bea/status/1",
) -> DepartmentDelivery:
    base = mention(text)
    m = base.model_copy(
        update={
            "author": Author(id="42", handle="boze_bea", display_name="Bea"),
            "url": url,
        }
    )
    return DepartmentDelivery(
        delivery_id=f"{m.id}|service",
        decision_id="d1",
        department="service",
        route=DepartmentRoute(
            department="service",
            matched_topics=["complaints"] if rule == "topic" else [],
            rule=rule,
        ),
        relationship_id=m.relationship_id,
        mention=m,
        topics=["complaints", "fundraising"] if rule == "topic" else [],
        sentiment=Sentiment.NEGATIVE,
        priority=priority,  # type: ignore[arg-type]
        sla_deadline=NOW + timedelta(hours=4),
        conversation_url="http://inbox.test/mentions/x%3A1",
        created_at=NOW,
    )


@pytest.mark.parametrize(
    ("language", "rule", "priority", "expected"),
    [
        (
            "nl",
            "topic",
            "urgent",
            [
                "Nieuwe vermelding voor Service",
                "Van: Bea (@boze_bea) · x",
                "Waarom: past bij de onderwerpen complaints van de afdeling",
                "Prioriteit: urgent",
                "Reageren vóór: 2026-11-20 14:00 UTC",
                "Opgepakt door: nog niemand",
                "Gesprek: http://inbox.test/mentions/x%3A1",
                "Waar: https://x.com/bea/status/1",
            ],
        ),
        (
            "en",
            "topic",
            "normal",
            [
                "New mention for Service",
                "From: Bea (@boze_bea) · x",
                "Why: matches the department's topics complaints",
                "Priority: normal",
                "Respond by: 2026-11-20 14:00 UTC",
                "Claimed by: nobody yet",
                "Topics: complaints, fundraising",
            ],
        ),
        ("en", "triage", "low", ["Why: no topic recognised: triage", "Topics: none"]),
        (
            "nl",
            "triage",
            "high",
            ["Waarom: geen onderwerp herkend: triage", "Prioriteit: hoog", "Onderwerpen: geen"],
        ),
        ("de", "topic", "normal", ["New mention for Service"]),  # unknown language: English
    ],
)
def test_plain_text_says_who_what_where_why_and_how_urgent(
    language: str, rule: str, priority: str, expected: list[str]
) -> None:
    text = plain_text(notice_for(delivery(priority, rule), "Service", language))
    for line in expected:
        assert line in text.splitlines(), (line, text)
    assert "Twee keer afgeschreven <b>&</b>!" in text


def test_claimed_by_is_shown_when_known() -> None:
    text = plain_text(notice_for(delivery(), "Service", "en", claimed_by="dewi@openhart.nl"))
    assert "Claimed by: dewi@openhart.nl" in text.splitlines()


def test_where_falls_back_to_the_source_without_a_url() -> None:
    text = plain_text(notice_for(delivery(url=None), "Service", "en"))
    assert "Where: x" in text.splitlines()


def test_slack_payload_has_text_fallback_blocks_and_escaped_mrkdwn() -> None:
    payload = slack_payload(notice_for(delivery(), "Service", "nl"))
    assert payload["text"].startswith("Nieuwe vermelding voor Service")
    kinds = [block["type"] for block in payload["blocks"]]
    assert kinds == ["header", "section", "section", "actions"]
    assert (
        payload["blocks"][1]["text"]["text"] == "Twee keer afgeschreven &lt;b&gt;&amp;&lt;/b&gt;!"
    )
    button = payload["blocks"][3]["elements"][0]
    assert button["url"] == "http://inbox.test/mentions/x%3A1"
    assert button["style"] == "danger"
    assert len(payload["blocks"][2]["fields"]) <= 10


@pytest.mark.parametrize(("priority", "colour"), [("urgent", "D13438"), ("normal", "0078D7")])
def test_teams_message_card(priority: str, colour: str) -> None:
    card = message_card(notice_for(delivery(priority), "Service", "en"))
    assert card["@type"] == "MessageCard"
    assert card["themeColor"] == colour
    facts = {f["name"]: f["value"] for f in card["sections"][0]["facts"]}
    assert facts["Priority"] == priority
    assert facts["Conversation"] == "http://inbox.test/mentions/x%3A1"
    assert card["potentialAction"][0]["targets"][0]["uri"] == "http://inbox.test/mentions/x%3A1"


def test_teams_adaptive_card() -> None:
    payload = adaptive_card(notice_for(delivery(), "Service", "en"))
    [attachment] = payload["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    content = attachment["content"]
    assert content["type"] == "AdaptiveCard"
    assert [b["type"] for b in content["body"]] == ["TextBlock", "TextBlock", "FactSet"]
    assert content["actions"][0]["type"] == "Action.OpenUrl"


@pytest.mark.parametrize(
    ("channel", "card", "check"),
    [
        ("webhook", "message_card", lambda b: b["mention"]["id"] == "x:1"),
        ("slack", "message_card", lambda b: "blocks" in b),
        ("teams", "message_card", lambda b: b["@type"] == "MessageCard"),
        ("teams", "adaptive_card", lambda b: b["type"] == "message"),
    ],
)
def test_http_body_per_target_type(channel: str, card: str, check: object) -> None:
    d = delivery()
    body = http_body(Target(channel, "http://t", card=card), d, notice_for(d, "Service", "en"))  # type: ignore[arg-type]
    assert check(json.loads(body))  # type: ignore[operator]


@pytest.mark.parametrize(
    ("language", "subject_start"), [("nl", "[!] Nieuwe vermelding"), ("en", "[!] New mention")]
)
def test_email_has_plain_and_html_and_a_stable_message_id(
    language: str, subject_start: str
) -> None:
    d = delivery()
    notice = notice_for(d, "Service", language)
    message = email_for(notice, "webcare@openhart.nl", ["dewi@openhart.nl"], "key-1", NOW)
    parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert parsed["Subject"].startswith(subject_start)
    assert parsed["Message-ID"] == message_id("key-1", "openhart.nl")
    assert (
        parsed["Message-ID"]
        == email_for(notice, "webcare@openhart.nl", ["a@b"], "key-1", NOW)["Message-ID"]
    )
    assert parsed["Content-Language"] == language
    plain = parsed.get_body(preferencelist=("plain",)).get_content()
    html = parsed.get_body(preferencelist=("html",)).get_content()
    assert "Twee keer afgeschreven <b>&</b>!" in plain
    assert "Twee keer afgeschreven &lt;b&gt;&amp;&lt;/b&gt;!" in html
    assert 'href="http://inbox.test/mentions/x%3A1"' in html


def test_message_ids_differ_per_key() -> None:
    assert message_id("a", "x.org") != message_id("b", "x.org")
