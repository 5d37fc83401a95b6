"""Fixtures of notify's service tests: real receivers, an organisation with push targets,
the notifier as a real process, and routing decisions to feed it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from kafka import KafkaProducer

from schemas import (
    Author,
    ClassifiedMention,
    DepartmentRoute,
    Mention,
    RoutingDecision,
    Sentiment,
)
from services.common.kafka import ensure_topics
from services.common.organisation import load_organisation
from services.common.topics import TopicNames
from tests.service.notify.servers import FlakyHttpServer, RecordingSmtpServer
from tests.support.processes import ServiceProcess
from tests.unit.factories import EXAMPLE_CONFIG, NOW

HOOK_SECRET = "notify-test-secret"


@pytest.fixture
def http_target() -> Iterator[FlakyHttpServer]:
    with FlakyHttpServer() as server:
        yield server


@pytest.fixture
def smtp_target() -> Iterator[RecordingSmtpServer]:
    with RecordingSmtpServer() as server:
        yield server


@dataclass
class Notifier:
    """One notify deployment under test: its config, env and process (restartable)."""

    bootstrap: str
    topics: TopicNames
    env: dict[str, str]
    tmp_path: Path
    process: ServiceProcess | None = None
    starts: int = 0
    started: list[ServiceProcess] = field(default_factory=list)

    @property
    def revivals(self) -> int:
        """Restarts after a stall (exit 75), over every start: each is a crash too."""
        return sum(process.revivals for process in self.started)

    def start(self, **extra_env: str) -> ServiceProcess:
        self.starts += 1
        self.process = ServiceProcess(
            "notify",
            {**self.env, **extra_env},
            self.tmp_path / f"notify-{self.starts}.log",
            supervise=True,
        ).start()
        self.started.append(self.process)
        return self.process

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()

    def log_text(self) -> str:
        """The log of the latest start (a revived process appends to the same file)."""
        assert self.process is not None
        return self.process.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> int:
        assert self.process is not None
        return self.process.stop()


@pytest.fixture
def notifier_factory(
    kafka_bootstrap: str,
    topic_prefix: str,
    http_target: FlakyHttpServer,
    smtp_target: RecordingSmtpServer,
    tmp_path: Path,
) -> Iterator[Callable[..., Notifier]]:
    made: list[Notifier] = []

    def make(
        push: dict[str, object] | None = None, webhook: bool = True, **settings: str
    ) -> Notifier:
        config = yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
        for dept in config["departments"]:
            if dept["slug"] == "service":
                dept["language"] = "en"
                dept["webhooks"] = (
                    [{"url": f"{http_target.url}/hook", "secret_env": "NOTIFY_TEST_SECRET"}]
                    if webhook
                    else []
                )
                dept["push"] = (
                    push
                    if push is not None
                    else {
                        "slack": [{"url": f"{http_target.url}/slack"}],
                        "teams": [{"url": f"{http_target.url}/teams"}],
                        "email": [{"to": ["dewi@openhart.nl"]}],
                    }
                )
        path = tmp_path / "organisation.yaml"
        path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        org = load_organisation(path)
        topics = TopicNames(topic_prefix)
        ensure_topics(kafka_bootstrap, topics.all_for(org.department_slugs), 3, 1)
        env = {
            "WEBCARE_KAFKA_BOOTSTRAP": kafka_bootstrap,
            "WEBCARE_TOPIC_PREFIX": topic_prefix,
            "WEBCARE_ORGANISATION_CONFIG": str(path),
            "WEBCARE_STATE_DIR": str(tmp_path / "state"),
            "WEBCARE_NOTIFY_METRICS_PORT": "0",
            "WEBCARE_NOTIFY_RETRY_BASE_S": "0.05",
            "WEBCARE_NOTIFY_WEBHOOK_TIMEOUT_S": "1",
            "WEBCARE_NOTIFY_SESSION_TIMEOUT_S": "10",
            # faust-streaming now and then never resumes a partition after a restart; the
            # stall watch ends such a worker and the fixture's supervision starts it again
            "WEBCARE_STALL_TIMEOUT_S": "60",
            "WEBCARE_LAG_INTERVAL_S": "5",
            "WEBCARE_SMTP_HOST": smtp_target.host,
            "WEBCARE_SMTP_PORT": str(smtp_target.port),
            "WEBCARE_MAIL_FROM": "webcare@openhart.nl",
            "WEBCARE_PUBLIC_URL": "http://inbox.test:8000/",
            "NOTIFY_TEST_SECRET": HOOK_SECRET,
            **settings,
        }
        notifier = Notifier(kafka_bootstrap, topics, env, tmp_path)
        made.append(notifier)
        return notifier

    yield make
    for notifier in made:
        if notifier.process is not None and notifier.process.alive():
            notifier.stop()


def decision(
    n: int, departments: tuple[str, ...] = ("service",), priority: str = "normal"
) -> RoutingDecision:
    """A routing decision for mention `x:<n>`, spread over relationships (so partitions)."""
    mention = Mention(
        id=f"x:{n}",
        source="x",
        external_id=str(n),
        relationship_id=f"rel-{n % 17}",
        thread_id=f"x:{n}",
        author=Author(id=f"u{n}", handle=f"user{n}", display_name=f"User {n}"),
        text=f"Mention number {n}: charged twice for my donation",
        created_at=NOW,
        url=f"https://x.com/user{n}/status/{n}",
        ingested_at=NOW,
    )
    return RoutingDecision(
        decision_id=f"d-{n}",
        relationship_id=mention.relationship_id,
        classified=ClassifiedMention(
            mention=mention,
            topics=["complaints"],
            scores={"complaints": 0.9},
            sentiment=Sentiment.NEGATIVE,
            model_version="test",
            classified_at=NOW,
        ),
        departments=[
            DepartmentRoute(department=d, matched_topics=["complaints"], rule="topic")
            for d in departments
        ],
        priority=priority,  # type: ignore[arg-type]
        decided_at=NOW,
    )


def produce_decisions(bootstrap: str, topic: str, decisions: list[RoutingDecision]) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    try:
        futures = [
            producer.send(topic, key=d.relationship_id.encode(), value=d.model_dump_json().encode())
            for d in decisions
        ]
        for future in futures:
            future.get(timeout=30)
    finally:
        producer.close()
