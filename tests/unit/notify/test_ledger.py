"""What a redelivered or replayed decision does with each idempotency key."""

import pytest

from services.notify.ledger import KeyState, Next, marked_at, marker, next_step


@pytest.mark.parametrize(
    ("stored", "step"),
    [
        (None, Next.DELIVER),
        (marker(KeyState.DONE, 5), Next.SKIP),
        (True, Next.SKIP),  # written by the walking skeleton
        (marker(KeyState.IN_FLIGHT, 5), Next.IN_DOUBT),
        (marker(KeyState.FAILED, 5), Next.DELIVER),
    ],
)
def test_next_step(stored: object, step: Next) -> None:
    assert next_step(stored) == step


def test_marked_at() -> None:
    assert marked_at(marker(KeyState.IN_FLIGHT, 1234)) == 1234
    assert marked_at(True) is None
