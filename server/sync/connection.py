"""One client's connection: who it is, and an outbox drained by its own sender task."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque

from starlette.websockets import WebSocket, WebSocketState

from server.access.tokens import BoardGrant
from server.errors import CloseCode, ConnectionClosed
from server.metrics import Metrics
from server.sync import protocol

log = logging.getLogger(__name__)
_CLOSE_TIMEOUT_SECONDS = 5.0
HEARTBEAT_SECONDS = 15.0
HEARTBEAT = protocol.awareness([])  # an awareness update about nobody


class Connection:
    """Sending never blocks the room: messages queue here, one task per client writes them,
    and a client too slow to keep up is closed instead of holding up the others."""

    def __init__(
        self,
        websocket: WebSocket,
        grant: BoardGrant,
        metrics: Metrics,
        *,
        queue_limit: int,
        messages_per_second: float,
        burst: int,
    ) -> None:
        self.websocket = websocket
        self.grant = grant
        self._metrics = metrics
        self._queue_limit = queue_limit
        self._outbox: deque[bytes] = deque()
        self._wakeup = asyncio.Event()
        self._closing: ConnectionClosed | None = None
        self._sender: asyncio.Task[None] | None = None
        self._rate = messages_per_second
        self._burst = float(burst)
        self._allowance = float(burst)
        self._last_message = time.monotonic()
        self.synced = False

    @property
    def closed(self) -> bool:
        return self._closing is not None

    def start(self) -> None:
        self._sender = asyncio.create_task(self._send_loop(), name="board-connection-sender")

    def send(self, message: bytes) -> None:
        if self._closing is not None:
            return
        if len(self._outbox) >= self._queue_limit:
            self.close(ConnectionClosed(CloseCode.TOO_SLOW))
            return
        self._outbox.append(message)
        self._metrics.bytes_out.inc(len(message))
        self._wakeup.set()

    def close(self, reason: ConnectionClosed) -> None:
        """Close with `reason`; whatever is still queued is dropped."""
        if self._closing is not None:
            return
        self._closing = reason
        self._metrics.connections_closed.labels(code=str(int(reason.code))).inc()
        self._wakeup.set()

    def take_message_allowance(self) -> None:
        """A token bucket: a burst is fine, a flood closes the connection."""
        now = time.monotonic()
        refill = (now - self._last_message) * self._rate
        self._allowance = min(self._burst, self._allowance + refill)
        self._last_message = now
        if self._allowance < 1:
            raise ConnectionClosed(CloseCode.TOO_MANY_MESSAGES)
        self._allowance -= 1

    async def _send_loop(self) -> None:
        websocket = self.websocket
        try:
            while True:
                try:
                    await asyncio.wait_for(self._wakeup.wait(), HEARTBEAT_SECONDS)
                except TimeoutError:
                    # y-websocket drops a connection that has heard nothing for 30 s.
                    self._outbox.append(HEARTBEAT)
                self._wakeup.clear()
                while self._outbox and self._closing is None:
                    await websocket.send_bytes(self._outbox.popleft())
                if self._closing is not None:
                    self._outbox.clear()
                    if websocket.client_state is WebSocketState.CONNECTED:
                        await websocket.close(self._closing.code, self._closing.reason)
                    return
        except (OSError, RuntimeError) as error:
            log.debug("send failed", extra={"error": str(error)})
            self._closing = self._closing or ConnectionClosed(CloseCode.GOING_AWAY)

    async def finish(self) -> None:
        """Let the sender deliver the close frame (for a few seconds at most), then stop it."""
        if self._sender is None:
            return
        if self._closing is None:
            self._closing = ConnectionClosed(CloseCode.NORMAL)
            self._wakeup.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._sender), _CLOSE_TIMEOUT_SECONDS)
        except TimeoutError:
            self._sender.cancel()
