"""One participant cannot make the server work for nothing: a hold ends at its deadline, a
token refused again and again waits, one token opens only so many connections, and the audit
log summarises repeated refusals."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pycrdt import Array, Doc, Map, Text
from websockets.asyncio.client import ClientConnection, connect

from server.access.roles import Role
from server.audit import Audit
from server.errors import CloseCode
from server.sync import protocol
from server.sync.turnstile import Limits
from tests.support.server import Admin, ServerProcess, running_server
from tests.sync.helpers import card

HOLD_SECONDS = 0.5
FREE = Limits().refusals_before_backoff
PER_TOKEN = Limits().connections_per_token


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[ServerProcess]:
    async with running_server(tmp_path / "data", hold_seconds=str(HOLD_SECONDS)) as process:
        yield process


async def closed_with(socket: ClientConnection) -> int:
    await socket.wait_closed()
    assert socket.close_code is not None
    return socket.close_code


def keystrokes_on_a_card_the_board_never_got(author: str, count: int) -> list[bytes]:
    """Updates that each build on a card never sent: held, every one of them."""
    doc: Doc[object] = Doc()
    worries = doc.get("worries", type=Array)
    worries.append(Map({**card("w", "Nooit verstuurd", author=author), "text": Text("x")}))
    updates = []
    for _ in range(count):
        known = doc.get_state()
        text = worries[0]["text"]
        text.insert(len(text), "y")
        updates.append(doc.get_update(known))
    return updates


async def test_a_held_update_is_refused_at_its_deadline_whatever_arrives(
    server: ServerProcess, admin: Admin
) -> None:
    """Oma keeps sending keystrokes on a card the board never got, each before the hold
    would end: the hold ends at its deadline all the same (its messages stay under the
    count that would end it sooner)."""
    board = await admin.create_board()
    token = await admin.token(board, Role.PARTICIPANT, "oma")
    oma = admin.signer.verify(token, board).participant_id
    pace = HOLD_SECONDS / 4
    messages = keystrokes_on_a_card_the_board_never_got(oma, 24)  # 6 deadlines' worth
    sent = 0
    async with connect(f"{server.ws_url}/{board}?token={token}") as socket:
        for message in messages:
            try:
                await socket.send(protocol.sync_update(message))
            except Exception:  # closed: what this test waits for
                break
            sent += 1
            await asyncio.sleep(pace)  # the hostile client's pace, not a wait for the server
        assert sent < len(messages), "still held after six deadlines"
        assert await asyncio.wait_for(closed_with(socket), 5) == CloseCode.UPDATE_REFUSED
    await server.wait_for_log("builds on changes the board does not have")


async def refused_once(url: str) -> int:
    """Connect, try to rename the board (a participant may not), return the close code."""
    doc: Doc[object] = Doc()
    doc.get("meta", type=Map)["title"] = "Anders"
    async with connect(url) as socket:
        with contextlib.suppress(Exception):  # already closed, if backing off
            await socket.send(protocol.sync_update(doc.get_update()))
        return await asyncio.wait_for(closed_with(socket), 5)


async def test_a_token_refused_again_and_again_waits_before_it_may_connect(
    server: ServerProcess, admin: Admin
) -> None:
    """Oma's raw client reconnects and is refused as fast as it can: after a few refusals
    her token is kept at the door until its wait is over and turned away (4529), before the
    board is opened for it; Opa, on his own token, carries on. The audit log has one entry
    for her first refusal, and the rest counted in one more."""
    board = await admin.create_board()
    token = await admin.token(board, Role.PARTICIPANT, "oma")
    url = f"{server.ws_url}/{board}?token={token}"
    codes = [await refused_once(url) for _ in range(FREE + 2)]
    assert codes[:FREE] == [CloseCode.UPDATE_REFUSED] * FREE
    # kept waiting at the door until the wait is over, then let in, and refused again
    assert codes[FREE:] == [CloseCode.BACKING_OFF, CloseCode.UPDATE_REFUSED]
    opa = await admin.token(board, Role.PARTICIPANT, "opa")
    assert await refused_once(f"{server.ws_url}/{board}?token={opa}") == CloseCode.UPDATE_REFUSED

    await server.stop()  # closing the room writes what was counted
    entries = [e for e in await Audit(admin.store).for_board(board) if e.event == "update_refused"]
    oma = [e for e in entries if e.actor_name == "oma"]
    assert len(oma) == 2
    assert sorted(e.detail.get("repeated", 0) for e in oma) == [0, FREE]


async def test_one_token_opens_only_so_many_connections(
    server: ServerProcess, admin: Admin
) -> None:
    board = await admin.create_board()
    token = await admin.token(board, Role.PARTICIPANT, "oma")
    url = f"{server.ws_url}/{board}?token={token}"
    sockets = [await connect(url) for _ in range(PER_TOKEN)]
    for socket in sockets:
        message = await socket.recv()  # the server's sync step 1: admitted
        assert isinstance(message, bytes)
    async with connect(url) as extra:
        assert await asyncio.wait_for(closed_with(extra), 5) == CloseCode.TOO_MANY_CONNECTIONS
    await sockets.pop().close()
    await server.wait_for_log('"left"')
    async with connect(url) as again:
        assert isinstance(await again.recv(), bytes)
    for socket in sockets:
        await socket.close()
