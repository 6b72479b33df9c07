"""Frames written straight to a client's socket: a broadcast is framed once, not per client.

Through ASGI, every recipient of an update costs a pass through Starlette's and uvicorn's
send coroutines, a wake-up of that client's sender task, and websockets building the same
frame again. A server's frames are not masked, so one binary frame serves every client in
the room; under uvicorn's websockets protocol the socket is at hand to write it to.

This reaches one level below ASGI, on purpose, behind server/fastpath/ only. `SocketWriter.of`
returns None for any protocol but the server's own (`BoardSocketProtocol`: uvicorn's
websockets protocol with a faster reader), and `try_write` writes nothing whenever the
direct way could differ from the ASGI way (the socket is closing, a close frame went out, an
extension such as compression was negotiated, the socket's buffer is full); the connection
then queues the message and its sender task sends it through ASGI as before.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from server.fastpath.inbound import BoardSocketProtocol
from server.sync.wire import SCOPE_KEY, Reader


class SocketWriter:
    """The fast path's `server.sync.wire.DirectWriter`: one client's socket under
    `BoardSocketProtocol`."""

    __slots__ = ("_protocol",)

    def __init__(self, protocol: BoardSocketProtocol) -> None:
        self._protocol = protocol

    @classmethod
    def of(cls, send: Send) -> SocketWriter | None:
        protocol = getattr(send, "__self__", None)
        if not isinstance(protocol, BoardSocketProtocol):
            return None
        return cls(protocol)

    def try_write(self, frame: bytes) -> bool:
        """Write `frame` now if the direct way cannot differ from the ASGI way; False, with
        nothing written, if it could."""
        protocol = self._protocol
        if protocol.direct_writes and not protocol.transport.is_closing():
            protocol.transport.write(frame)
            return True
        return False

    def read_with(self, reader: Reader) -> None:
        """Hand the messages read from now on to `reader` where it can."""
        self._protocol.reader = reader

    def stop_reading(self) -> None:
        """Messages go the ASGI way only."""
        self._protocol.reader = None


class CaptureDirectWriter:
    """ASGI middleware, outermost: keeps the server's own `send` for the WebSocket endpoint
    (the middleware and Starlette in between wrap it beyond recognition)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            scope[SCOPE_KEY] = SocketWriter.of(send)
        await self.app(scope, receive, send)
