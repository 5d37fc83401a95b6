"""A route process on the real broker, with a clock the test moves by writing a file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from schemas import ConversationEvent, ConversationEventKind, RoutingDecision
from services.common.kafka import ensure_topics
from services.common.topics import TopicNames
from tests.support.kafka_reading import produce, read_topic
from tests.support.processes import ServiceProcess
from tests.unit.factories import EXAMPLE_CONFIG, example_organisation
from tests.unit.route.builders import classified


@dataclass
class RouteUnderTest:
    bootstrap: str
    topics: TopicNames
    clock_file: Path
    env: dict[str, str]
    log_path: Path
    process: ServiceProcess | None = None

    def start(self) -> None:
        self.process = ServiceProcess("route", self.env, self.log_path, supervise=True).start()

    def kill(self) -> None:
        """SIGKILL: no shutdown, no last commit, no flush."""
        assert self.process is not None
        self.process.kill()

    def set_clock(self, moment: datetime) -> None:
        self.clock_file.write_text(moment.isoformat(), encoding="utf-8")

    def mention(self, topics: list[str], at: datetime, mention_id: str = "x:1", **kw) -> None:
        message = classified(topics, at=at, mention_id=mention_id, **kw)
        produce(
            self.bootstrap,
            self.topics.classified,
            message.model_dump_json().encode(),
            message.mention.relationship_id.encode(),
        )

    def event(
        self,
        kind: str,
        actor: str,
        at: datetime,
        department: str | None = None,
        mention_id: str = "x:1",
        channel: str | None = None,
    ) -> None:
        message = ConversationEvent(
            event_id=f"{kind}-{actor}-{mention_id}-{at.isoformat()}",
            kind=ConversationEventKind(kind),
            relationship_id="rel-1",
            mention_id=mention_id,
            department=department,
            actor=actor,
            channel=channel,
            at=at,
        )
        produce(
            self.bootstrap,
            self.topics.conversation_events,
            message.model_dump_json().encode(),
            b"rel-1",
        )

    def wait_for(
        self, found: Callable[[list[RoutingDecision]], bool], timeout_s: float = 90.0
    ) -> list[RoutingDecision]:
        """Every decision on the routed topic once `found` holds (fails with the log if never)."""
        decisions: list[RoutingDecision] = []

        def enough(values: list[bytes]) -> bool:
            decisions[:] = [RoutingDecision.model_validate_json(v) for v in values]
            return found(decisions)

        read_topic(self.bootstrap, self.topics.routed, enough, timeout_s)
        if not found(decisions):
            tail = self.process.log_tail() if self.process else ""
            pytest.fail(f"not on the routed topic in time; have {kinds(decisions)}\n{tail}")
        return decisions

    def stop(self) -> None:
        if self.process is not None and self.process.alive():
            self.process.stop()


def kinds(decisions: list[RoutingDecision]) -> list[tuple[str, str]]:
    return [(d.kind, d.decision_id) for d in decisions]


@pytest.fixture
def route_service(
    kafka_bootstrap: str, topic_prefix: str, tmp_path: Path
) -> Iterator[RouteUnderTest]:
    topics = TopicNames(topic_prefix)
    ensure_topics(kafka_bootstrap, topics.all_for(example_organisation().department_slugs), 3, 1)
    service = RouteUnderTest(
        bootstrap=kafka_bootstrap,
        topics=topics,
        clock_file=tmp_path / "clock",
        env={
            "WEBCARE_KAFKA_BOOTSTRAP": kafka_bootstrap,
            "WEBCARE_TOPIC_PREFIX": topic_prefix,
            "WEBCARE_ORGANISATION_CONFIG": str(EXAMPLE_CONFIG),
            "WEBCARE_STATE_DIR": str(tmp_path / "state"),
            "WEBCARE_ROUTE_METRICS_PORT": "0",
            "WEBCARE_ROUTE_CLOCK_FILE": str(tmp_path / "clock"),
            "WEBCARE_ROUTE_TICK_S": "0.2",
            "WEBCARE_ROUTE_SESSION_TIMEOUT_S": "10",
            # faust-streaming now and then never resumes a partition after a restart; the
            # stall watch ends such a worker and the fixture's supervision starts it again
            "WEBCARE_STALL_TIMEOUT_S": "60",
            "WEBCARE_LAG_INTERVAL_S": "5",
        },
        log_path=tmp_path / "route.log",
    )
    try:
        yield service
    finally:
        service.stop()
