"""Contracts of every message on every webcare topic.

These pydantic models are the single source of truth; `schemas/json/` holds
the JSON Schema generated from them (`python -m schemas`), and a test fails
when the two drift. Evolution: add optional fields; a breaking change bumps
`schema_version` and the reader upcasts old versions.
"""

from schemas.messages import (
    Author,
    ClassifiedMention,
    ConversationEvent,
    ConversationEventKind,
    DeadLetter,
    DeliveryOutcome,
    DeliveryReceipt,
    DepartmentDelivery,
    DepartmentRoute,
    Mention,
    ModelCommand,
    ReplyTarget,
    RoutingDecision,
    RoutingKind,
    RoutingNotice,
    Sentiment,
    ShadowPrediction,
    TermWeight,
    TopicCorrection,
)

__all__ = [
    "Author",
    "ClassifiedMention",
    "ConversationEvent",
    "ConversationEventKind",
    "DeadLetter",
    "DeliveryOutcome",
    "DeliveryReceipt",
    "DepartmentDelivery",
    "DepartmentRoute",
    "Mention",
    "ModelCommand",
    "ReplyTarget",
    "RoutingDecision",
    "RoutingKind",
    "RoutingNotice",
    "Sentiment",
    "ShadowPrediction",
    "TermWeight",
    "TopicCorrection",
]
