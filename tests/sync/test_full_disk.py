"""A disk that will not take an update: its sender is told, nobody sees what was not
stored, and nothing is lost once the sender's page reconnects."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pycrdt import Array, Doc, Map, Text

from server.access.roles import Role
from server.access.tokens import BoardGrant
from server.boards import create_board
from server.errors import CloseCode
from server.services import Services, build_services
from server.settings import Settings
from server.store import journal as journal_module
from server.sync import protocol
from server.sync.connection import Connection
from server.sync.room import Room
from tests.support.waiting import until


class Socket:
    """Stands in for a client's socket: keeps every frame it is sent."""

    def __init__(self) -> None:
        self.frames: list[bytes] = []

    def ready(self) -> bool:
        return True

    def write(self, frame: bytes) -> None:
        self.frames.append(frame)


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    started = build_services(Settings.from_env().with_overrides(data_dir=tmp_path))
    await started.store.open()
    yield started
    await started.rooms.close_all()
    await started.store.close()


def connect(room: Room, services: Services, name: str) -> tuple[Connection, Socket]:
    socket = Socket()
    grant = BoardGrant(room.board_id, Role.PARTICIPANT, f"p_{name}", name, 2**40)
    connection = Connection(
        None,  # type: ignore[arg-type]  # every frame goes to the socket above
        grant,
        services.metrics,
        queue_limit=100,
        messages_per_second=1000,
        burst=1000,
        direct=socket,  # type: ignore[arg-type]
    )
    connection.synced = True
    room.members.add(connection)
    return connection, socket


def card_text(room: Room) -> str:
    return str(room.doc.get("worries", type=Array)[0]["text"])


def full_disk_after_the_next_write(data_dir: Path) -> None:
    """The journal file the store opens after its next write is a disk with no room left."""
    newest = sorted(data_dir.glob("netwerkbord.sqlite3.updates-*"))[-1]
    name, generation = newest.name.rsplit("-", 1)
    newest.with_name(f"{name}-{int(generation) + 1:06d}").symlink_to("/dev/full")


async def settled(room: Room) -> None:
    await room.change_as_server(lambda roots: None)  # in line behind everything sent before


async def test_an_update_the_disk_refuses_reaches_no_one_and_comes_back_after_reconnecting(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(journal_module, "ROTATE_BYTES", 1)  # a new file after every write
    board = await create_board(services.store, "Familie Jansen", "nl")
    room = await services.rooms.acquire(board)
    oma, _ = connect(room, services, "oma")
    _, beamer = connect(room, services, "beamer")
    page: Doc[Any] = Doc()  # what Oma's phone holds
    page.apply_update(room.doc.get_update())
    sent: list[bytes] = []
    page.observe(lambda event: sent.append(event.update))
    worries = page.get("worries", type=Array)
    worries.append(Map({"id": "c1", "text": Text(""), "kind": "harm", "author": "p_oma",
                        "created": "2026-11-23T10:00:00Z"}))
    text = worries[0]["text"]
    for letter in "Oma":
        text += letter

    await room.receive(oma, protocol.sync_update(sent[0]))  # the card
    await settled(room)
    full_disk_after_the_next_write(tmp_path)
    await room.receive(oma, protocol.sync_update(sent[1]))  # "O": stored, then the disk is full
    await settled(room)
    seen_by_beamer = len(beamer.frames)
    await room.receive(oma, protocol.sync_update(sent[2]))  # "m": the disk refuses it

    async def oma_disconnected() -> bool:
        return oma.closed

    await until(oma_disconnected, "Oma's connection closed")
    assert oma._closing is not None
    assert oma._closing.code is CloseCode.INTERNAL_ERROR
    assert len(beamer.frames) == seen_by_beamer
    assert card_text(room) == "O"

    # y-websocket reconnects and sends what the server lacks: the "m", and the "a" typed since.
    oma_again, _ = connect(room, services, "oma")
    await room.receive(oma_again, protocol.sync_step2(page.get_update(room.doc.get_state())))
    await settled(room)
    assert not oma_again.closed
    assert card_text(room) == "Oma"
    saved: Doc[Any] = Doc()
    state = await services.store.load(board.id)
    for update in ([state.snapshot] if state.snapshot else []) + list(state.updates):
        saved.apply_update(update)
    assert str(saved.get("worries", type=Array)[0]["text"]) == "Oma"
