"""Slack-compatible incoming-webhook payload: Block Kit blocks plus the `text` fallback.

Slack shows `text` in notifications and where blocks can't be drawn; both
carry the same facts. mrkdwn needs `&`, `<` and `>` escaped.
"""

from __future__ import annotations

from typing import Any

from services.notify.content import Notice, labels, plain_text


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(notice: Notice) -> dict[str, Any]:
    words = labels(notice.language)
    facts = [(label, value) for label, value in notice.fields() if label != words["what"]]
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": notice.title[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": escape(notice.text)[:3000]}},
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": f"*{escape(label)}*\n{escape(value)}"[:2000]}
                for label, value in facts[:10]
            ],
        },
    ]
    if notice.conversation_url:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": words["open"]},
                        "url": notice.conversation_url,
                        "style": "danger" if notice.urgent else "primary",
                    }
                ],
            }
        )
    # The fallback text is mrkdwn too: unescaped, "<!channel>" in a mention would ping everyone.
    return {"text": escape(plain_text(notice))[:4000], "blocks": blocks}
