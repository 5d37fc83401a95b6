"""The e-mail of a delivery: plain text and HTML alternatives, a stable Message-ID.

The Message-ID is derived from the idempotency key, so a re-sent copy after a
crash carries the same id and mail systems that dedupe by Message-ID show it once.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from html import escape

from services.notify.content import Notice, plain_text


def message_id(idempotency_key: str, domain: str) -> str:
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def html_body(notice: Notice) -> str:
    rows = "".join(
        f'<tr><th align="left">{escape(label)}</th><td>{escape(value)}</td></tr>'
        for label, value in notice.fields()
    )
    link = (
        f'<p><a href="{escape(notice.conversation_url)}">{escape(notice.conversation_url)}</a></p>'
        if notice.conversation_url
        else ""
    )
    return (
        f'<!doctype html><html lang="{escape(notice.language)}"><body>'
        f"<h2>{escape(notice.title)}</h2><blockquote>{escape(notice.text)}</blockquote>"
        f"<table>{rows}</table>{link}</body></html>"
    )


def email_for(
    notice: Notice,
    sender: str,
    recipients: list[str],
    idempotency_key: str,
    now: datetime,
) -> EmailMessage:
    message = EmailMessage()
    domain = sender.rsplit("@", 1)[-1]
    prefix = "[!] " if notice.urgent else ""
    # The author's display name is theirs to choose: line breaks in it must not break (or add)
    # headers, so the subject is one line whatever it holds.
    message["Subject"] = " ".join(f"{prefix}{notice.title}: {notice.author}".split())[:200]
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id(idempotency_key, domain)
    message["Idempotency-Key"] = idempotency_key
    message.set_content(plain_text(notice))
    message.add_alternative(html_body(notice), subtype="html")
    message["Content-Language"] = notice.language  # after the content, which resets Content-*
    return message
