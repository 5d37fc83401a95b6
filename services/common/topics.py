"""Names of every Kafka topic, derived from one prefix so tests can run side by side."""

from dataclasses import dataclass

# Every (service, table) a Faust service keeps; their changelogs are compacted topics.
FAUST_TABLES = (("notify", "delivered"), ("notify", "digests"), ("notify", "claims"))


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
    def dlq(self) -> str:
        return f"{self.prefix}.dlq"

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
        ]

    def all_for(self, department_slugs: list[str]) -> list[str]:
        return (
            self.pipeline()
            + [self.department(slug) for slug in department_slugs]
            + self.changelogs()
        )
