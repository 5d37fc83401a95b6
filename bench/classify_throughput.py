"""Throughput and latency of the classify stage alone: `python bench/classify_throughput.py`.

Classifies held-out mentions (model + organisation rules + building the
ClassifiedMention) in batches and one by one, and prints mentions per second and the
per-mention latency percentiles of the one-by-one run, three ways: the model alone;
as the service runs by default (with the words that drove each topic); and with a
shadow model beside the live one (a second model of the same kind and size, which, as in
the service, reuses the live model's feature counts), so the cost of explanations and
of a shadow run is known. No Kafka: the stage's own cost. Results and how to read
them: docs/classifier.md.
"""

from __future__ import annotations

import dataclasses
import statistics
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from schemas import Author, ClassifiedMention, Mention
from services.classify.artifacts import ensure_current
from services.classify.classifier import MentionClassifier
from services.classify.corpus import TEST_FILE, read_examples
from services.classify.live_models import LiveModels, ModelPair
from services.common.organisation import load_organisation
from services.common.settings import CommonSettings

COUNT = 2000
NOW = datetime(2026, 11, 20, tzinfo=UTC)


def mentions(count: int) -> list[Mention]:
    texts = [e.text for e in read_examples(TEST_FILE)]
    return [
        Mention(
            id=f"bench:{i}",
            source="bench",
            external_id=str(i),
            relationship_id=f"rel-{i % 97}",
            thread_id=f"bench:{i}",
            author=Author(id="b", handle="bench"),
            text=texts[i % len(texts)],
            created_at=NOW,
            ingested_at=NOW,
        )
        for i in range(count)
    ]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Stage(Protocol):
    def classify(self, mentions: Sequence[Mention], now: datetime) -> list[ClassifiedMention]: ...


class Clock:
    """Wall time and this process's CPU time: on a shared, loaded machine the CPU rate is
    the stage's own cost, the wall rate what it got."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def rates(self, count: int) -> str:
        wall = time.perf_counter() - self.wall
        cpu = time.process_time() - self.cpu
        return f"{count / wall:8.0f} mentions/s wall, {count / cpu:8.0f} per CPU-second"


def measure(name: str, stage: Stage, batch: list[Mention]) -> None:
    out = sys.stdout
    stage.classify(batch[:50], NOW)  # warm-up
    out.write(f"{name}\n")
    for size in (64, 512):
        clock = Clock()
        for i in range(0, COUNT, size):
            stage.classify(batch[i : i + size], NOW)
        out.write(f"  batched ({size:>3} per call): {clock.rates(COUNT)}\n")
    latencies = []
    clock = Clock()
    for mention in batch:
        t0 = time.perf_counter()
        stage.classify([mention], NOW)
        latencies.append(time.perf_counter() - t0)
    out.write(f"  one by one:               {clock.rates(COUNT)}\n")
    out.write(
        f"  latency per mention (one by one, wall): p50 {statistics.median(latencies) * 1000:.2f}"
        f" ms, p99 {percentile(latencies, 0.99) * 1000:.2f} ms,"
        f" max {max(latencies) * 1000:.2f} ms\n"
    )


def main() -> None:
    model = ensure_current()
    organisation = load_organisation(CommonSettings().organisation_config)
    classifier = MentionClassifier.for_organisation(model, organisation)
    second = dataclasses.replace(model, version=f"{model.version}-shadow")
    shadow = MentionClassifier.for_organisation(second, organisation)
    batch = mentions(COUNT)
    sys.stdout.write(f"model {classifier.version}, {COUNT} mentions\n")
    measure("model and rules only (WEBCARE_CLASSIFY_EXPLAIN=false)", classifier, batch)
    measure(
        "as the service runs it: with explanations",
        LiveModels(ModelPair(classifier), explain=True),
        batch,
    )
    measure(
        "with explanations and a shadow model",
        LiveModels(ModelPair(classifier, shadow), explain=True),
        batch,
    )


if __name__ == "__main__":
    main()
