"""A refused update is taken back out of the room's document, and nothing else with it."""

from __future__ import annotations

import pytest
from pycrdt import Array

from server.errors import CloseCode
from server.services import Services
from server.sync import protocol
from server.sync import staging as staging_module
from tests.sync.in_room import Phone, connect, oma_typing, settled, stored_doc, worry_text


async def test_a_refused_deletion_leaves_every_stored_keystroke(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staging_module, "CHECKPOINT_AFTER", 3)  # the board, again and again
    room, oma, phone = await oma_typing(services, "Oma zorgt")
    oom, _ = connect(room, services, "oom")
    for update in phone.sent:
        await room.receive(oma, protocol.sync_update(update))
    await settled(room)

    oom_phone = Phone(room, "p_oom")
    del oom_phone.doc.get("worries", type=Array)[0]
    await room.receive(oom, protocol.sync_update(oom_phone.sent[0]))
    await settled(room)
    assert oom._closing is not None and oom._closing.code is CloseCode.UPDATE_REFUSED
    assert worry_text(room.doc) == "Oma zorgt"

    typed_before = len(phone.sent)
    phone.type(" voor eten")  # what Oma types next builds on all she typed before
    for update in phone.sent[typed_before:]:
        await room.receive(oma, protocol.sync_update(update))
    await settled(room)
    assert not oma.closed
    assert worry_text(room.doc) == worry_text(await stored_doc(services, room.board_id))
    assert worry_text(room.doc) == "Oma zorgt voor eten"
