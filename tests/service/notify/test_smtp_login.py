"""SMTP login against a real local server: the password only crosses the wire after STARTTLS,
unless WEBCARE_SMTP_ALLOW_PLAINTEXT_AUTH says so; asking for a plain-text login without it
stops notify at start with a message naming the settings."""

from __future__ import annotations

import asyncio
import os
import ssl
import subprocess
import sys
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from pydantic import ValidationError

from services.notify.mail import PlaintextLogin, SmtpServer
from services.notify.settings import NotifySettings
from tests.conftest import REPO
from tests.service.notify.servers import RecordingSmtpServer

LOGIN = ("webcare", "s3cret-relay-password")
SETTINGS_NAMED = ("WEBCARE_SMTP_STARTTLS", "WEBCARE_SMTP_ALLOW_PLAINTEXT_AUTH")


@pytest.fixture(scope="module")
def server_tls(tmp_path_factory: pytest.TempPathFactory) -> ssl.SSLContext:
    """A self-signed certificate for 127.0.0.1, as a server-side TLS context."""
    folder = tmp_path_factory.mktemp("smtp-tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


@pytest.fixture
def plain_relay() -> Iterator[RecordingSmtpServer]:
    """Offers AUTH on a plain connection and no STARTTLS: where a password would leak."""
    with RecordingSmtpServer(login=LOGIN, plaintext_auth=True) as server:
        yield server


def message() -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "webcare@openhart.nl", "dewi@openhart.nl", "test"
    mail["Message-ID"] = "<smtp-login-test@openhart.nl>"
    mail.set_content("hallo")
    return mail


def send(server: SmtpServer) -> bool:
    return asyncio.run(server.send_once(message(), 1)).ok


def test_login_without_starttls_is_refused_unless_allowed(plain_relay: RecordingSmtpServer) -> None:
    with pytest.raises(PlaintextLogin, match="WEBCARE_SMTP_ALLOW_PLAINTEXT_AUTH"):
        SmtpServer(plain_relay.host, plain_relay.port, 5.0, False, *LOGIN)
    assert plain_relay.logins == []
    # the explicit opt-in, for a relay one trusts, still works
    allowed = SmtpServer(plain_relay.host, plain_relay.port, 5.0, False, *LOGIN, True)
    assert send(allowed)
    assert plain_relay.logins == [("webcare", False)]
    assert len(plain_relay.received()) == 1


def test_login_goes_over_starttls(server_tls: ssl.SSLContext) -> None:
    with RecordingSmtpServer(login=LOGIN, tls=server_tls) as relay:
        assert send(SmtpServer(relay.host, relay.port, 5.0, True, *LOGIN))
        assert relay.logins == [("webcare", True)]
        assert len(relay.received()) == 1


def test_no_fallback_to_plain_text_when_the_server_offers_no_starttls(
    plain_relay: RecordingSmtpServer,
) -> None:
    assert not send(SmtpServer(plain_relay.host, plain_relay.port, 5.0, True, *LOGIN))
    assert plain_relay.logins == []
    assert plain_relay.received() == {}


def test_settings_refuse_a_plain_text_login(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("USER", "PASSWORD", "STARTTLS", "ALLOW_PLAINTEXT_AUTH"):
        monkeypatch.delenv(f"WEBCARE_SMTP_{name}", raising=False)
    monkeypatch.setenv("WEBCARE_SMTP_USER", LOGIN[0])
    monkeypatch.setenv("WEBCARE_SMTP_PASSWORD", LOGIN[1])
    with pytest.raises(ValidationError) as refused:
        NotifySettings()
    assert all(name in str(refused.value) for name in SETTINGS_NAMED)
    assert LOGIN[1] not in str(refused.value)
    monkeypatch.setenv("WEBCARE_SMTP_STARTTLS", "true")
    assert NotifySettings().smtp_starttls
    monkeypatch.setenv("WEBCARE_SMTP_STARTTLS", "false")
    monkeypatch.setenv("WEBCARE_SMTP_ALLOW_PLAINTEXT_AUTH", "true")
    assert NotifySettings().smtp_allow_plaintext_auth
    monkeypatch.delenv("WEBCARE_SMTP_ALLOW_PLAINTEXT_AUTH")
    monkeypatch.delenv("WEBCARE_SMTP_PASSWORD")  # no password, no login: nothing to protect
    assert NotifySettings().smtp_password is None
    assert NotifySettings.model_fields["smtp_allow_plaintext_auth"].description


def test_notify_does_not_start_with_a_plain_text_login(
    plain_relay: RecordingSmtpServer, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "WEBCARE_SMTP_HOST": plain_relay.host,
        "WEBCARE_SMTP_PORT": str(plain_relay.port),
        "WEBCARE_SMTP_USER": LOGIN[0],
        "WEBCARE_SMTP_PASSWORD": LOGIN[1],
        "WEBCARE_NOTIFY_METRICS_PORT": "0",
        "WEBCARE_STATE_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-m", "services.notify"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert all(name in done.stderr for name in SETTINGS_NAMED), done.stderr
    assert LOGIN[1] not in done.stderr + done.stdout
    assert plain_relay.logins == []
