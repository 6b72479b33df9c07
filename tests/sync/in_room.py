"""A room driven in-process: connections whose frames land in a list, not on a network."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from pycrdt import Array, Doc, Map, Text

from server.access.roles import Role
from server.access.tokens import BoardGrant
from server.boards import create_board
from server.services import Services, build_services
from server.settings import Settings
from server.sync import protocol
from server.sync.connection import Connection
from server.sync.room import Room


@contextlib.asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[Services]:
    """The server's services with their store open; rooms and store closed after."""
    started = build_services(settings)
    await started.store.open()
    yield started
    await started.rooms.close_all()
    await started.store.close()


class Socket:
    """Stands in for a client's socket: keeps every frame it is sent."""

    def __init__(self) -> None:
        self.frames: list[bytes] = []

    def try_write(self, frame: bytes) -> bool:
        self.frames.append(frame)
        return True

    def messages(self) -> list[protocol.Message]:
        """The frames' payloads, decoded (the server's frames are unmasked and whole)."""
        decoded = []
        for frame in self.frames:
            length = frame[1] & 0x7F
            start = 2 if length < 126 else 4 if length == 126 else 10
            decoded.append(protocol.decode(frame[start:]))
        return decoded


def connect(
    room: Room,
    services: Services,
    name: str,
    *,
    synced: bool = True,
    role: Role = Role.PARTICIPANT,
) -> tuple[Connection, Socket]:
    """A participant's (or `role`'s) connection in `room`; `synced` as if its sync step 1
    were answered."""
    socket = Socket()
    grant = BoardGrant(room.board_id, role, f"p_{name}", name, 2**40)
    connection = Connection(
        None,  # type: ignore[arg-type]  # every frame goes to the socket above
        grant,
        services.metrics,
        queue_limit=100,
        messages_per_second=1000,
        burst=1000,
        direct=socket,  # type: ignore[arg-type]
    )
    connection.synced = synced
    room.members.add(connection)
    return connection, socket


class Phone:
    """What a participant's page holds: a copy of the board, and the updates it made."""

    def __init__(self, room: Room, participant: str) -> None:
        self.participant = participant
        self.doc: Doc[Any] = Doc()
        self.doc.apply_update(room.doc.get_update())
        self.sent: list[bytes] = []
        self.doc.observe(lambda event: self.sent.append(event.update))

    def add_worry(self) -> None:
        worry = Map(
            {
                "id": "c1",
                "text": Text(""),
                "kind": "harm",
                "author": self.participant,
                "created": "2026-11-23T10:00:00Z",
            }
        )
        self.doc.get("worries", type=Array).append(worry)

    def type(self, letters: str) -> None:
        text = self.doc.get("worries", type=Array)[0]["text"]
        for letter in letters:
            text += letter


async def oma_typing(services: Services, letters: str) -> tuple[Room, Connection, Phone]:
    """A new board's room with Oma connected, and her phone after adding a worry card and
    typing `letters` in it: `phone.sent` holds the card's update, then one per letter, none
    of them sent yet."""
    board = await create_board(services.store, "Familie Jansen", "nl")
    room = await services.rooms.acquire(board)
    oma, _ = connect(room, services, "oma")
    phone = Phone(room, "p_oma")
    phone.add_worry()
    phone.type(letters)
    return room, oma, phone


def worry_text(doc: Doc[Any]) -> str:
    return str(doc.get("worries", type=Array)[0]["text"])


async def stored_doc(services: Services, board_id: str) -> Doc[Any]:
    """The board as the store has it."""
    doc: Doc[Any] = Doc()
    for update in (await services.store.load(board_id)).in_order:
        doc.apply_update(update)
    return doc


async def settled(room: Room) -> None:
    await room.change_as_server(lambda roots: None)  # in line behind everything sent before


async def occupied(room: Room) -> asyncio.Task[None]:
    """Give the room's worker something to do (a server change that changes nothing), so
    that the updates received next queue up behind it and are judged as one batch, as under
    load. Await the task it returns, then `settled(room)`. The one yield here hands the
    worker its task; no time passes."""
    task = asyncio.create_task(settled(room))
    await asyncio.sleep(0)
    return task
