"""The floor: the reference server's job, and nothing more, on our stack.

A Yjs relay built from the server's own parts (uvicorn with the server's protocol class,
which reads frames and hands their messages over as they are read, Starlette, pycrdt,
`server.sync.protocol` and the once-framed direct writes of `server.sync.wire`) that does what `@y/websocket-server` does: one document per room in
memory, every update applied to it and sent to the room's other clients, sync answered,
awareness changes passed on (though nobody is announced gone when their connection ends).
No schema, no roles, no storage, no tokens, no audit.

The bench runs it beside both servers with the same clients. Reference against floor is
what the stack costs (Python, uvicorn, websockets, asyncio against Node and `ws`); floor
against Netwerkbord is what our pipeline adds. It accepts anyone and keeps nothing: a
measuring instrument, never to be served.

`python -m bench.floor PORT`
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from functools import partial
from typing import Any

import uvicorn
from pycrdt import Doc
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from server.cli import PING_SECONDS
from server.fastpath.inbound import BoardSocketProtocol
from server.fastpath.writer import CaptureDirectWriter
from server.sync import protocol
from server.sync.wire import SCOPE_KEY, DirectWriter, binary_frame

READY = "floor listening"


class Room:
    def __init__(self) -> None:
        self.doc: Doc[Any] = Doc()
        self.members: dict[WebSocket, DirectWriter | None] = {}
        self.clocks: dict[int, int] = {}  # awareness: the newest clock of each client

    def newer(self, entries: tuple[protocol.AwarenessEntry, ...]) -> list[protocol.AwarenessEntry]:
        """The entries that change something, as y-protocols' Awareness decides: a newer
        clock, or the removal of a known client. y-websocket clients send back every
        awareness message they get; like the reference, only changes are passed on."""
        changed = []
        for entry in entries:
            known = self.clocks.get(entry.client_id)
            removal = entry.state == "null" and known == entry.clock
            if known is None or entry.clock > known or removal:
                self.clocks[entry.client_id] = entry.clock
                changed.append(entry)
        return changed

    def send_to_others(self, message: bytes, sender: WebSocket) -> None:
        frame = binary_frame(message)
        for member, writer in list(self.members.items()):
            if member is not sender and (writer is None or not writer.try_write(frame)):
                # a member that is leaving or slow: through ASGI (perhaps after a later one)
                sending = asyncio.ensure_future(_send_through_asgi(member, message))
                _sending.add(sending)
                sending.add_done_callback(_sending.discard)

    def answer(self, websocket: WebSocket, data: bytes) -> bool:
        """One message, as it is read (or from uvicorn's queue); False, with nothing done,
        for a sync step 1 whose answer the socket does not take at once."""
        message = protocol.decode(data)
        if isinstance(message, protocol.SyncStep1):
            writer = self.members[websocket]
            reply = protocol.sync_step2(self.doc.get_update(message.state_vector))
            return writer is not None and writer.try_write(binary_frame(reply))
        if isinstance(message, protocol.SyncUpdate):
            self.doc.apply_update(message.update)
            self.send_to_others(protocol.sync_update(message.update), websocket)
        elif isinstance(message, protocol.AwarenessUpdate):
            changed = self.newer(message.entries)
            if changed:
                self.send_to_others(protocol.awareness(changed), websocket)
        return True


_sending: set[asyncio.Future[None]] = set()


async def _send_through_asgi(member: WebSocket, message: bytes) -> None:
    with contextlib.suppress(OSError, RuntimeError, WebSocketDisconnect):
        await member.send_bytes(message)


rooms: dict[str, Room] = {}


async def relay(websocket: WebSocket) -> None:
    """Messages are handled as they are read where nothing waits ahead of them, as our
    server handles them (server/fastpath/inbound.py), else as uvicorn queues them."""
    await websocket.accept()
    name = websocket.path_params["room"]
    room = rooms.setdefault(name, Room())
    writer = room.members[websocket] = websocket.scope.get(SCOPE_KEY)
    answer = partial(room.answer, websocket)
    try:
        await websocket.send_bytes(protocol.sync_step1(room.doc.get_state()))
        while True:
            if writer is not None:
                writer.read_with(answer)
            data = await websocket.receive_bytes()
            if writer is not None:
                writer.stop_reading()
            if not answer(data):  # a sync step 1 the socket would not take at once
                message = protocol.decode(data)
                assert isinstance(message, protocol.SyncStep1)
                missing = room.doc.get_update(message.state_vector)
                await websocket.send_bytes(protocol.sync_step2(missing))
    except WebSocketDisconnect:
        pass
    finally:
        if writer is not None:
            writer.stop_reading()
        del room.members[websocket]
        if not room.members:
            del rooms[name]


class Floor(uvicorn.Server):
    async def startup(self, sockets: Any = None) -> None:
        await super().startup(sockets)
        print(READY, flush=True)


def main(port: int) -> None:
    app = CaptureDirectWriter(Starlette(routes=[WebSocketRoute("/{room}", relay)]))
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        ws=BoardSocketProtocol,
        ws_max_size=1024 * 1024,
        ws_ping_interval=PING_SECONDS,
        ws_ping_timeout=PING_SECONDS,
        ws_per_message_deflate=False,
        log_level="warning",
        access_log=False,
        lifespan="off",
    )
    Floor(config).run()


if __name__ == "__main__":
    main(int(sys.argv[1]))
