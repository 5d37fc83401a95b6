"""The history wiring without a broker: settings, engine, message handlers, the in-worker API."""

from __future__ import annotations

import asyncio
import json
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session

from schemas import (
    Author,
    ClassifiedMention,
    ConversationEvent,
    DeliveryReceipt,
    Mention,
    RoutingDecision,
)
from services.common.faust_runtime import Outage, Rejected, decode, invalid_reason
from services.common.topics import TopicNames
from services.history import projection
from services.history.api import create_api
from services.history.app import (
    api_service,
    batch_projector,
    build_app,
    projector,
    single_sign_on,
)
from services.history.database import (
    MentionRow,
    create_schema,
    database_url,
    make_engine,
    session_factories,
)
from services.history.settings import HistorySettings
from tests.conftest import free_port
from tests.unit.history.conftest import read_context

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
MENTION = Mention(
    id="bluesky:abc",
    source="bluesky",
    external_id="abc",
    relationship_id="rel-b",
    thread_id="bluesky:abc",
    author=Author(id="did:plc:1", handle="piet.bsky.social"),
    text="Mijn donatie is twee keer afgeschreven!",
    created_at=NOW,
    ingested_at=NOW,
)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in (
        "WEBCARE_DATABASE_URL",
        "WEBCARE_STATE_DIR",
        "WEBCARE_HISTORY_HOST",
        "WEBCARE_HISTORY_PORT",
        "WEBCARE_HISTORY_METRICS_PORT",
        "WEBCARE_PUBLIC_URL",
        "WEBCARE_OIDC_ISSUER",
        "WEBCARE_OIDC_CLIENT_ID",
        "WEBCARE_OIDC_CLIENT_SECRET",
        "WEBCARE_OIDC_CLIENT_SECRET_FILE",
        "WEBCARE_OIDC_USERNAME_CLAIM",
        "WEBCARE_OIDC_SCOPES",
    ):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_database_defaults_to_sqlite_in_the_state_dir(clean_env, tmp_path: Path) -> None:
    clean_env.setenv("WEBCARE_STATE_DIR", str(tmp_path))

    settings = HistorySettings()

    assert settings.database_url == f"sqlite:///{tmp_path}/history.db"
    assert (settings.host, settings.port, settings.metrics_port) == ("127.0.0.1", 8000, 9105)


def test_settings_from_the_environment(clean_env) -> None:
    clean_env.setenv("WEBCARE_DATABASE_URL", "postgresql://webcare@db:5432/webcare")
    clean_env.setenv("WEBCARE_HISTORY_HOST", "0.0.0.0")
    clean_env.setenv("WEBCARE_HISTORY_PORT", "8100")
    clean_env.setenv("WEBCARE_HISTORY_METRICS_PORT", "0")

    settings = HistorySettings()

    assert settings.database_url == "postgresql://webcare@db:5432/webcare"
    assert (settings.host, settings.port, settings.metrics_port) == ("0.0.0.0", 8100, 0)


def test_a_bad_port_names_the_variable(clean_env) -> None:
    clean_env.setenv("WEBCARE_HISTORY_PORT", "80000")

    with pytest.raises(ValidationError, match="WEBCARE_HISTORY_PORT"):
        HistorySettings()


def test_single_sign_on_is_off_unless_an_issuer_is_given(clean_env) -> None:
    assert single_sign_on(HistorySettings()) is None


def test_an_issuer_without_client_names_the_missing_settings_and_hides_the_secret(
    clean_env,
) -> None:
    clean_env.setenv("WEBCARE_OIDC_ISSUER", "https://id.example.org")
    clean_env.setenv("WEBCARE_OIDC_CLIENT_SECRET", "sekrit")

    with pytest.raises(ValidationError, match="WEBCARE_OIDC_CLIENT_ID") as refused:
        HistorySettings()
    assert "sekrit" not in str(refused.value)

    clean_env.delenv("WEBCARE_OIDC_CLIENT_SECRET")
    clean_env.setenv("WEBCARE_OIDC_CLIENT_ID", "webcare")
    with pytest.raises(ValidationError, match="WEBCARE_OIDC_CLIENT_SECRET"):
        HistorySettings()


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("WEBCARE_OIDC_ISSUER", "http://id.example.org", "must be https"),
        ("WEBCARE_OIDC_SCOPES", "profile email", "must include 'openid'"),
    ],
)
def test_single_sign_on_settings_are_checked_at_start(
    clean_env, name: str, value: str, problem: str
) -> None:
    clean_env.setenv("WEBCARE_OIDC_ISSUER", "https://id.example.org")
    clean_env.setenv("WEBCARE_OIDC_CLIENT_ID", "webcare")
    clean_env.setenv("WEBCARE_OIDC_CLIENT_SECRET", "secret")
    clean_env.setenv(name, value)

    with pytest.raises(ValidationError, match=problem):
        HistorySettings()


def test_single_sign_on_reads_its_secret_file_and_calls_back_to_the_public_url(
    clean_env, tmp_path: Path
) -> None:
    secret_file = tmp_path / "oidc-secret"
    secret_file.write_text("from-a-file\n")
    clean_env.setenv("WEBCARE_OIDC_ISSUER", "https://id.example.org/realms/charity")
    clean_env.setenv("WEBCARE_OIDC_CLIENT_ID", "webcare")
    clean_env.setenv("WEBCARE_OIDC_CLIENT_SECRET_FILE", str(secret_file))
    clean_env.setenv("WEBCARE_PUBLIC_URL", "https://inbox.example.org/")

    sso = single_sign_on(HistorySettings())

    assert sso is not None
    assert sso.config.client_secret == "from-a-file"
    assert sso.config.redirect_uri == "https://inbox.example.org/login/sso/callback"
    assert sso.config.username_claim == "preferred_username"
    assert sso.config.scopes == "openid profile email"
    clean_env.setenv("WEBCARE_OIDC_CLIENT_SECRET", "also-given")
    with pytest.raises(ValidationError, match="not both"):
        HistorySettings()


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("postgresql://u@h:5432/d", "postgresql+psycopg"),
        ("postgres://u@h/d", "postgresql+psycopg"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg"),
        ("sqlite:///tmp/x.db", "sqlite"),
    ],
)
def test_database_url_picks_the_installed_driver(url: str, driver: str) -> None:
    assert database_url(url).drivername == driver


def test_sqlite_engine_creates_its_directory_and_uses_wal(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'state' / 'nested' / 'history.db'}")
    with engine.connect() as connection:
        mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
    engine.dispose()
    assert mode == "wal"
    assert (tmp_path / "state" / "nested" / "history.db").exists()


@pytest.mark.parametrize(
    ("model", "reason"),
    [
        (Mention, "invalid_mention"),
        (ClassifiedMention, "invalid_classified_mention"),
        (RoutingDecision, "invalid_routing_decision"),
        (DeliveryReceipt, "invalid_delivery_receipt"),
        (ConversationEvent, "invalid_conversation_event"),
    ],
)
@pytest.mark.parametrize("value", [b"{not json", b"{}", b'"a string"'])
def test_invalid_bytes_are_rejected_with_the_model_in_the_reason(
    model: type, reason: str, value: bytes
) -> None:
    assert invalid_reason(model) == reason
    with pytest.raises(Rejected) as rejected:
        decode(model, value)
    assert rejected.value.reason == reason
    assert rejected.value.detail


def test_decode_names_the_wrong_field() -> None:
    bad = MENTION.model_dump(mode="json") | {"created_at": "yesterday"}

    with pytest.raises(Rejected, match="created_at"):
        decode(Mention, json.dumps(bad).encode())


@pytest.fixture
def sqlite_writers(tmp_path: Path) -> Callable[[], Session]:
    engine = make_engine(f"sqlite:///{tmp_path / 'history.db'}")
    create_schema(engine)
    return session_factories(engine)[1]


def test_handler_stores_off_the_event_loop(sqlite_writers) -> None:
    threads: list[int] = []

    def recording_writers() -> Session:
        threads.append(threading.get_ident())
        return sqlite_writers()

    handle = projector(Mention, recording_writers)
    asyncio.run(handle(MENTION.model_dump_json().encode(), b"rel-b"))

    with sqlite_writers() as session:
        assert session.get(MentionRow, "bluesky:abc") is not None
    assert threads
    assert threading.get_ident() not in threads


def test_handler_rejects_invalid_bytes_and_stores_nothing(sqlite_writers) -> None:
    handle = projector(RoutingDecision, sqlite_writers)

    with pytest.raises(Rejected, match="invalid_routing_decision"):
        asyncio.run(handle(MENTION.model_dump_json().encode(), None))

    with sqlite_writers() as session:
        assert session.query(MentionRow).count() == 0


def test_a_database_that_keeps_failing_dead_letters_after_bounded_retries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'history.db'}")  # no schema: every write fails
    attempts: list[int] = []

    def counting_writers() -> Session:
        attempts.append(1)
        return session_factories(engine)[1]()

    monkeypatch.setattr(projection, "RETRY_DELAYS_S", (0.0, 0.0))
    handle = projector(Mention, counting_writers)

    with pytest.raises(Rejected) as rejected:
        asyncio.run(handle(MENTION.model_dump_json().encode(), None))

    assert rejected.value.reason == "projection_failed"
    assert "no such table" in rejected.value.detail
    assert len(attempts) == 6  # three tries, each followed by a probe the database answered


def test_a_database_that_does_not_answer_is_an_outage_not_a_dead_letter(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'gone' / 'history.db'}")
    (tmp_path / "gone").rmdir()  # SQLite cannot open the file: `SELECT 1` fails as well
    writers = session_factories(engine)[1]
    event = FakeEvent(MENTION.model_dump_json().encode())

    poison = FakeEvent(b"not a mention")

    with pytest.raises(Outage) as one:
        asyncio.run(projector(Mention, writers)(event.message.value, None))
    outcomes = asyncio.run(batch_projector(Mention, writers)([event, poison, event]))  # type: ignore[list-item]

    assert one.value.reason == "database_unavailable"
    assert [type(o).__name__ for o in outcomes] == ["Outage", "Rejected", "Outage"]


class FakeEvent:
    def __init__(self, value: bytes) -> None:
        self.message = type("Message", (), {"value": value, "key": None})()


def test_api_service_serves_and_stops_without_touching_signals(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'history.db'}")
    create_schema(engine)
    port = free_port()
    api = create_api(read_context(engine))  # type: ignore[arg-type]
    service_class = api_service(api, "127.0.0.1", port)

    def handlers() -> tuple[object, object]:
        return signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)

    async def scenario() -> tuple[int, bool, object]:
        before = handlers()  # asyncio.run installs its own SIGINT handler: compare inside it
        service = service_class()
        await service.start()
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            for _ in range(50):
                try:
                    health = await client.get("/health")
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.1)
            else:
                raise AssertionError("the API never answered")
            untouched = handlers() == before
            await service.stop()
            try:
                await client.get("/health")
            except httpx.ConnectError as err:
                after: object = err
            else:
                after = "still serving"
        return health.status_code, untouched, after

    status, untouched, after = asyncio.run(scenario())
    engine.dispose()

    assert status == 200
    assert untouched
    assert isinstance(after, httpx.ConnectError)


def test_build_app_consumes_every_input_topic(clean_env, tmp_path: Path) -> None:
    settings = HistorySettings(
        topic_prefix="t-history", state_dir=tmp_path, kafka_bootstrap="127.0.0.1:1"
    )
    engine = make_engine(settings.database_url)

    app = build_app(settings, engine)

    topics = TopicNames("t-history")
    consumed = {name for agent in app.agents.values() for name in agent.channel.topics}
    assert consumed == {
        topics.raw,
        topics.classified,
        topics.routed,
        topics.notifications_sent,
        topics.conversation_events,
    }
    assert len(app._extra_services) == 1  # the API, started with the worker
