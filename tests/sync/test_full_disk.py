"""A disk that will not take an update: its sender is told, nobody sees what was not
stored, and nothing is lost once the sender's page reconnects."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.errors import CloseCode
from server.services import Services
from server.store import journal as journal_module
from server.sync import protocol
from tests.support.waiting import until
from tests.sync.in_room import connect, oma_typing, settled, stored_doc, worry_text


def full_disk_after_the_next_write(data_dir: Path) -> None:
    """The journal file the store opens after its next write is a disk with no room left."""
    newest = sorted(data_dir.glob("netwerkbord.sqlite3.updates-*"))[-1]
    name, generation = newest.name.rsplit("-", 1)
    newest.with_name(f"{name}-{int(generation) + 1:06d}").symlink_to("/dev/full")


async def test_an_update_the_disk_refuses_reaches_no_one_and_comes_back_after_reconnecting(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(journal_module, "ROTATE_BYTES", 1)  # a new file after every write
    room, oma, phone = await oma_typing(services, "Oma")
    _, beamer = connect(room, services, "beamer")
    sent = phone.sent

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
    assert worry_text(room.doc) == "O"

    # y-websocket reconnects and sends what the server lacks: the "m", and the "a" typed since.
    oma_again, _ = connect(room, services, "oma")
    await room.receive(oma_again, protocol.sync_step2(phone.doc.get_update(room.doc.get_state())))
    await settled(room)
    assert not oma_again.closed
    assert worry_text(room.doc) == "Oma"
    assert worry_text(await stored_doc(services, room.board_id)) == "Oma"
