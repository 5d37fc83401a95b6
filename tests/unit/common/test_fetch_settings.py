"""Every stream processor's Kafka consumer fetches with the wait and size of its settings.

faust-streaming hard-codes a 1.5 s fetch wait; ShortPollConsumerThread puts
WEBCARE_FETCH_MAX_WAIT_MS and WEBCARE_FETCH_MIN_BYTES in its place.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from services.common.faust_consumer import ShortPollConsumerThread
from services.common.faust_runtime import make_app
from services.common.settings import CommonSettings


@pytest.mark.parametrize(("wait_ms", "min_bytes"), [(50, 32_768), (777, 1)])
def test_the_worker_consumer_fetches_as_configured(
    tmp_path: Path, wait_ms: int, min_bytes: int
) -> None:
    assert asyncio.run(built_consumer_fetch(tmp_path, wait_ms, min_bytes)) == (wait_ms, min_bytes)


async def built_consumer_fetch(tmp_path: Path, wait_ms: int, min_bytes: int) -> tuple[int, int]:
    settings = CommonSettings(
        kafka_bootstrap="127.0.0.1:9",  # never reached: the consumer is built, not started
        state_dir=tmp_path,
        lag_interval_s=0,
        stall_timeout_s=0,
        fetch_max_wait_ms=wait_ms,
        fetch_min_bytes=min_bytes,
    )
    app = make_app("probe", settings)
    thread = app.consumer._thread

    assert isinstance(thread, ShortPollConsumerThread)
    consumer = thread._create_worker_consumer(app.transport)
    try:
        return consumer._fetch_max_wait_ms, consumer._fetch_min_bytes
    finally:
        await consumer.stop()


def test_the_defaults_bound_a_fetch_wait_well_below_fausts() -> None:
    settings = CommonSettings()

    assert settings.fetch_max_wait_ms <= 100
    assert settings.fetch_min_bytes > 1
