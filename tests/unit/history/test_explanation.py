"""The classifier's explanation is stored with the mention and shown by the API; a newer
classification replaces it, one without an explanation clears it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine

from schemas import TermWeight
from services.history.database import session_factories
from services.history.projection import project
from tests.unit.history.conftest import admin_client
from tests.unit.history.test_projection import T0, classified, mention


def test_explanation_through_the_api(engine: Engine) -> None:
    _readers, writers = session_factories(engine)
    m = mention()
    explained = classified(
        m,
        explanation={
            "volunteers": [
                TermWeight(term="vrijwilliger", weight=0.41),
                TermWeight(term="worden", weight=0.05),
            ]
        },
    )
    project(writers, explained, retry_delays_s=())
    client = admin_client(engine, clock=lambda: T0 + timedelta(hours=1))

    body = client.get(f"/v1/mentions/{m.id}").json()  # type: ignore[attr-defined]
    assert body["explanation"] == {
        "volunteers": [
            {"term": "vrijwilliger", "weight": 0.41},
            {"term": "worden", "weight": 0.05},
        ]
    }

    older = classified(m, at=T0, explanation={"volunteers": [TermWeight(term="x", weight=1)]})
    project(writers, older, retry_delays_s=())
    body = client.get(f"/v1/mentions/{m.id}").json()  # type: ignore[attr-defined]
    assert body["explanation"]["volunteers"][0]["term"] == "vrijwilliger"

    newer = classified(m, at=T0 + timedelta(minutes=5))
    project(writers, newer, retry_delays_s=())
    body = client.get(f"/v1/mentions/{m.id}").json()  # type: ignore[attr-defined]
    assert body["explanation"] is None
