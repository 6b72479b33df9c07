"""Frames from a client's socket, however the network cuts them and whatever comes between
them, arrive whole and in order; what websockets refuses it still refuses
(server/fastpath/inbound.py reads the common frames itself and leaves the rest to websockets)."""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from pycrdt import Array, Doc, Map, Text
from uvicorn.server import ServerState
from websockets.asyncio.client import connect
from websockets.client import ClientProtocol
from websockets.frames import Close, Frame, Opcode
from websockets.protocol import State
from websockets.uri import parse_uri

from server.access.roles import Role
from server.fastpath.inbound import BoardSocketProtocol
from server.fastpath.writer import SocketWriter
from server.sync import protocol
from tests.conftest import print_log_if_failed
from tests.support.node import NodeClients
from tests.support.server import Admin, ServerProcess, running_server
from tests.sync.helpers import card

LIMIT = 2000
START = "Zorg: "


@pytest.fixture
async def server(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[ServerProcess]:
    async with running_server(
        tmp_path / "data", max_message_bytes=str(LIMIT), fast_path="on"  # its reader, tested
    ) as process:
        yield process
    print_log_if_failed(request, process)


class RawClient:
    """A board connection whose bytes the test writes itself: cut anywhere, control frames
    between them, frames websockets' own client would never send."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, parser: ClientProtocol
    ) -> None:
        self._reader = reader
        self._writer = writer
        self._parser = parser  # reads the server's side

    @classmethod
    @contextlib.asynccontextmanager
    async def open(cls, url: str) -> AsyncIterator[RawClient]:
        uri = parse_uri(url)
        parser = ClientProtocol(uri)
        reader, writer = await asyncio.open_connection(uri.host, uri.port)
        writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        parser.send_request(parser.connect())
        writer.write(b"".join(parser.data_to_send()))
        while parser.state is State.CONNECTING:
            parser.receive_data(await asyncio.wait_for(reader.read(65536), 10))
        assert parser.state is State.OPEN, parser.handshake_exc
        try:
            yield cls(reader, writer, parser)
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def write(self, data: bytes, chunks: Iterable[int] | None = None) -> None:
        """Write `data` at once, or in pieces of the sizes `chunks` gives, a moment apart
        so that each reaches the server as a read of its own."""
        if chunks is None:
            self._writer.write(data)
            await self._writer.drain()
            return
        offset = 0
        for size in chunks:
            self._writer.write(data[offset : offset + size])
            await self._writer.drain()
            await asyncio.sleep(0.001)
            offset += size
        assert offset >= len(data)

    async def frames(self) -> AsyncIterator[Frame]:
        """The server's frames as they come, until it closes the connection."""
        while True:
            for event in self._parser.events_received():
                if isinstance(event, Frame):
                    yield event
            data = await asyncio.wait_for(self._reader.read(65536), 10)
            if not data:
                return
            self._parser.receive_data(data)

    async def close_code(self) -> int | None:
        async for _ in self.frames():
            pass
        return None if self._parser.close_rcvd is None else self._parser.close_rcvd.code


def frame(payload: bytes, opcode: Opcode = Opcode.BINARY, *, fin: bool = True) -> bytes:
    return Frame(opcode, payload, fin).serialize(mask=True, extensions=[])


def typing(author: str, typed: str) -> list[bytes]:
    """The updates of a card being added and then `typed` into it, a character at a time."""
    doc: Doc[object] = Doc()
    updates: list[bytes] = []
    doc.observe(lambda event: updates.append(event.update))
    worries = doc.get("worries", type=Array)
    worries.append(Map({**card("w", START, author=author), "text": Text(START)}))
    text = worries[0]["text"]
    for character in typed:
        text.insert(len(text), character)
    return updates


async def facilitator_and_beamer(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> tuple[str, str, str]:
    """A new board with the beamer watching; the facilitator's url and participant id."""
    board = await admin.create_board()
    beamer = await admin.token(board, Role.VIEWER, "Beamer")
    assert await nodes.connect("beamer", server.ws_url, board, beamer) == {"synced": True}
    token = await admin.token(board, Role.FACILITATOR, "Sanne")
    author = admin.signer.verify(token, board).participant_id
    return board, f"{server.ws_url}/{board}?token={token}", author


async def wait_for_text(nodes: NodeClients, text: str) -> None:
    await nodes.call("wait_text", name="beamer", part="worries", index=0, includes=text)


async def stored_in_order(admin: Admin, board: str, sent: list[bytes]) -> None:
    """Every update was stored as sent, one by one and in order (none held back and
    merged with a later one, as an update arriving before what it builds on would be)."""
    mine: list[bytes] = []
    for _ in range(100):
        saved = await admin.store.load(board)
        mine = [update for update in saved.updates if update in set(sent)]
        if len(mine) >= len(sent):
            break
        await asyncio.sleep(0.1)  # the server folds its journal into the database
    assert mine == sent


CUTS = {
    "all at once": lambda size: None,
    "byte by byte": lambda size: [1] * size,
    "anywhere": lambda size: (random.Random(20261124).randint(1, 40) for _ in range(size)),
}


@pytest.mark.parametrize("cut", list(CUTS))
async def test_frames_arrive_whole_and_in_order_however_the_network_cuts_them(
    server: ServerProcess, admin: Admin, nodes: NodeClients, cut: str
) -> None:
    board, url, author = await facilitator_and_beamer(server, admin, nodes)
    typed = "de kinderen alleen thuis"[: 8 if cut == "byte by byte" else None]
    updates = typing(author, typed)
    stream = b"".join(frame(protocol.sync_update(update)) for update in updates)
    async with RawClient.open(url) as client:
        await client.write(stream, CUTS[cut](len(stream)))
        await wait_for_text(nodes, START + typed)
    await stored_in_order(admin, board, updates)


async def test_keystrokes_typed_while_others_join_are_stored_in_order(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    """Keystrokes come while others join, each of whom the room's worker writes into the
    board: read at once or queued behind a busy room, they are stored in order.
    (Which way each goes depends on timing; the last test here makes the reader decline.)"""
    board, url, author = await facilitator_and_beamer(server, admin, nodes)
    typed = "de kinderen alleen thuis, en niemand wist het"
    updates = typing(author, typed)
    stream = b"".join(frame(protocol.sync_update(update)) for update in updates)
    others = [await admin.token(board, Role.PARTICIPANT, f"Familie {n}") for n in range(6)]
    async with contextlib.AsyncExitStack() as joined, RawClient.open(url) as client:
        cuts = random.Random(7)
        offset = 0
        for token in others:
            piece = cuts.randint(20, 120)
            await client.write(stream[offset : offset + piece])
            await joined.enter_async_context(connect(f"{server.ws_url}/{board}?token={token}"))
            offset += piece
        await client.write(stream[offset:])
        await wait_for_text(nodes, START + typed)
    await stored_in_order(admin, board, updates)
    assert len((await nodes.call("json", name="beamer"))["participants"]) == 7


async def test_pings_and_fragments_between_frames_are_answered_and_kept_in_order(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    board, url, author = await facilitator_and_beamer(server, admin, nodes)
    updates = typing(author, "vader")
    messages = [protocol.sync_update(update) for update in updates]
    fragmented = messages[3]
    stream = b"".join(
        [
            frame(messages[0]),
            frame(messages[1]),
            frame(b"hoi", Opcode.PING),
            frame(messages[2]),
            frame(fragmented[:4], fin=False),
            frame(fragmented[4:], Opcode.CONT),
            frame(messages[4]),
            frame(messages[5]),
        ]
    )
    pong = None
    async with RawClient.open(url) as client:
        await client.write(stream)
        async for received in client.frames():
            if received.opcode is Opcode.PONG:
                pong = received.data
                break
    assert pong == b"hoi"
    await wait_for_text(nodes, START + "vader")
    await stored_in_order(admin, board, updates)


def unmasked(payload: bytes) -> bytes:
    return Frame(Opcode.BINARY, payload).serialize(mask=False, extensions=[])


def reserved_bit(payload: bytes) -> bytes:
    data = bytearray(frame(payload))
    data[0] |= 0x40  # RSV1: only an extension may set it, and none was agreed
    return bytes(data)


REFUSED = {
    "unmasked": (unmasked, 1002),
    "a reserved bit": (reserved_bit, 1002),
    "longer than the limit": (lambda payload: frame(payload + bytes(LIMIT)), 1009),
}


@pytest.mark.parametrize("what", list(REFUSED))
async def test_what_websockets_refuses_is_still_refused_after_good_frames(
    server: ServerProcess, admin: Admin, nodes: NodeClients, what: str
) -> None:
    board, url, author = await facilitator_and_beamer(server, admin, nodes)
    updates = typing(author, "ok")
    bad, code = REFUSED[what]
    good = b"".join(frame(protocol.sync_update(update)) for update in updates)
    async with RawClient.open(url) as client:
        await client.write(good)
        await wait_for_text(nodes, START + "ok")
        await client.write(bad(protocol.sync_update(b"\x00\x00")))
        assert await client.close_code() == code
    await stored_in_order(admin, board, updates)


class _Transport(asyncio.Transport):
    """The socket under the protocol, in memory: what the protocol writes, and whether it
    stopped reading."""

    def __init__(self) -> None:
        super().__init__()
        self.written = bytearray()
        self.reading = True

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written += data

    def is_closing(self) -> bool:
        return False

    def pause_reading(self) -> None:
        self.reading = False

    def resume_reading(self) -> None:
        self.reading = True

    def close(self) -> None:
        pass

    def get_extra_info(self, name: str, default: object = None) -> object:
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 8000)}.get(
            name, default
        )


async def test_a_message_the_reader_declines_and_all_after_it_wait_in_the_queue() -> None:
    """The reader takes messages only while nothing waits in uvicorn's queue: once it
    declines one, that one and every later one queue behind it, in order."""

    protocol, transport, _ = await _accepted()
    read: list[bytes] = []

    def reader(message: bytes) -> bool:
        if message == b"2":
            return False
        read.append(message)
        return True

    def queued() -> list[bytes]:
        messages = []
        while not protocol.queue.empty():
            messages.append(protocol.queue.get_nowait()["bytes"])  # type: ignore[typeddict-item]
        return messages

    protocol.reader = reader
    protocol.data_received(frame(b"1") + frame(b"2") + frame(b"3"))
    protocol.data_received(frame(b"4"))
    assert read == [b"1"]
    assert not transport.reading  # as uvicorn does while its queue holds a message
    assert queued() == [b"2", b"3", b"4"]
    protocol.data_received(frame(b"5"))
    assert read == [b"1", b"5"]
    assert queued() == []
    _stop(protocol)


async def _accepted(
    then: Callable[[Any], Awaitable[None]] | None = None,
) -> tuple[BoardSocketProtocol, _Transport, Callable[[], None]]:
    """A protocol on an in-memory transport, its handshake done by an app that then runs
    `then(send)` when told to (the third thing returned)."""
    accepted, told = asyncio.Event(), asyncio.Event()

    async def app(scope: object, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "websocket.accept"})
        accepted.set()
        await told.wait()
        if then is not None:
            await then(send)
        await asyncio.Event().wait()

    config = uvicorn.Config(app, lifespan="off")
    config.load()
    protocol = BoardSocketProtocol(config, ServerState(), {})
    transport = _Transport()
    protocol.connection_made(transport)
    assert not SocketWriter(protocol).try_write(b"too early")  # no handshake yet
    client = ClientProtocol(parse_uri("ws://127.0.0.1:8000/ws/boards/b"))
    client.send_request(client.connect())
    protocol.data_received(b"".join(client.data_to_send()))
    await asyncio.wait_for(accepted.wait(), 5)
    return protocol, transport, told.set


def _stop(protocol: BoardSocketProtocol) -> None:
    for task in protocol.tasks:
        task.cancel()


async def test_frames_go_straight_to_the_socket_only_while_the_connection_is_open() -> None:
    protocol, transport, _ = await _accepted()
    writer = SocketWriter(protocol)
    assert writer.try_write(b"one")
    assert transport.written.endswith(b"one")
    protocol.pause_writing()  # the socket's buffer is full: the sender task waits instead
    assert not writer.try_write(b"two")
    protocol.resume_writing()
    assert writer.try_write(b"three")
    protocol.data_received(frame(Close(1000, "bye").serialize(), Opcode.CLOSE))  # the client closes
    assert not writer.try_write(b"four")
    assert not transport.written.endswith(b"four")
    _stop(protocol)


async def test_no_frame_goes_straight_to_the_socket_after_the_server_closed_it() -> None:
    async def close(send: Any) -> None:
        await send({"type": "websocket.close", "code": 4000})

    protocol, transport, go = await _accepted(close)
    writer = SocketWriter(protocol)
    assert writer.try_write(b"before")
    go()
    for _ in range(100):
        if protocol.close_sent:
            break
        await asyncio.sleep(0.01)
    assert protocol.close_sent
    assert not writer.try_write(b"after")
    assert not transport.written.endswith(b"after")
    _stop(protocol)


async def test_no_frame_goes_straight_to_the_socket_once_a_ping_went_unanswered() -> None:
    protocol, transport, _ = await _accepted()
    writer = SocketWriter(protocol)
    protocol.keepalive_timeout()  # what uvicorn does when the pong does not come in time
    assert not writer.try_write(b"after")
    assert not transport.written.endswith(b"after")
    _stop(protocol)
