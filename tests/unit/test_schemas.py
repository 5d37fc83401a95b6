"""The JSON Schema files in schemas/json/ must match the pydantic models."""

import json
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from schemas import DeadLetter, Mention
from schemas.__main__ import JSON_DIR, render
from schemas.messages import MESSAGE_MODELS


@pytest.mark.parametrize("name", sorted(MESSAGE_MODELS))
def test_generated_schema_matches_model(name: str) -> None:
    path = JSON_DIR / f"{name}.json"
    assert path.exists(), f"{path} missing: run `make schemas`"
    assert path.read_text(encoding="utf-8") == render(name), f"{path} drifted: run `make schemas`"


def test_no_stray_schema_files() -> None:
    assert {p.stem for p in JSON_DIR.glob("*.json")} == set(MESSAGE_MODELS)


@pytest.mark.parametrize("name", sorted(MESSAGE_MODELS))
def test_every_message_carries_schema_version(name: str) -> None:
    schema = json.loads(render(name))
    assert "schema_version" in schema["properties"]


def _mention(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "id": "x:1",
        "source": "x",
        "external_id": "1",
        "relationship_id": "rel-1",
        "thread_id": "x:1",
        "author": {"id": "u1", "handle": "anna"},
        "text": "hallo",
        "created_at": "2026-11-20T10:00:00",
        "ingested_at": "2026-11-20T10:00:01+01:00",
    }
    data.update(changes)
    return data


def test_times_are_normalised_to_utc() -> None:
    mention = Mention.model_validate(_mention())
    assert mention.created_at.tzinfo is UTC
    assert mention.ingested_at == datetime(2026, 11, 20, 9, 0, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "changes",
    [
        {"unexpected": 1},
        {"schema_version": 2},
        {"id": "no-colon"},
        {"author": {"id": "", "handle": "x"}},
        {"created_at": "yesterday"},
    ],
)
def test_invalid_mentions_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Mention.model_validate(_mention(**changes))


def test_dead_letter_keeps_original_bytes() -> None:
    original = b"\xff\xfe not utf-8 {"
    letter = DeadLetter.of(stage="classify", reason="x", original=original, at=datetime.now(UTC))
    again = DeadLetter.model_validate_json(letter.model_dump_json())
    assert again.original() == original
