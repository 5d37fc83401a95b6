"""Hostile mention content on its way out: in the HTML e-mail it is escaped, in the plain-text
part and the JSON payloads it is verbatim, in Slack it is escaped for mrkdwn, and a line break
in a display name adds no e-mail header. Pure formatting code, no broker."""

from __future__ import annotations

import json
from datetime import timedelta
from email import message_from_bytes, policy

import pytest

from schemas import Author, DepartmentDelivery, DepartmentRoute, Sentiment
from services.notify.content import notice_for
from services.notify.formats.emails import email_for
from services.notify.formats.slack import slack_payload
from services.notify.formats.teams import adaptive_card
from services.notify.payloads import http_body
from services.notify.targets import Target
from tests.hostile.corpus import HOSTILE_HANDLES, HOSTILE_TEXTS
from tests.unit.factories import NOW, mention

MARKUP = ("<script", "<img", "<svg", "<b>")  # as tags: escaped they are inert text


def hostile_delivery(text: str, display_name: str) -> DepartmentDelivery:
    base = mention(text)
    m = base.model_copy(
        update={"author": Author(id="666", handle="h4x", display_name=display_name)}
    )
    return DepartmentDelivery(
        delivery_id=f"{m.id}|service",
        decision_id="d1",
        department="service",
        route=DepartmentRoute(department="service", matched_topics=["complaints"], rule="topic"),
        relationship_id=m.relationship_id,
        mention=m,
        topics=["complaints"],
        sentiment=Sentiment.NEGATIVE,
        priority="urgent",
        sla_deadline=NOW + timedelta(hours=4),
        conversation_url="http://inbox.test/mentions/x%3A1",
        created_at=NOW,
    )


CASES = [
    *((f"text_{name}", value, "Bea") for name, value in HOSTILE_TEXTS.items()),
    *((f"name_{name}", "hallo", value) for name, value in HOSTILE_HANDLES.items()),
    ("name_crlf", "hallo", "Bea\r\nBcc: evil@example.com\r\n\r\n<script>x</script>"),
]


@pytest.mark.parametrize(("case", "text", "display_name"), CASES, ids=[c[0] for c in CASES])
def test_hostile_content_is_inert_in_every_format(case: str, text: str, display_name: str) -> None:
    delivery = hostile_delivery(text, display_name)
    notice = notice_for(delivery, "Service", "nl")

    message = message_from_bytes(
        bytes(email_for(notice, "webcare@openhart.nl", ["dewi@openhart.nl"], "key-1", NOW)),
        policy=policy.default,
    )
    assert message["Bcc"] is None
    assert message["To"] == "dewi@openhart.nl"
    html_part = message.get_body(preferencelist=("html",))
    plain_part = message.get_body(preferencelist=("plain",))
    assert html_part is not None
    assert plain_part is not None
    html = html_part.get_content()
    for markup in MARKUP:
        assert markup not in html.lower(), (case, markup)
    if text.strip() and "\x00" not in text:
        plain = plain_part.get_content()
        first_line = text.strip().splitlines()[0]
        assert first_line[:40] in plain, case

    body = json.loads(http_body(Target("webhook", "http://hook", None), delivery, notice))
    assert body["mention"]["text"] == text
    assert body["mention"]["author"]["display_name"] == display_name

    slack = json.dumps(slack_payload(notice))
    assert "<script" not in slack
    assert "<img" not in slack
    assert "<!channel>" not in slack
    assert "<https://evil" not in slack
    json.dumps(adaptive_card(notice))  # serialisable whatever the text holds
