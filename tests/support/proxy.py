"""A small TCP proxy between a browser and the server, for connections that fail.

The browser's offline switch leaves WebSockets open, so a test that wants a phone to lose
its connection cuts the socket here: `cut()` closes every connection and turns new ones
away, `restore()` lets them through again. `hold_answers()` goes one step further: it keeps
back the server's sync step 2 messages (and whatever follows them on that connection, so
nothing arrives out of order) until `release()`. With it a test can see the server holding
a phone's change while the phone has not yet heard so.

The server does not compress WebSocket messages (server/cli.py), so frames read plainly.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from tests.support.server import free_port

HANDSHAKE_END = b"\r\n\r\n"
UPGRADED = b"HTTP/1.1 101"
SYNC_STEP2 = b"\x00\x01"  # y-protocols: a sync message, step 2


class _Downstream:
    """The server's bytes to one browser connection: passed on, or held back by frame."""

    def __init__(self, proxy: TcpProxy, writer: asyncio.StreamWriter) -> None:
        self._proxy = proxy
        self._writer = writer
        self._buffer = b""
        self._websocket = False
        self._plain = False
        self.held: list[bytes] = []

    def feed(self, data: bytes) -> None:
        if self._plain:
            self._send(data)
            return
        self._buffer += data
        if not self._websocket:
            if not (self._buffer.startswith(UPGRADED) or UPGRADED.startswith(self._buffer)):
                # An ordinary HTTP answer: this connection is passed on as it is.
                self._plain = True
                self._send(self._buffer)
                self._buffer = b""
                return
            end = self._buffer.find(HANDSHAKE_END)
            if end < 0:
                return
            # The WebSocket handshake's answer goes through; frames follow it.
            self._send(self._buffer[: end + 4])
            self._buffer = self._buffer[end + 4 :]
            self._websocket = True
        while (frame := self._next_frame()) is not None:
            raw, opcode, payload = frame
            if self.held or (
                self._proxy.holding and opcode == 2 and payload.startswith(SYNC_STEP2)
            ):
                self.held.append(raw)
            else:
                self._send(raw)

    def _next_frame(self) -> tuple[bytes, int, bytes] | None:
        """The next whole frame in the buffer (raw bytes, opcode, payload), if there is one."""
        buffer = self._buffer
        if len(buffer) < 2:
            return None
        length, at = buffer[1] & 0x7F, 2
        if length == 126:
            if len(buffer) < 4:
                return None
            length, at = int.from_bytes(buffer[2:4], "big"), 4
        elif length == 127:
            if len(buffer) < 10:
                return None
            length, at = int.from_bytes(buffer[2:10], "big"), 10
        if buffer[1] & 0x80:
            at += 4  # a mask (a server never sends one)
        if len(buffer) < at + length:
            return None
        self._buffer = buffer[at + length :]
        return buffer[: at + length], buffer[0] & 0x0F, buffer[at : at + length]

    def release(self) -> None:
        for frame in self.held:
            self._send(frame)
        self.held = []

    def _send(self, data: bytes) -> None:
        if data and not self._writer.is_closing():
            self._writer.write(data)


class TcpProxy:
    def __init__(self, target_port: int, port: int | None = None) -> None:
        self.target_port = target_port
        self.port = port or free_port()
        self.open = True
        self.holding = False
        self._server: asyncio.Server | None = None
        self._links: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()
        self._downstreams: set[_Downstream] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)

    async def stop(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def cut(self) -> None:
        """Every connection through the proxy drops, and new ones are turned away."""
        self.open = False
        for browser, server in list(self._links):
            for writer in (browser, server):
                writer.transport.abort()
        self._links.clear()

    def restore(self) -> None:
        self.open = True

    def hold_answers(self) -> None:
        """From now on keep back the server's sync step 2 messages, and what follows them."""
        self.holding = True

    def release(self) -> None:
        self.holding = False
        for downstream in list(self._downstreams):
            downstream.release()

    @property
    def held(self) -> int:
        return sum(len(d.held) for d in self._downstreams)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.open:
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.transport.abort()
            return
        link = (writer, up_writer)
        self._links.add(link)
        downstream = _Downstream(self, writer)
        self._downstreams.add(downstream)
        try:
            await asyncio.gather(
                self._pipe(reader, up_writer.write), self._pipe(up_reader, downstream.feed)
            )
        finally:
            self._links.discard(link)
            self._downstreams.discard(downstream)
            for one in (writer, up_writer):
                one.transport.abort()

    async def _pipe(self, reader: asyncio.StreamReader, send: object) -> None:
        assert callable(send)
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            while data := await reader.read(65536):
                send(data)


@contextlib.asynccontextmanager
async def proxy_to(target_port: int, port: int | None = None) -> AsyncIterator[TcpProxy]:
    proxy = TcpProxy(target_port, port)
    await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.stop()
