"""Organisation keyword rules laid over the classifier: force or forbid a topic.

Hung on `Organisation.topic_rules` (optional, empty by default). A rule names a topic
and words (matched case-insensitively at word starts, as the topic keywords are): any
`force` word puts the topic on a mention whatever the model says, any `forbid` word takes
it off; forbid wins. For the cases an organisation knows better than any model, e.g.
"everything that says 'legaat' goes to fundraising".
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class TopicRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    topic: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
    force: list[str] = Field(default_factory=list, description="Words that put the topic on.")
    forbid: list[str] = Field(default_factory=list, description="Words that take it off.")
