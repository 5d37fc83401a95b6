"""Local servers speaking the platforms' documented wire formats, for connector tests.

Each runs its own asyncio loop on a thread, on 127.0.0.1 and a free port:
- `JetstreamServer`: a WebSocket at `/subscribe` that replays its recorded
  events from `?cursor=<time_us>` (inclusive, like Jetstream), paced, then waits
  for new ones;
- `MastodonServer`: `GET /api/v1/streaming/user` (server-sent events, only to
  clients connected when a status is posted) and `GET /api/v1/notifications`
  (`types[]`, `min_id`, `limit`, newest first), with a switch to drop clients;
- `FeedServer`: one feed document with `ETag`/`Last-Modified` and 304s.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import websockets
from aiohttp import web


class _LoopThread:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def call(self, fn: Callable[[], Any]) -> Any:
        async def run() -> Any:
            result = fn()
            if inspect.isawaitable(result):
                result = await result
            return result

        future: Future[Any] = asyncio.run_coroutine_threadsafe(run(), self.loop)
        return future.result(timeout=30)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


class JetstreamServer(_LoopThread):
    def __init__(self, pace_s: float = 0.02) -> None:
        super().__init__()
        self.events: list[dict[str, Any]] = []
        self.pace_s = pace_s
        self.subscriptions: list[str] = []
        self.server = self.call(
            lambda: websockets.serve(self._serve, "127.0.0.1", 0, max_size=2**20)
        )
        self.port = self.server.sockets[0].getsockname()[1]

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/subscribe"

    def add(self, *events: dict[str, Any]) -> None:
        self.call(lambda: self.events.extend(events))

    async def _serve(self, socket: Any) -> None:
        path = socket.request.path
        self.subscriptions.append(path)
        query = dict(
            part.split("=", 1) for part in path.partition("?")[2].split("&") if "=" in part
        )
        wanted = {
            part.split("=", 1)[1]
            for part in path.partition("?")[2].split("&")
            if part.startswith("wantedCollections=")
        }
        cursor = int(query["cursor"]) if "cursor" in query else 0
        sent = 0
        try:
            while True:
                pending = [e for e in self.events if e["time_us"] >= cursor][sent:]
                for event in pending:
                    sent += 1
                    commit = event.get("commit")
                    collection = commit.get("collection") if isinstance(commit, dict) else None
                    if wanted and collection and collection not in wanted:
                        continue
                    await socket.send(json.dumps(event))
                    await asyncio.sleep(self.pace_s)
                # Idle: wait for new events, noticing a closed connection meanwhile.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(socket.recv(), 0.05)
        except websockets.exceptions.ConnectionClosed:
            return

    def close(self) -> None:
        self.call(lambda: self.server.close())
        self.call(self.server.wait_closed)
        super().close()


class MastodonServer(_LoopThread):
    def __init__(self) -> None:
        super().__init__()
        self.notifications: list[dict[str, Any]] = []
        self.streams: list[asyncio.Queue[bytes | None]] = []
        self.accepting = True
        self.backfill_requests: list[dict[str, str]] = []
        app = web.Application()
        app.router.add_get("/api/v1/streaming/user", self._stream)
        app.router.add_get("/api/v1/notifications", self._notifications)
        self.runner = web.AppRunner(app)
        self.call(self.runner.setup)
        self.site = web.TCPSite(self.runner, "127.0.0.1", 0)
        self.call(self.site.start)
        self.port = self.runner.addresses[0][1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def connected(self) -> int:
        return int(self.call(lambda: len(self.streams)))

    def post_mention(self, notification: dict[str, Any]) -> None:
        """Records a mention notification and streams it to whoever is connected now."""

        def post() -> None:
            self.notifications.append(notification)
            frame = f"event: notification\ndata: {json.dumps(notification)}\n\n".encode()
            for queue in self.streams:
                queue.put_nowait(frame)

        self.call(post)

    def drop_clients(self, accept_again: bool) -> None:
        def drop() -> None:
            self.accepting = accept_again
            for queue in self.streams:
                queue.put_nowait(None)

        self.call(drop)

    def accept(self) -> None:
        self.call(lambda: setattr(self, "accepting", True))

    def close(self) -> None:
        self.drop_clients(accept_again=False)
        self.call(self.runner.cleanup)
        super().close()

    async def _stream(self, request: web.Request) -> web.StreamResponse:
        if not self.accepting:
            return web.Response(status=503, text="down for maintenance")
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        queue: asyncio.Queue[bytes | None] = asyncio.Queue()
        self.streams.append(queue)
        try:
            await response.write(b":)\n\n")
            while (frame := await queue.get()) is not None:
                await response.write(frame)
        finally:
            self.streams.remove(queue)
        return response

    async def _notifications(self, request: web.Request) -> web.Response:
        self.backfill_requests.append(dict(request.query))
        types = request.query.getall("types[]", [])
        min_id = int(request.query.get("min_id", "0"))
        limit = int(request.query.get("limit", "40"))
        found = sorted(
            (n for n in self.notifications if int(n["id"]) > min_id and n["type"] in types),
            key=lambda n: int(n["id"]),
        )[:limit]
        return web.json_response(list(reversed(found)))


class FeedServer(_LoopThread):
    def __init__(self, document: bytes, content_type: str = "application/rss+xml") -> None:
        super().__init__()
        self.document = document
        self.content_type = content_type
        self.version = 1
        self.statuses: list[int] = []
        app = web.Application()
        app.router.add_get("/feed", self._feed)
        self.runner = web.AppRunner(app)
        self.call(self.runner.setup)
        self.site = web.TCPSite(self.runner, "127.0.0.1", 0)
        self.call(self.site.start)
        self.port = self.runner.addresses[0][1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/feed"

    def publish(self, document: bytes) -> None:
        def change() -> None:
            self.document = document
            self.version += 1

        self.call(change)

    def close(self) -> None:
        self.call(self.runner.cleanup)
        super().close()

    async def _feed(self, request: web.Request) -> web.Response:
        etag = f'"v{self.version}"'
        if request.headers.get("If-None-Match") == etag:
            self.statuses.append(304)
            return web.Response(status=304, headers={"ETag": etag})
        self.statuses.append(200)
        return web.Response(
            body=self.document,
            headers={
                "ETag": etag,
                "Last-Modified": time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime()),
                "Content-Type": self.content_type,
            },
        )
