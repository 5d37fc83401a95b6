"""Microsoft Teams-compatible incoming-webhook payloads.

Classic Office 365 connectors take a MessageCard; Teams Workflows take a
message with an Adaptive Card attachment. Both carry the same facts.
"""

from __future__ import annotations

from typing import Any

from services.notify.content import Notice, labels

URGENT_COLOUR = "D13438"
NORMAL_COLOUR = "0078D7"


def _facts(notice: Notice) -> list[tuple[str, str]]:
    what = labels(notice.language)["what"]
    return [(label, value) for label, value in notice.fields() if label != what]


def message_card(notice: Notice) -> dict[str, Any]:
    words = labels(notice.language)
    card: dict[str, Any] = {
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        "summary": notice.title,
        "themeColor": URGENT_COLOUR if notice.urgent else NORMAL_COLOUR,
        "title": notice.title,
        "sections": [
            {
                "text": notice.text,
                "facts": [{"name": label, "value": value} for label, value in _facts(notice)],
            }
        ],
    }
    if notice.conversation_url:
        card["potentialAction"] = [
            {
                "@type": "OpenUri",
                "name": words["open"],
                "targets": [{"os": "default", "uri": notice.conversation_url}],
            }
        ]
    return card


def adaptive_card(notice: Notice) -> dict[str, Any]:
    words = labels(notice.language)
    content: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {
                "type": "TextBlock",
                "text": notice.title,
                "weight": "Bolder",
                "size": "Medium",
                "color": "Attention" if notice.urgent else "Default",
                "wrap": True,
            },
            {"type": "TextBlock", "text": notice.text, "wrap": True},
            {
                "type": "FactSet",
                "facts": [{"title": label, "value": value} for label, value in _facts(notice)],
            },
        ],
    }
    if notice.conversation_url:
        content["actions"] = [
            {"type": "Action.OpenUrl", "title": words["open"], "url": notice.conversation_url}
        ]
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": content,
            }
        ],
    }
