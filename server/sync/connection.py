"""One client's connection: who it is, and an outbox drained by its own sender task."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pycrdt import merge_updates
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from server.access.tokens import BoardGrant
from server.errors import CLIENT_FAULTS, CloseCode, ConnectionClosed
from server.metrics import Metrics
from server.sync import protocol
from server.sync.wire import DirectWriter, binary_frame

log = logging.getLogger(__name__)


@dataclass(slots=True)  # not frozen: one is made for every keystroke, three times as fast
class DocumentUpdate:
    """A document update on its way to clients, its message encoded and framed once for all."""

    update: bytes
    message: bytes
    frame: bytes

    @classmethod
    def of(cls, update: bytes) -> DocumentUpdate:
        message = protocol.sync_update(update)
        return cls(update, message, binary_frame(message))


_CLOSE_TIMEOUT_SECONDS = 5.0
# y-websocket drops a connection that has heard nothing for 30 s. A beat every 10 s sends
# something if nothing went out since the one before: at most 20 s of silence.
HEARTBEAT_SECONDS = 10.0
HOLD_BYTES = 1024 * 1024
# A hold ends at its deadline, or sooner past this many tries: a message that may bring the
# history the hold waits for is tried against the board (applied, then taken back: a
# rebuild). One that certainly does not is merged into the hold untried, and counts only
# towards HOLD_BYTES: a page whose keystrokes queued up while it was let in (a database
# coming back) sends dozens of them before its sync step 2.
HOLD_MESSAGES = 32
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
        hold_seconds: float = 10.0,
        direct: DirectWriter | None = None,
        on_fault: Callable[[], None] | None = None,
    ) -> None:
        self._on_fault = on_fault  # told when it is closed for what its client sent
        self.hold_seconds = hold_seconds
        self.websocket = websocket
        self._direct = direct
        self._in_flight = False  # the sender task is writing a message it took from the outbox
        self.grant = grant
        self._metrics = metrics
        self._queue_limit = queue_limit
        self._outbox: deque[bytes | DocumentUpdate] = deque()
        self._sent_since_beat = False
        self.held: bytes | None = None
        self.held_since = 0.0  # when the current hold began; 0.0 while nothing is held
        self.held_messages = 0
        self._heartbeat: asyncio.TimerHandle | None = None
        self._wakeup = asyncio.Event()
        self._closing: ConnectionClosed | None = None
        self._sender: asyncio.Task[None] | None = None
        self._rate = messages_per_second
        self._burst = float(burst)
        self._allowance = float(burst)
        self._last_message = time.monotonic()
        self.synced = False
        self.client_id: int | None = None  # its Yjs client id in presence, once it set one

    @property
    def closed(self) -> bool:
        return self._closing is not None

    def start(self) -> None:
        self._sender = asyncio.create_task(self._send_loop(), name="board-connection-sender")
        self._heartbeat = asyncio.get_running_loop().call_later(HEARTBEAT_SECONDS, self._beat)

    def send(self, message: bytes | DocumentUpdate) -> None:
        """Write `message` to the socket now if nothing is ahead of it and the socket takes
        it; otherwise queue it for the sender task. Synced or not (a join's first messages
        go before the client is)."""
        frame = message.frame if isinstance(message, DocumentUpdate) else binary_frame(message)
        if Connection.send_to_each((self,), message, frame, None, only_synced=False):
            self._metrics.sent_direct.inc()
            self._metrics.bytes_out.inc(len(frame))

    @staticmethod
    def send_to_each(
        connections: Iterable[Connection],
        message: bytes | DocumentUpdate,
        frame: bytes,
        exclude: Connection | None,
        *,
        only_synced: bool = True,
    ) -> int:
        """`send` to every connection but `exclude` (`frame` is `message` framed), in one
        loop: a broadcast's work for each recipient, without a call for each. Returns how
        many frames were written now; the caller counts those."""
        written = 0
        for connection in connections:
            if (
                connection is exclude
                or (only_synced and not connection.synced)
                or connection._closing is not None
            ):
                continue
            direct = connection._direct
            if (
                direct is not None
                and not connection._outbox
                and not connection._in_flight
                and direct.try_write(frame)
            ):
                connection._sent_since_beat = True
                written += 1
            else:
                connection._enqueue(message)
        return written

    def _enqueue(self, message: bytes | DocumentUpdate) -> None:
        if len(self._outbox) >= self._queue_limit:
            self.close(ConnectionClosed(CloseCode.TOO_SLOW))
            return
        self._outbox.append(message)
        self._metrics.sent_queued.inc()
        self._wakeup.set()

    def _beat(self) -> None:
        """Say nothing, if nothing else was said since the last beat (one timer for the
        connection, not one per message)."""
        if self._closing is not None:
            return
        if not self._sent_since_beat:
            self.send(HEARTBEAT)
        self._sent_since_beat = False
        self._heartbeat = asyncio.get_running_loop().call_later(HEARTBEAT_SECONDS, self._beat)

    def close(self, reason: ConnectionClosed) -> None:
        """Close with `reason`; whatever is still queued is dropped."""
        if self._closing is not None:
            return
        self._closing = reason
        self._metrics.connections_closed.labels(code=str(int(reason.code))).inc()
        if self._on_fault is not None and reason.code in CLIENT_FAULTS:
            self._on_fault()
        self._wakeup.set()

    def hold(self, update: bytes, *, tried: bool) -> None:
        """Keep an update that builds on what this client has not sent yet: right after a
        reconnect, y-websocket sends new keystrokes before its sync step 2, which carries
        what they build on. The next update of this client is merged with it. The hold's
        deadline is set when it begins, and whatever arrives does not move it."""
        if self.held_since == 0.0:
            self.held_since = time.monotonic()
        if tried:
            self.held_messages += 1
        self.held = update

    def take_held(self, update: bytes) -> bytes:
        """`update`, merged with whatever was held back before it."""
        if self.held is None:
            return update
        merged = merge_updates(self.held, update)
        self.held = None
        return merged

    def end_hold(self) -> None:
        """What was held went through (or was refused): the next hold starts afresh."""
        self.held = None
        self.held_since = 0.0
        self.held_messages = 0

    @property
    def held_too_long(self) -> bool:
        return self.held is not None and (
            time.monotonic() - self.held_since >= self.hold_seconds
            or len(self.held) > HOLD_BYTES
            or self.held_messages > HOLD_MESSAGES
        )

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
                await self._wakeup.wait()
                self._wakeup.clear()
                while self._outbox and self._closing is None:
                    message = self._next_message()
                    self._metrics.bytes_out.inc(len(message))
                    self._sent_since_beat = True
                    self._in_flight = True
                    await websocket.send_bytes(message)
                    self._in_flight = False
                if self._closing is not None:
                    self._outbox.clear()
                    if websocket.client_state is WebSocketState.CONNECTED:
                        await websocket.close(self._closing.code, self._closing.reason)
                    return
        except (OSError, RuntimeError, WebSocketDisconnect) as error:
            log.debug("send failed", extra={"error": str(error)})
            self._closing = self._closing or ConnectionClosed(CloseCode.GOING_AWAY)

    def _next_message(self) -> bytes:
        """The next frame to send. Document updates that queued up behind a slow socket go
        out merged into one update: one frame instead of many, the same document after."""
        first = self._outbox.popleft()
        if not isinstance(first, DocumentUpdate):
            return first
        updates = [first.update]
        while self._outbox and isinstance(self._outbox[0], DocumentUpdate):
            updates.append(self._outbox.popleft().update)  # type: ignore[union-attr]
        if len(updates) == 1:
            return first.message
        return protocol.sync_update(merge_updates(*updates))

    async def finish(self) -> None:
        """Let the sender deliver the close frame (for a few seconds at most), then stop it."""
        if self._sender is None:
            return
        if self._closing is None:
            self._closing = ConnectionClosed(CloseCode.NORMAL)
            self._wakeup.set()
        if self._heartbeat is not None:
            self._heartbeat.cancel()
        try:
            await asyncio.wait_for(asyncio.shield(self._sender), _CLOSE_TIMEOUT_SECONDS)
        except TimeoutError:
            self._sender.cancel()
