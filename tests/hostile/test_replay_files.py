"""Hostile replay files (`webcare replay`, JSONL and CSV): each bad line is reported with its
number and dead-lettered, the replay goes on, and every good line reaches history verbatim."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.conftest import REPO
from tests.hostile.corpus import CORPUS_DIR
from tests.hostile.helpers import dead_letters, in_history
from tests.support.pipeline import Pipeline

pytestmark = [pytest.mark.kafka, pytest.mark.postgres, pytest.mark.e2e]


def replay(pipeline: Pipeline, name: str) -> tuple[int, str, list[str]]:
    done = subprocess.run(
        [str(REPO / ".venv/bin/webcare"), "replay", str(CORPUS_DIR / name), "--no-progress"],
        cwd=REPO,
        env={**os.environ, **pipeline.env},
        capture_output=True,
        timeout=300,
    )
    stderr = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr
    return done.returncode, done.stdout.decode(), stderr.splitlines()


@pytest.mark.parametrize(
    ("name", "good", "bad"),
    [
        (
            "replay_hostile.jsonl",
            ["x:replay-good-1", "x:replay-good-2", "x:replay-good-3", "x:nul", "x:replay-good-5"],
            8,
        ),
        (
            "replay_hostile.csv",
            # extra cells beyond the header are ignored: that row is still a whole mention
            ["x:csv-good-1", "x:csv-too-many", "x:csv-good-2", "x:csv-good-3", "x:csv-good-4"],
            5,
        ),
    ],
)
def test_hostile_replay_files(hostile: Pipeline, name: str, good: list[str], bad: int) -> None:
    before = len(dead_letters(hostile, lambda _found: False, timeout_s=3))
    code, out, problems = replay(hostile, name)
    assert code == 0, (out, problems)
    assert f"replayed {len(good)} mentions, rejected {bad}" in out, (out, problems)
    assert len(problems) == bad, problems
    assert all(p.startswith("line ") for p in problems), problems

    letters = dead_letters(hostile, lambda found: len(found) >= before + bad)
    assert len(letters) >= before + bad
    stored = in_history(hostile, good)
    if name.endswith(".csv"):
        assert stored["x:csv-good-2"]["text"].startswith('=HYPERLINK("http://evil")')
        assert stored["x:csv-good-3"]["text"] == "<script>alert(1)</script>"
