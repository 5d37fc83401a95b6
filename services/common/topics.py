"""Names of every Kafka topic, derived from one prefix so tests can run side by side."""

from dataclasses import dataclass

# Every (service, table) a Faust service keeps; their changelogs are compacted topics.
FAUST_TABLES = (
    ("notify", "delivered"),
    ("route", "cases"),
    ("route", "sla_timers"),
    ("route", "last_responder"),
    ("route", "guideline_usage"),
    ("route", "crisis_window"),
    ("notify", "digests"),
    ("notify", "claims"),
    ("classify", "seen_mentions"),
)


@dataclass(frozen=True)
class TopicNames:
    prefix: str = "webcare"

    @property
    def raw(self) -> str:
        return f"{self.prefix}.mentions.raw"

    @property
    def classified(self) -> str:
        return f"{self.prefix}.mentions.classified"

    @property
    def routed(self) -> str:
        return f"{self.prefix}.mentions.routed"

    @property
    def conversation_events(self) -> str:
        return f"{self.prefix}.conversation.events"

    @property
    def notifications_sent(self) -> str:
        return f"{self.prefix}.notifications.sent"

    @property
    def route_signals(self) -> str:
        """Route's own re-keying topic: SLA timers due, guideline and crisis counts."""
        return f"{self.prefix}.route.signals"

    @property
    def dlq(self) -> str:
        return f"{self.prefix}.dlq"

    @property
    def ingest_cursors(self) -> str:
        """Compacted: the last position of each ingest connector, keyed by connector."""
        return f"{self.prefix}.ingest.cursors"

    @property
    def classify_corrections(self) -> str:
        """Compacted: people's re-tags as labelled examples, keyed by mention id."""
        return f"{self.prefix}.classify.corrections"

    @property
    def classify_control(self) -> str:
        """Compacted: which model version classify runs live and in shadow, keyed by role."""
        return f"{self.prefix}.classify.control"

    def department(self, slug: str) -> str:
        return f"{self.prefix}.dept.{slug}"

    def table_changelog(self, service: str, table: str) -> str:
        """Faust's name for a table's changelog; created up front so the first event finds it."""
        return f"{self.prefix}-{service}-{table}-changelog"

    def changelogs(self) -> list[str]:
        return [self.table_changelog(service, table) for service, table in FAUST_TABLES]

    def pipeline(self) -> list[str]:
        """Every topic that exists whatever the organisation's departments are."""
        return [
            self.raw,
            self.classified,
            self.routed,
            self.conversation_events,
            self.notifications_sent,
            self.dlq,
            self.route_signals,
            self.ingest_cursors,
            self.classify_corrections,
            self.classify_control,
        ]

    def all_for(self, department_slugs: list[str]) -> list[str]:
        return (
            self.pipeline()
            + [self.department(slug) for slug in department_slugs]
            + self.changelogs()
        )
