"""Updates go through a room in the order they came, whichever task runs them."""

from __future__ import annotations

import asyncio
from typing import Any

from server.errors import CloseCode
from server.services import Services
from server.sync import protocol
from tests.sync.in_room import oma_typing, settled, stored_doc, worry_text


async def test_a_keystroke_waits_behind_the_lock_the_facilitator_pressed_before_it(
    services: Services,
) -> None:
    """The facilitator's lock is in the room's line, not yet run, when Oma's keystroke is
    read: the keystroke must not go ahead of it, so it meets a locked board."""
    room, oma, phone = await oma_typing(services, "O")
    await room.receive(oma, protocol.sync_update(phone.sent[0]))  # her card
    await settled(room)

    def lock(roots: dict[str, Any]) -> None:
        roots["meta"]["locked"] = True

    locking = asyncio.create_task(room.change_as_server(lock))
    await asyncio.sleep(0)  # the lock is put in line; the room has not taken it yet
    await room.receive(oma, protocol.sync_update(phone.sent[1]))
    await locking
    await settled(room)
    assert oma._closing is not None and oma._closing.code is CloseCode.UPDATE_REFUSED
    assert "paused" in oma._closing.reason
    assert worry_text(await stored_doc(services, room.board_id)) == ""
