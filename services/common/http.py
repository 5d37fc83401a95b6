"""Runs an ASGI app under uvicorn with a clean exit on SIGTERM.

uvicorn re-raises the signal after draining, so the process ends "killed by
SIGTERM"; supervisors and our tests expect a graceful stop to exit 0.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

import uvicorn


class GracefulServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def request_exit(_signum: int, _frame: FrameType | None) -> None:
            self.should_exit = True

        originals = {
            sig: signal.signal(sig, request_exit) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            yield
        finally:
            for sig, handler in originals.items():
                signal.signal(sig, handler)
