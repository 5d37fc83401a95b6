"""SMTP push: hands one message to the configured SMTP server, in a worker thread.

smtplib is blocking; a thread keeps the event loop (and the Kafka consumer) alive
while the server takes its time. A user and password are only sent after
STARTTLS (a server that does not offer it fails the attempt; there is no fall
back to plain text), unless `allow_plaintext_auth` says otherwise.
"""

from __future__ import annotations

import asyncio
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from services.notify.webhook import Attempt


class PlaintextLogin(ValueError):
    """A login without TLS that the configuration did not explicitly allow."""


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    timeout_s: float
    starttls: bool = False
    user: str | None = None
    password: str | None = None
    allow_plaintext_auth: bool = False

    def __post_init__(self) -> None:
        if self.user and self.password and not self.starttls and not self.allow_plaintext_auth:
            raise PlaintextLogin(
                f"SMTP login to {self.host}:{self.port} without STARTTLS would send the password"
                " in clear; set WEBCARE_SMTP_STARTTLS or WEBCARE_SMTP_ALLOW_PLAINTEXT_AUTH"
            )

    def _send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout_s) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user and self.password:
                smtp.login(self.user, self.password)
            smtp.send_message(message)

    async def send_once(self, message: EmailMessage, number: int) -> Attempt:
        """One SMTP transaction; a 5xx refusal is final, connection trouble and 4xx are retried."""
        try:
            await asyncio.to_thread(self._send, message)
        except smtplib.SMTPResponseException as err:
            final = 500 <= err.smtp_code < 600
            return Attempt(number, False, err.smtp_code, str(err)[:500], retryable=not final)
        except smtplib.SMTPRecipientsRefused as err:
            return Attempt(number, False, None, str(err)[:500], retryable=False)
        except (smtplib.SMTPException, OSError) as err:
            return Attempt(number, False, None, f"{type(err).__name__}: {err}"[:500])
        return Attempt(number, True, 250, None)
