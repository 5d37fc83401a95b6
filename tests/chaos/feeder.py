"""Posts generated mentions to the ingest webhook in batches, riding out ingest and broker outages.

The test lets it feed up to a bound (`allow`) and raises the bound step by
step, so every crash happens while mentions are still flowing, however fast
the machine is: a pipeline that has finished everything cannot show that it
resumes.

A batch is posted until ingest answers 202: re-posting one that may already be
in Kafka is safe, because a mention's id is `<source>:<external id>` and every
stage is idempotent by it. Connection errors (ingest killed) and 503 (broker
down) are retried with a pause, within an overall deadline.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx

# Texts with clear topics, so the run exercises several department topics and triage.
TEXTS = (
    "Ik wil graag vrijwilliger worden bij jullie, hoe kan ik me aanmelden? ({n})",
    "Net 25 euro gedoneerd aan jullie actie, succes ermee! ({n})",
    "Is de vacature voor projectleider nog open? Ik wil solliciteren. ({n})",
    "Prachtig programma in Kenia, wat goed dat de waterputten er staan. ({n})",
    "I volunteer every Saturday at your shop and love it, how do I sign up my friend? ({n})",
    "Goedemorgen allemaal ({n})",
)


def mention(n: int) -> dict[str, object]:
    author = n % 997
    return {
        "source": "x",
        "external_id": f"chaos-{n:06d}",
        "author": {"id": f"a{author}", "handle": f"chaos_{author}", "followers": n % 50},
        "text": TEXTS[n % len(TEXTS)].format(n=n),
        "created_at": "2026-11-20T09:15:00Z",
    }


def mention_ids(count: int) -> list[str]:
    return [f"x:chaos-{n:06d}" for n in range(count)]


class Feeder(threading.Thread):
    """Feeds `count` mentions in batches of `batch`, `pause_s` apart, never past what `allow`
    let through; `sent` counts accepted."""

    def __init__(
        self, url: str, count: int, batch: int, pause_s: float, deadline_s: float = 1800.0
    ) -> None:
        super().__init__(name="chaos-feeder", daemon=True)
        self.url = f"{url}/v1/mentions"
        self.count, self.batch, self.pause_s = count, batch, pause_s
        self.deadline = time.monotonic() + deadline_s
        self.sent = 0
        self.retries = 0
        self.error: str | None = None
        self.allowed = 0
        self._more = threading.Condition()

    def allow(self, more: int) -> int:
        """Lets `more` mentions through (at most up to `count`); returns the new bound."""
        with self._more:
            self.allowed = min(self.allowed + more, self.count)
            self._more.notify_all()
            return self.allowed

    def _wait_allowed(self, upto: int) -> bool:
        with self._more:
            return self._more.wait_for(
                lambda: self.allowed >= upto, max(self.deadline - time.monotonic(), 0)
            )

    def batches(self) -> Iterator[list[dict[str, object]]]:
        for start in range(0, self.count, self.batch):
            yield [mention(n) for n in range(start, min(start + self.batch, self.count))]

    def run(self) -> None:
        with httpx.Client(timeout=30) as client:
            for items in self.batches():
                if not self._wait_allowed(self.sent + len(items)):
                    self.error = f"never allowed past {self.allowed} (sent {self.sent})"
                    return
                if not self._post(client, items):
                    return
                self.sent += len(items)
                time.sleep(self.pause_s)

    def _post(self, client: httpx.Client, items: list[dict[str, object]]) -> bool:
        while time.monotonic() < self.deadline:
            try:
                answer = client.post(self.url, json=items)
            except httpx.HTTPError:
                answer = None
            if answer is not None and answer.status_code == 202:
                return True
            # 429 is ingest's rate limit: a polite client waits as told and sends again
            if answer is not None and answer.status_code not in (429, 502, 503, 504):
                self.error = f"ingest refused a good batch: {answer.status_code} {answer.text}"
                return False
            self.retries += 1
            wait = answer.headers.get("retry-after", "") if answer is not None else ""
            time.sleep(min(float(wait), 5.0) if wait.isdigit() else 0.5)
        self.error = f"gave up after {self.retries} retries at {self.sent} sent"
        return False
