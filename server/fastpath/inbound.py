"""Reading a board client's frames: the frame a Yjs client nearly always sends is read here,
everything else by websockets, as before; and its message handled at once when it can be.

Almost every frame a y-websocket client sends is a whole binary message in one masked frame
shorter than 64 KiB. websockets reads each through a generator, a stream reader and a frame
object, and uvicorn then walks its list of events: together more of the server's time per
keystroke than anything outside our own pipeline (docs/performance.md). `BoardSocketProtocol`
is uvicorn's websockets protocol with one change: while the connection is open and stands at
a frame boundary, it reads such frames itself. The first frame that is anything else, and all
data after it, goes to websockets: text, control frames (ping, close), fragments, 64-bit
lengths, a frame the network cut short (websockets keeps its head until the rest comes, and
reads on from there), and every frame it refuses (unmasked, reserved bits set, over the size
limit), so errors and close codes stay websockets' own.

A message read here goes to the endpoint's `reader`, if it has set one and nothing waits in
uvicorn's queue: the room handles it before this returns, sparing the queue, the wake-up of
the endpoint's task and its climb back up through a dozen ASGI frames. A reader may decline
(the message would have to wait): that message and every one after it are queued as uvicorn
queues them, until the endpoint has taken them all.

Part of the fast path: used only with the uvicorn and websockets it was tested with
(server/fastpath/__init__.py).
"""

from __future__ import annotations

from uvicorn._types import ASGISendEvent
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import State

from server.sync.wire import Reader

try:
    from websockets.speedups import apply_mask
except ImportError:  # websockets built without its C extension
    from websockets.utils import apply_mask

_BINARY_FINAL = 0x82  # FIN, no reserved bits, opcode 2 (binary)
_MASKED = 0x80
_LENGTH_16 = 126  # a two-byte length follows; 127 (eight bytes) is left to websockets
_MASK_BYTES = 4


class BoardSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's websockets protocol, reading whole binary frames itself, and handing their
    messages to `reader`, while the endpoint has set one, instead of queueing them."""

    reader: Reader | None = None
    # Asked for every frame and every recipient of every broadcast, so kept up to date
    # where they change (`_recheck`), not worked out each time. Both need the connection
    # open, no close frame sent and no extension that would change what a frame means.
    # `at_frame_boundary`: nothing of a frame or a fragmented message held by websockets
    # either, so frames may be read here. `direct_writes`: the transport's buffer not full
    # either, so frames may be written straight to it, as they would be through ASGI
    # (whether the transport is closing is asked separately).
    at_frame_boundary = False
    direct_writes = False
    _write_paused = False
    _close_sent = False

    @property
    def close_sent(self) -> bool:
        return self._close_sent

    @close_sent.setter
    def close_sent(self, sent: bool) -> None:  # uvicorn sets it wherever it sends a close
        self._close_sent = sent
        self._recheck()

    def _recheck(self) -> None:
        conn = getattr(self, "conn", None)  # uvicorn sets `close_sent` before it makes `conn`
        plain = (
            conn is not None
            and conn.state is State.OPEN
            and not conn.extensions
            and not self._close_sent
        )
        self.direct_writes = plain and not self._write_paused
        self.at_frame_boundary = (
            plain and conn is not None and conn.current_size is None and not conn.reader.buffer
        )

    def pause_writing(self) -> None:
        self._write_paused = True
        self._recheck()
        super().pause_writing()

    def resume_writing(self) -> None:
        self._write_paused = False
        self._recheck()
        super().resume_writing()

    async def send(self, message: ASGISendEvent) -> None:
        try:
            await super().send(message)
        finally:
            self._recheck()  # the handshake's answer opens the connection, a close ends it

    def data_received(self, data: bytes) -> None:
        if self.at_frame_boundary:
            taken = self._take_binary_frames(data)
            if taken == len(data):
                return
            data = data[taken:]
        super().data_received(data)
        self._recheck()  # what websockets holds now; a close frame, or one it refused, closes

    def _take_binary_frames(self, data: bytes) -> int:
        """Hand the message of each whole binary frame at the start of `data` to the reader,
        or queue it as uvicorn queues them; returns how many bytes those frames took."""
        limit = self.conn.max_message_size
        queue = self.queue
        offset, end = 0, len(data)
        while end - offset > 1 and data[offset] == _BINARY_FINAL:
            second = data[offset + 1]
            if not second & _MASKED:
                break
            length = second & ~_MASKED
            header = offset + 2
            if length == _LENGTH_16:
                length = int.from_bytes(data[header : header + 2], "big")
                header += 2
            elif length > _LENGTH_16:
                break
            start = header + _MASK_BYTES
            stop = start + length
            if stop > end or (limit is not None and length > limit):
                break
            payload = apply_mask(data[start:stop], data[header:start])
            offset = stop
            reader = self.reader
            if reader is None or not queue.empty() or not reader(payload):
                queue.put_nowait({"type": "websocket.receive", "bytes": payload})
        if not queue.empty() and not self.read_paused:
            self.read_paused = True
            self.transport.pause_reading()
        return offset
