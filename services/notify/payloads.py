"""The bytes each push target gets for a delivery: JSON webhook, Slack, Teams.

Pure: (target, delivery, notice) in, body out. The generic webhook gets the
`DepartmentDelivery` contract itself, so machines can read every field.
"""

from __future__ import annotations

import json

from schemas import DepartmentDelivery
from services.notify.content import Notice
from services.notify.formats.slack import slack_payload
from services.notify.formats.teams import adaptive_card, message_card
from services.notify.targets import Target


def http_body(target: Target, delivery: DepartmentDelivery, notice: Notice) -> bytes:
    if target.channel == "webhook":
        return delivery.model_dump_json().encode()
    if target.channel == "slack":
        payload = slack_payload(notice)
    elif target.channel == "teams":
        payload = adaptive_card(notice) if target.card == "adaptive_card" else message_card(notice)
    else:
        raise ValueError(f"{target.channel} is not delivered over HTTP")
    return json.dumps(payload, ensure_ascii=False).encode()
