"""The organisation's `topic_rules` applied on top of the model's answer."""

from __future__ import annotations

import re
from dataclasses import dataclass

from services.classify.keywords import _pattern as word_start_pattern
from services.common.organisation import Organisation, OrganisationConfigError


@dataclass(frozen=True)
class KeywordOverlay:
    force: dict[str, re.Pattern[str]]
    forbid: dict[str, re.Pattern[str]]

    @classmethod
    def from_organisation(cls, org: Organisation) -> KeywordOverlay:
        known = {t.slug for t in org.topics}
        force: dict[str, re.Pattern[str]] = {}
        forbid: dict[str, re.Pattern[str]] = {}
        for i, rule in enumerate(org.topic_rules):
            if rule.topic not in known:
                raise OrganisationConfigError(
                    f"topic_rules.{i}.topic: {rule.topic!r} is not one of the topics"
                )
            for words, into in ((rule.force, force), (rule.forbid, forbid)):
                pattern = word_start_pattern(words)
                if pattern is not None:
                    previous = into.get(rule.topic)
                    into[rule.topic] = (
                        pattern
                        if previous is None
                        else re.compile(f"{previous.pattern}|{pattern.pattern}", re.I)
                    )
        return cls(force, forbid)

    def apply(
        self, text: str, topics: list[str], scores: dict[str, float]
    ) -> tuple[list[str], dict[str, float]]:
        """Forced topics get score 1.0, forbidden ones 0.0 (forbid wins); order follows scores."""
        scores = dict(scores)
        chosen = set(topics)
        for topic, pattern in self.force.items():
            if pattern.search(text):
                chosen.add(topic)
                scores[topic] = 1.0
        for topic, pattern in self.forbid.items():
            if pattern.search(text):
                chosen.discard(topic)
                scores[topic] = 0.0
        return [t for t in scores if t in chosen], scores
