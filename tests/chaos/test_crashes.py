"""Crash test: 10,000 mentions flow while each service is killed -9 in turn and the broker restarts.

Afterwards every mention has reached every department topic its routing
decision names, exactly once by mention id, and the history database holds
every one of them with its departments. The expected departments come from the
routing decisions topic itself (the union over a mention's decisions: a
replayed decision is delivered to each department once), and the test also
checks that every mention was decided at all.

Runs on a broker of its own (tests/chaos/conftest.py), because it stops it.
`WEBCARE_CHAOS_MENTIONS` sets a smaller count for a quick local run.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.chaos.conftest import Broker
from tests.chaos.feeder import Feeder, mention_ids
from tests.chaos.tally import Tally
from tests.support.pipeline import Pipeline, end_offsets, running_pipeline, wait_until

pytestmark = [pytest.mark.kafka, pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(3600)]

MENTIONS = int(os.environ.get("WEBCARE_CHAOS_MENTIONS", "10000"))
BATCH = max(1, min(250, MENTIONS // 40))  # mentions per POST
# Generous: two loaded cores, five services, a broker; each wait ends once its condition holds.
STEP_S = 300.0
DRAIN_S = 2400.0


def share(fraction: float) -> int:
    """A step of the feed: `fraction` of the mentions, in whole batches."""
    return max(BATCH, round(MENTIONS * fraction / BATCH) * BATCH)


GROWTH = max(1, min(100, share(0.05) // 2))  # records a stage's output must gain to count


def grows(pipeline: Pipeline, topic: str, by: int) -> None:
    """Waits until `topic` holds `by` more records than now: the stage feeding it is working."""
    start = end_offsets(pipeline.bootstrap, topic)
    wait_until(
        lambda: end_offsets(pipeline.bootstrap, topic) >= start + by,
        STEP_S,
        f"{topic} to grow by {by}",
        pipeline,
        interval_s=1.0,
    )


def stored(database_url: str, ids: list[str]) -> tuple[set[str], set[str]]:
    """Which of `ids` history has as mentions, and which of them have their departments."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            mentions = {
                row[0]
                for row in connection.execute(
                    text("SELECT id FROM mentions WHERE id LIKE 'x:chaos-%'")
                )
            }
            routed = {
                row[0]
                for row in connection.execute(
                    text(
                        "SELECT DISTINCT mention_id FROM mention_routes"
                        " WHERE mention_id LIKE 'x:chaos-%'"
                    )
                )
            }
    finally:
        engine.dispose()
    wanted = set(ids)
    return mentions & wanted, routed & wanted


def test_nothing_is_lost_or_delivered_twice_through_crashes(
    own_broker: Broker, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path / 'history.db'}"
    ids = mention_ids(MENTIONS)
    with running_pipeline(
        own_broker.bootstrap,
        f"chaos{uuid.uuid4().hex[:8]}",
        tmp_path,
        database_url,
        WEBCARE_ROUTE_SESSION_TIMEOUT_S="10",
        WEBCARE_NOTIFY_SESSION_TIMEOUT_S="10",
    ) as pipeline:
        topics = pipeline.topics
        feeder = Feeder(pipeline.ingest_url, MENTIONS, batch=BATCH, pause_s=0.5)
        feeder.allow(share(0.2))
        feeder.start()

        # ingest dies mid-feed; the feeder re-posts what may not have been accepted
        wait_until(lambda: feeder.sent >= share(0.1), STEP_S, "a tenth fed", pipeline)
        pipeline.restart("ingest")
        accepted = feeder.allow(share(0.05))
        wait_until(lambda: feeder.sent >= accepted, STEP_S, "ingest accepting again", pipeline)

        # each stream processor dies while it has work, and must resume it (more work is let
        # in after the restart, so it has something to show even if it had caught up)
        for name, output in (
            ("classify", topics.classified),
            ("route", topics.routed),
            ("notify", topics.notifications_sent),
        ):
            feeder.allow(share(0.15))
            grows(pipeline, output, GROWTH)
            pipeline.restart(name)
            feeder.allow(share(0.05))
            grows(pipeline, output, GROWTH)

        feeder.allow(share(0.05))
        pipeline.restart("history")

        # the broker goes away and comes back under everyone's feet, with mentions in flight
        feeder.allow(share(0.05))
        own_broker.stop()
        own_broker.start()
        feeder.allow(MENTIONS)
        grows(pipeline, topics.notifications_sent, GROWTH)

        feeder.join(timeout=STEP_S)
        assert feeder.error is None, feeder.error
        assert feeder.sent == MENTIONS

        tally = Tally(
            pipeline.bootstrap,
            topics.routed,
            {slug: topics.department(slug) for slug in pipeline.departments},
        )
        try:

            def all_delivered() -> bool:
                tally.poll()
                return len(tally.decided & set(ids)) == MENTIONS and not tally.missing(ids)

            try:
                wait_until(all_delivered, DRAIN_S, "every mention delivered", pipeline)
            except AssertionError as err:
                undecided = sorted(set(ids) - tally.decided)
                missing = tally.missing(ids)
                raise AssertionError(
                    f"{len(undecided)} mentions never routed (e.g. {undecided[:5]}), "
                    f"{len(missing)} deliveries missing (e.g. {missing[:5]}), "
                    f"{len(tally.duplicates())} duplicated so far"
                ) from err
            wait_until(
                lambda: all(len(found) == MENTIONS for found in stored(database_url, ids)),
                DRAIN_S,
                "history holding every mention with its departments",
                pipeline,
                interval_s=2.0,
            )
            tally.poll()  # anything still on its way, duplicates included
            duplicates = tally.duplicates()
            unexpected = tally.unexpected()
        finally:
            tally.close()
        assert not pipeline.dead(), pipeline.dead()

    assert not duplicates, (
        f"{len(duplicates)} deliveries more than once, e.g. {list(duplicates.items())[:5]}"
    )
    assert not unexpected, f"deliveries nobody decided, e.g. {unexpected[:5]}"
    # the run covered several departments, not one queue
    departments = {slug for slug, _ in tally.delivered}
    assert len(departments) >= 3, departments
