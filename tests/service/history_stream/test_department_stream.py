"""End to end: a routing decision goes through notify onto the department topic and comes out
of the history API as a server-sent event; a client that reconnects with Last-Event-ID gets
what was delivered while it was away, and nothing twice."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from tests.service.history_stream.conftest import Pipeline
from tests.service.notify.conftest import decision, produce_decisions

pytestmark = pytest.mark.kafka

WAIT_S = 180.0


@dataclass
class Event:
    id: str
    event: str
    data: dict[str, object]


@dataclass
class SseReader:
    """Parses `text/event-stream` lines; the server's heartbeats keep every read short."""

    lines: Iterator[str]
    comments: list[str] = field(default_factory=list)

    def next_event(self, deadline: float) -> Event:
        fields: dict[str, str] = {}
        data: list[str] = []
        for line in self.lines:
            if time.monotonic() > deadline:
                break
            if line == "":
                if data:
                    return Event(
                        fields.get("id", ""), fields.get("event", ""), json.loads("".join(data))
                    )
                continue
            if line.startswith(":"):
                self.comments.append(line[1:].strip())
                continue
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "data":
                data.append(value)
            else:
                fields[name] = value
        raise AssertionError("no event in time")

    def wait_for_comment(self, text: str, deadline: float) -> None:
        for line in self.lines:
            if line.startswith(":"):
                self.comments.append(line[1:].strip())
                if self.comments[-1].startswith(text):
                    return
            assert time.monotonic() < deadline, f"no {text!r} comment in time"
        raise AssertionError(f"stream closed before a {text!r} comment")


def mention_of(event: Event) -> str:
    mention = event.data["mention"]
    assert isinstance(mention, dict)
    return str(mention["id"])


def test_deliveries_stream_live_and_resume_after_last_event_id(stream_pipeline: Pipeline) -> None:
    routed = stream_pipeline.topics.routed
    url = "/v1/departments/service/stream"
    with stream_pipeline.client() as client:
        with client.stream("GET", url, timeout=httpx.Timeout(30.0)) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            reader = SseReader(response.iter_lines())
            reader.wait_for_comment("connected", time.monotonic() + WAIT_S)
            produce_decisions(stream_pipeline.bootstrap, routed, [decision(1)])
            first = reader.next_event(time.monotonic() + WAIT_S)
            # quiet until the next delivery: heartbeats keep the connection alive meanwhile
            reader.wait_for_comment("heartbeat", time.monotonic() + WAIT_S)
        assert first.event == "delivery"
        assert mention_of(first) == "x:1"
        assert first.data["department"] == "service"

        # delivered while nobody listens
        produce_decisions(stream_pipeline.bootstrap, routed, [decision(2), decision(3)])
        headers = {"Last-Event-ID": first.id}
        with client.stream("GET", url, headers=headers, timeout=httpx.Timeout(30.0)) as response:
            assert response.status_code == 200
            reader = SseReader(response.iter_lines())
            seen = [reader.next_event(time.monotonic() + WAIT_S) for _ in range(2)]
        assert sorted(mention_of(e) for e in seen) == ["x:2", "x:3"]
        assert len({e.id for e in seen} | {first.id}) == 3

        # the same id again: the same two again, nothing before them
        with client.stream("GET", url, headers=headers, timeout=httpx.Timeout(30.0)) as response:
            reader = SseReader(response.iter_lines())
            again = [reader.next_event(time.monotonic() + WAIT_S) for _ in range(2)]
        # (records of different partitions may come in either order; each partition's in order)
        assert sorted(mention_of(e) for e in again) == ["x:2", "x:3"]

        # and the mention's trail in the API shows notify's receipt for that delivery
        deadline = time.monotonic() + WAIT_S
        deliveries: list[dict[str, object]] = []
        while time.monotonic() < deadline:
            answer = client.get("/v1/mentions/x:1")
            if answer.status_code == 200:
                deliveries = answer.json()["deliveries"]
                if deliveries:
                    break
            time.sleep(0.3)
        assert [(d["department"], d["channel"], d["outcome"]) for d in deliveries] == [
            ("service", "kafka", "delivered")
        ]


def test_stream_refuses_without_key_unknown_department_and_foreign_ids(
    stream_pipeline: Pipeline,
) -> None:
    with httpx.Client(base_url=stream_pipeline.api_url, timeout=30.0) as anonymous:
        assert anonymous.get("/v1/departments/service/stream").status_code == 401
    with stream_pipeline.client() as client:
        assert client.get("/v1/departments/nobody/stream").status_code == 404
        answer = client.get(
            "/v1/departments/service/stream", headers={"Last-Event-ID": "yesterday"}
        )
        assert answer.status_code == 400
        assert answer.json()["error"] == "bad_last_event_id"
