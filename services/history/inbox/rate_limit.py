"""Failed sign-ins counted per username and per address, in a sliding window.

In memory, per history process: it slows a password guesser down to a few
tries a minute per account and per address; it is not a shared quota across
replicas. Pure: time is passed in.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field


@dataclass
class FailureWindow:
    limit: int
    window_s: float
    _failures: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))

    def retry_after(self, key: str, now: float) -> float | None:
        """Seconds to wait before `key` may try again, or None when it may try now."""
        recent = self._prune(key, now)
        if len(recent) < self.limit:
            return None
        return max(0.0, recent[0] + self.window_s - now)

    def failed(self, key: str, now: float) -> None:
        self._prune(key, now).append(now)

    def succeeded(self, key: str) -> None:
        self._failures.pop(key, None)

    def _prune(self, key: str, now: float) -> deque[float]:
        recent = self._failures[key]
        while recent and recent[0] <= now - self.window_s:
            recent.popleft()
        if not recent:
            # keep the map as small as the set of keys failing right now
            self._failures.pop(key, None)
            recent = self._failures[key]
        return recent


@dataclass
class LoginLimits:
    """Both windows a sign-in must pass: one for the account, one for the address."""

    per_username: FailureWindow = field(default_factory=lambda: FailureWindow(5, 300.0))
    per_address: FailureWindow = field(default_factory=lambda: FailureWindow(20, 300.0))

    def retry_after(self, username: str, address: str, now: float) -> float | None:
        waits = [
            self.per_username.retry_after(username, now),
            self.per_address.retry_after(address, now),
        ]
        pending = [w for w in waits if w is not None]
        return max(pending) if pending else None

    def failed(self, username: str, address: str, now: float) -> None:
        self.per_username.failed(username, now)
        self.per_address.failed(address, now)

    def succeeded(self, username: str) -> None:
        self.per_username.succeeded(username)

    def address_retry_after(self, address: str, now: float) -> float | None:
        """Single sign-on: the provider checks the account, so only the address is counted."""
        return self.per_address.retry_after(address, now)

    def address_failed(self, address: str, now: float) -> None:
        self.per_address.failed(address, now)
