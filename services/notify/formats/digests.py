"""A digest (several notices at once) in each push target's wire format."""

from __future__ import annotations

import json
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from html import escape
from typing import Any

from services.notify.content import Notice, labels
from services.notify.formats.emails import message_id
from services.notify.formats.slack import escape as slack_escape


def title(notices: list[Notice], department_name: str, language: str) -> str:
    return labels(language)["digest_title"].format(count=len(notices), department=department_name)


def line(notice: Notice) -> str:
    text = " ".join(notice.text.split())
    short = text if len(text) <= 140 else text[:139] + "…"
    words = labels(notice.language)
    claim = (
        f" ({words['claimed']}: {notice.claimed_by})"
        if notice.claimed_by != words["nobody"]
        else ""
    )
    return f"[{notice.priority}] {notice.author}: {short}{claim} — {notice.conversation_url}"


def plain(notices: list[Notice], heading: str) -> str:
    return "\n".join([heading, "", *(f"- {line(n)}" for n in notices)]) + "\n"


def slack(notices: list[Notice], heading: str) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": heading[:150]}}
    ]
    for notice in notices[:48]:  # Slack allows 50 blocks
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": slack_escape(line(notice))[:3000]},
            }
        )
    return {"text": plain(notices, heading)[:4000], "blocks": blocks}


def teams(notices: list[Notice], heading: str) -> dict[str, Any]:
    return {
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        "summary": heading,
        "title": heading,
        "sections": [{"text": line(notice)} for notice in notices],
    }


def webhook(deliveries: list[dict[str, Any]], digest_id: str, department: str) -> bytes:
    return json.dumps(
        {
            "kind": "digest",
            "digest_id": digest_id,
            "department": department,
            "deliveries": deliveries,
        },
        ensure_ascii=False,
    ).encode()


def email(
    notices: list[Notice],
    heading: str,
    sender: str,
    recipients: list[str],
    idempotency_key: str,
    now: datetime,
) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = heading
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id(idempotency_key, sender.rsplit("@", 1)[-1])
    message["Idempotency-Key"] = idempotency_key
    message.set_content(plain(notices, heading))
    items = "".join(
        f'<li>{escape(line(n))} <a href="{escape(n.conversation_url)}">&#8599;</a></li>'
        for n in notices
    )
    message.add_alternative(f"<h2>{escape(heading)}</h2><ul>{items}</ul>", subtype="html")
    return message
