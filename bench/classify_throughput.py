"""Throughput and latency of the classify stage alone: `python bench/classify_throughput.py`.

Classifies held-out mentions (model + organisation rules + building the
ClassifiedMention) in batches and one by one, and prints mentions per second and the
per-mention latency percentiles of the one-by-one run. No Kafka: the stage's own cost.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from schemas import Author, Mention
from services.classify.artifacts import ensure_current
from services.classify.classifier import MentionClassifier
from services.classify.corpus import TEST_FILE, read_examples
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


def main() -> None:
    classifier = MentionClassifier.for_organisation(
        ensure_current(), load_organisation(CommonSettings().organisation_config)
    )
    batch = mentions(COUNT)
    classifier.classify(batch[:50], NOW)  # warm-up
    out = sys.stdout
    out.write(f"model {classifier.version}, {COUNT} mentions\n")
    for size in (64, 512):
        start = time.perf_counter()
        for i in range(0, COUNT, size):
            classifier.classify(batch[i : i + size], NOW)
        elapsed = time.perf_counter() - start
        out.write(f"batched ({size:>3} per call): {COUNT / elapsed:8.0f} mentions/s\n")
    latencies = []
    start = time.perf_counter()
    for mention in batch:
        t0 = time.perf_counter()
        classifier.classify([mention], NOW)
        latencies.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - start
    out.write(f"one by one:               {COUNT / elapsed:8.0f} mentions/s\n")
    out.write(
        f"latency per mention (one by one): p50 {statistics.median(latencies) * 1000:.2f} ms,"
        f" p99 {percentile(latencies, 0.99) * 1000:.2f} ms,"
        f" max {max(latencies) * 1000:.2f} ms\n"
    )


if __name__ == "__main__":
    main()
