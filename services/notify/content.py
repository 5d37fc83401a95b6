"""What a person needs to act on a delivery, in the department's language (nl or en).

Pure: every push format (Slack, Teams, e-mail, digest) renders a `Notice`,
so the words are chosen once and tested once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from schemas import DepartmentDelivery

LABELS: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Nieuwe vermelding voor {department}",
        "who": "Van",
        "what": "Bericht",
        "where": "Waar",
        "topics": "Onderwerpen",
        "why": "Waarom",
        "priority": "Prioriteit",
        "deadline": "Reageren vóór",
        "claimed": "Opgepakt door",
        "nobody": "nog niemand",
        "conversation": "Gesprek",
        "none": "geen",
        "no_deadline": "geen termijn",
        "rule_topic": "past bij de onderwerpen {topics} van de afdeling",
        "rule_triage": "geen onderwerp herkend: triage",
        "rule_other": "regel {rule}",
        "open": "Open het gesprek",
        "digest_title": "{count} nieuwe vermeldingen voor {department}",
        "low": "laag",
        "normal": "normaal",
        "high": "hoog",
        "urgent": "urgent",
    },
    "en": {
        "title": "New mention for {department}",
        "who": "From",
        "what": "Message",
        "where": "Where",
        "topics": "Topics",
        "why": "Why",
        "priority": "Priority",
        "deadline": "Respond by",
        "claimed": "Claimed by",
        "nobody": "nobody yet",
        "conversation": "Conversation",
        "none": "none",
        "no_deadline": "no deadline",
        "rule_topic": "matches the department's topics {topics}",
        "rule_triage": "no topic recognised: triage",
        "rule_other": "rule {rule}",
        "open": "Open the conversation",
        "digest_title": "{count} new mentions for {department}",
        "low": "low",
        "normal": "normal",
        "high": "high",
        "urgent": "urgent",
    },
}


def labels(language: str) -> dict[str, str]:
    """The department's words; an unknown language falls back to English rather than failing."""
    return LABELS.get(language.split("-")[0].lower(), LABELS["en"])


@dataclass(frozen=True)
class Notice:
    """One delivery, every field already in words, ready for any format."""

    language: str
    title: str
    author: str
    text: str
    where: str
    topics: str
    why: str
    priority: str
    urgent: bool
    deadline: str
    claimed_by: str
    conversation_url: str
    mention_id: str
    delivery_id: str

    def fields(self) -> list[tuple[str, str]]:
        """(label, value) pairs in reading order; every format lists these."""
        words = labels(self.language)
        return [
            (words["who"], self.author),
            (words["what"], self.text),
            (words["where"], self.where),
            (words["topics"], self.topics),
            (words["why"], self.why),
            (words["priority"], self.priority),
            (words["deadline"], self.deadline),
            (words["claimed"], self.claimed_by),
            (words["conversation"], self.conversation_url),
        ]


def _when(moment: datetime | None, words: dict[str, str]) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else words["no_deadline"]


def _why(delivery: DepartmentDelivery, words: dict[str, str]) -> str:
    route = delivery.route
    if route.rule == "topic":
        return words["rule_topic"].format(topics=", ".join(route.matched_topics))
    if route.rule == "triage":
        return words["rule_triage"]
    return words["rule_other"].format(rule=route.rule)


def notice_for(
    delivery: DepartmentDelivery,
    department_name: str,
    language: str,
    claimed_by: str | None = None,
) -> Notice:
    """Who wrote what where, why this department sees it, how urgent, and where to answer."""
    words = labels(language)
    mention = delivery.mention
    author = mention.author
    who = (
        f"{author.display_name} (@{author.handle})" if author.display_name else f"@{author.handle}"
    )
    return Notice(
        language=language,
        title=words["title"].format(department=department_name),
        author=f"{who} · {mention.source}",
        text=mention.text,
        where=mention.url or mention.source,
        topics=", ".join(delivery.topics) or words["none"],
        why=_why(delivery, words),
        priority=words.get(delivery.priority, delivery.priority),
        urgent=delivery.priority in ("high", "urgent"),
        deadline=_when(delivery.sla_deadline, words),
        claimed_by=claimed_by or words["nobody"],
        conversation_url=delivery.conversation_url or "",
        mention_id=mention.id,
        delivery_id=delivery.delivery_id,
    )


def plain_text(notice: Notice) -> str:
    """The notice as lines of text: the e-mail body and the chat fallback."""
    lines = [notice.title, ""]
    lines += [f"{label}: {value}" for label, value in notice.fields()]
    return "\n".join(lines) + "\n"
