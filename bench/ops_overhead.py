"""What observability costs per message and per scrape: `python bench/ops_overhead.py`.

Prints (1) the time `correlation_id` (run on every message by every stream stage to put
the mention id in log lines) takes on a realistic routing decision, and (2) the size and
latency of one `/metrics` scrape of a process with every service's metrics registered
and populated as after some traffic.
"""

from __future__ import annotations

import importlib
import pkgutil
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import services
from services.common.logs import correlation_id
from services.common.metrics import DEAD_LETTERS, STAGE_SECONDS, serve_metrics
from tests.conftest import free_port
from tests.unit.factories import NOW, classified, example_organisation


def bench_correlation_id(rounds: int = 200_000) -> None:
    from services.route.policy import route

    decision = route(
        classified(["fundraising", "complaints"], text="x" * 500), example_organisation(), NOW
    )
    value = decision.model_dump_json().encode()
    assert correlation_id(value) == decision.classified.mention.id
    started = time.perf_counter()
    for _ in range(rounds):
        correlation_id(value)
    per = (time.perf_counter() - started) / rounds
    sys.stdout.write(
        f"correlation_id: {per * 1e6:.2f} us per message ({len(value)} byte routing decision)\n"
    )


def bench_scrape(rounds: int = 200) -> None:
    for module in pkgutil.walk_packages(services.__path__, "services."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    for stage in ("ingest", "classify", "route", "notify", "history"):
        for reason in ("invalid_mention", "handler_error"):
            DEAD_LETTERS.labels(stage=stage, reason=reason).inc()
        STAGE_SECONDS.labels(stage=stage).observe(0.01)
    port = free_port()
    serve_metrics(port)
    url = f"http://127.0.0.1:{port}/metrics"
    with httpx.Client() as client:
        size = len(client.get(url).content)
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            client.get(url).raise_for_status()
            times.append(time.perf_counter() - started)
    times.sort()
    sys.stdout.write(
        f"/metrics scrape: {size} bytes, p50 {statistics.median(times) * 1e3:.2f} ms, "
        f"p99 {times[int(len(times) * 0.99) - 1] * 1e3:.2f} ms over {rounds} scrapes\n"
    )


if __name__ == "__main__":
    bench_correlation_id()
    bench_scrape()
