"""`webcare keys` from the shell, and the action requests under arbitrary input (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from typer.testing import CliRunner

from schemas import ConversationEvent, ConversationEventKind
from services.cli import app
from services.history.actions import Link, Reply, Retag, to_event
from services.history.database import make_engine, session_factories
from services.history.key_store import authenticate


def test_keys_create_list_revoke(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'history.db'}"
    monkeypatch.setenv("WEBCARE_DATABASE_URL", url)
    runner = CliRunner()

    created = runner.invoke(
        app,
        ["keys", "create", "service", "--kind", "department", "--scope", "read", "--scope", "act"],
    )
    assert created.exit_code == 0, created.output
    key_id, token = created.output.split()
    listed = runner.invoke(app, ["keys", "list"])
    assert listed.output.split("\t")[:5] == [key_id, "service", "department", "service", "act,read"]

    engine = make_engine(url)
    readers = session_factories(engine)[0]
    with readers() as session:
        principal = authenticate(session, token, admin_key="")
    assert principal is not None
    assert principal.may_act_for("service")

    assert runner.invoke(app, ["keys", "revoke", key_id]).exit_code == 0
    with readers() as session:
        assert authenticate(session, token, admin_key="") is None
    assert runner.invoke(app, ["keys", "revoke", "nope"]).exit_code == 1
    refused = runner.invoke(app, ["keys", "create", "board", "--scope", "act"])
    assert refused.exit_code != 0
    engine.dispose()


payloads = st.dictionaries(
    st.sampled_from(["text", "channel", "topics", "other_relationship_id", "note", "extra"]),
    st.one_of(
        st.none(), st.text(max_size=80), st.lists(st.text(max_size=20), max_size=5), st.integers()
    ),
)


@given(payloads, st.sampled_from([Reply, Retag, Link]))
def test_a_request_is_refused_or_becomes_a_valid_event(payload: dict, model: type) -> None:
    try:
        request = model.model_validate(payload)
    except ValidationError:
        return
    kind = {
        Reply: ConversationEventKind.REPLIED,
        Retag: ConversationEventKind.RETAGGED,
        Link: ConversationEventKind.LINKED,
    }[model]
    event = to_event(
        event_id="e-1",
        kind=kind,
        relationship_id="rel-1",
        actor="ann",
        department="service",
        at=datetime(2026, 1, 1, tzinfo=UTC),
        mention_id="x:1" if model is not Link else None,
        request=request,
    )
    assert ConversationEvent.model_validate_json(event.model_dump_json()) == event
