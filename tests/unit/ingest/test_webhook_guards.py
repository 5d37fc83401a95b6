"""The webhook endpoint's guards without a broker: refusals never wait on Kafka, and the rate
limits per address and per source answer 429 with Retry-After."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence

from fastapi.testclient import TestClient

from schemas import Mention
from services.ingest.app import create_app
from services.ingest.settings import IngestSettings
from services.ingest.signatures import SourceKeys, WebhookAuth, sign

SECRET = b"bridge-secret"
AUTH = WebhookAuth({"x": SourceKeys(), "bridge": SourceKeys(secrets=(SECRET,))})


def mention(n: int, source: str = "x") -> dict[str, object]:
    return {
        "source": source,
        "external_id": str(n),
        "author": {"id": "1", "handle": "anna"},
        "text": "hallo",
        "created_at": "2026-11-20T09:15:00Z",
    }


class BrokerAway:
    """kafka-python with the broker gone: every send blocks until it gives up."""

    def __init__(self, block_s: float) -> None:
        self.block_s = block_s
        self.gone = threading.Event()
        self.published: list[Mention] = []

    def publish(self, mentions: Sequence[Mention]) -> None:
        self.published += mentions

    def dead_letter(self, original: bytes, reason: str, detail: str, source: str) -> None:
        self.gone.wait(self.block_s)


def client(publisher: BrokerAway, **settings: float) -> TestClient:
    app = create_app(IngestSettings(**settings), publisher, (), auth=AUTH)  # type: ignore[arg-type]
    return TestClient(app)


def test_refused_bodies_do_not_wait_for_the_dead_letter_topic() -> None:
    publisher = BrokerAway(block_s=5.0)
    with client(publisher) as http:
        started = time.monotonic()
        codes = [http.post("/v1/mentions", content=b"{junk").status_code for _ in range(20)]
        took = time.monotonic() - started
        assert http.post("/v1/mentions", json=mention(1)).status_code == 202
        publisher.gone.set()
    assert codes == [400] * 20
    assert took < 3.0  # written one by one in the request, 20 would take 100 s


def test_an_address_over_its_rate_gets_429_with_retry_after() -> None:
    with client(BrokerAway(0), rate_per_address=0.01, burst_per_address=3) as http:
        codes = [http.post("/v1/mentions", json=mention(n)).status_code for n in range(5)]
        limited = http.post("/v1/mentions", json=mention(9))
    assert codes == [202, 202, 202, 429, 429]
    assert limited.json()["error"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) >= 1


def test_a_source_over_its_rate_gets_429_and_may_resend_the_same_signature() -> None:
    with client(BrokerAway(0), rate_per_source=0.01, burst_per_source=2) as http:
        codes = []
        for n in range(3):
            body = json.dumps(mention(n, "bridge")).encode()
            signature = sign(SECRET, body, int(time.time()))
            codes.append(
                http.post(
                    "/v1/mentions", content=body, headers={"X-Webcare-Signature": signature}
                ).status_code
            )
        assert codes == [202, 202, 429]
        # other sources have their own allowance
        assert http.post("/v1/mentions", json=mention(1)).status_code == 202
