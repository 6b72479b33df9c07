"""Fan-out over Redis pub/sub: one channel per board and history, every process listening.

Channels are `netwerkbord:<deployment>:board:<board id>:<epoch>`, the deployment being the
store's identity (Store.deployment): two deployments sharing one Redis server, even a
restored copy of the same database, never hear each other, whatever Redis database number
they use (pub/sub ignores it). Messages are `v1` + the sending process's id + a kind byte +
the payload. A process ignores its own messages. Redis keeps nothing: when the link drops,
each process goes on serving its own clients, and when it is back every open board catches
up from the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Awaitable, Callable

from redis.asyncio import Redis
from redis.exceptions import RedisError

from server.errors import StoreUnavailable
from server.fanout.base import Receiver

log = logging.getLogger(__name__)
PREFIX = "netwerkbord:"
_VERSION = b"v1"


class RedisFanout:
    def __init__(self, url: str) -> None:
        self.url = url
        self.process_id = secrets.token_bytes(8)
        self._receivers: dict[str, Receiver] = {}
        self._outbox: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue(maxsize=100_000)
        self._tasks: list[asyncio.Task[None]] = []
        self._on_reconnect: Callable[[], Awaitable[None]] | None = None
        self.connected = asyncio.Event()
        self._boards = ""  # the channel prefix of this deployment's boards, set by start

    async def start(self, deployment: str, on_reconnect: Callable[[], Awaitable[None]]) -> None:
        self._boards = f"{PREFIX}{deployment}:board:"
        self._on_reconnect = on_reconnect
        self._tasks = [
            asyncio.create_task(self._listen(), name="redis-listen"),
            asyncio.create_task(self._send(), name="redis-publish"),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    @property
    def linked(self) -> bool:
        return self.connected.is_set()

    def publish(self, board_id: str, kind: int, payload: bytes) -> None:
        if not self.connected.is_set():
            return  # the store has it; the others catch up when the link is back
        message = _VERSION + self.process_id + bytes([kind]) + payload
        try:
            self._outbox.put_nowait((self._boards + board_id, message))
        except asyncio.QueueFull:
            log.warning("redis fan-out queue full; dropping", extra={"board": board_id})

    def subscribe(self, board_id: str, receiver: Receiver) -> None:
        self._receivers[board_id] = receiver

    def unsubscribe(self, board_id: str) -> None:
        self._receivers.pop(board_id, None)

    async def _send(self) -> None:
        client = Redis.from_url(self.url)
        try:
            while True:
                channel, message = await self._outbox.get()
                try:
                    await client.publish(channel, message)
                except (RedisError, OSError) as error:
                    log.warning("redis publish failed", extra={"error": str(error)})
        finally:
            await client.aclose()

    async def _listen(self) -> None:
        delay = 0.2
        ever_connected = False
        while True:
            client = Redis.from_url(self.url)
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.psubscribe(self._boards + "*")
                    self.connected.set()
                    delay = 0.2
                    if ever_connected and self._on_reconnect is not None:
                        log.info("redis is back; catching up from the store")
                        await self._on_reconnect()
                    ever_connected = True
                    async for message in pubsub.listen():
                        if message.get("type") == "pmessage":
                            self._deliver(message["channel"], message["data"])
            except (RedisError, OSError) as error:
                if self.connected.is_set():
                    log.warning("redis lost; serving local clients only",
                                extra={"error": str(error)})
                self.connected.clear()
            except StoreUnavailable as error:
                # Caught up with nothing: drop the link and catch up when it is made again.
                log.warning("catching up after redis failed: the database is away; retrying",
                            extra={"error": str(error)})
                self.connected.clear()
            finally:
                await client.aclose()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)

    def _deliver(self, channel: bytes, data: bytes) -> None:
        board_id = channel.decode()[len(self._boards) :]
        receiver = self._receivers.get(board_id)
        if receiver is None or not data.startswith(_VERSION):
            return
        sender = data[2:10]
        if sender == self.process_id:
            return
        receiver(data[10], data[11:])
