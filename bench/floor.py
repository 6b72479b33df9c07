"""The floor: the reference server's job, and nothing more, on our stack.

A Yjs relay built from the server's own parts (uvicorn with the websockets sans-I/O
protocol, Starlette, pycrdt, `server.sync.protocol` and the once-framed direct writes of
`server.sync.wire`) that does what `@y/websocket-server` does: one document per room in
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

import contextlib
import sys
from typing import Any

import uvicorn
from pycrdt import Doc
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from server.sync import protocol
from server.sync.inbound import BoardSocketProtocol
from server.sync.wire import SCOPE_KEY, CaptureDirectWriter, DirectWriter, binary_frame

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

    async def send_to_others(self, message: bytes, sender: WebSocket) -> None:
        frame = binary_frame(message)
        for member, writer in list(self.members.items()):
            if member is sender:
                continue
            if writer is None or not writer.try_write(frame):
                # a member that is leaving: its own handler takes it out
                with contextlib.suppress(OSError, RuntimeError, WebSocketDisconnect):
                    await member.send_bytes(message)


rooms: dict[str, Room] = {}


async def relay(websocket: WebSocket) -> None:
    await websocket.accept()
    name = websocket.path_params["room"]
    room = rooms.setdefault(name, Room())
    room.members[websocket] = websocket.scope.get(SCOPE_KEY)
    try:
        await websocket.send_bytes(protocol.sync_step1(room.doc.get_state()))
        while True:
            data = await websocket.receive_bytes()
            message = protocol.decode(data)
            if isinstance(message, protocol.SyncStep1):
                missing = room.doc.get_update(message.state_vector)
                await websocket.send_bytes(protocol.sync_step2(missing))
            elif isinstance(message, protocol.SyncUpdate):
                room.doc.apply_update(message.update)
                await room.send_to_others(protocol.sync_update(message.update), websocket)
            elif isinstance(message, protocol.AwarenessUpdate):
                changed = room.newer(message.entries)
                if changed:
                    await room.send_to_others(protocol.awareness(changed), websocket)
    except WebSocketDisconnect:
        pass
    finally:
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
        ws_per_message_deflate=False,
        log_level="warning",
        access_log=False,
        lifespan="off",
    )
    Floor(config).run()


if __name__ == "__main__":
    main(int(sys.argv[1]))
