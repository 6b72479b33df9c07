"""The seam between a board's connections and their socket: frames, and the small interface
a connection writes and reads through beside ASGI.

A connection always has the ASGI way (Starlette's WebSocket): its outbox and sender task
write through `websocket.send_bytes`, the endpoint reads through `websocket.receive`. A
`DirectWriter`, where there is one, is a shortcut beside it: `try_write` writes a frame now
or declines (and the message goes the ASGI way), `read_with` hands messages to the endpoint
as they are read. The one implementation is the fast path (server/fastpath/), which knows
uvicorn's and websockets' insides; the plain path is no shortcut at all (`None`): every
message goes through Starlette's WebSocket both ways. Which one a server runs is chosen at
start-up (`server.fastpath.socket_io`); nothing here knows uvicorn or websockets.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Protocol

# Where the fast path puts a connection's `DirectWriter` in the ASGI scope.
SCOPE_KEY = "netwerkbord.direct_writer"
_BINARY_FINAL = 0x82  # FIN + opcode 2 (binary)

# Takes one message as it arrives; False if it cannot now (and nothing was done with it).
Reader = Callable[[bytes], bool]


def binary_frame(payload: bytes) -> bytes:
    """A complete, unmasked binary WebSocket frame (RFC 6455 section 5.2)."""
    length = len(payload)
    if length < 126:
        return struct.pack("!BB", _BINARY_FINAL, length) + payload
    if length < 1 << 16:
        return struct.pack("!BBH", _BINARY_FINAL, 126, length) + payload
    return struct.pack("!BBQ", _BINARY_FINAL, 127, length) + payload


class DirectWriter(Protocol):
    """One client's socket, for frames that need no per-client work, and the way its
    messages can reach the endpoint as they are read."""

    def try_write(self, frame: bytes) -> bool:
        """Write `frame` now if that cannot differ from the ASGI way; False, with nothing
        written, if it could."""

    def read_with(self, reader: Reader) -> None:
        """Hand the messages read from now on to `reader` where it can."""

    def stop_reading(self) -> None:
        """Messages go the ASGI way only."""
