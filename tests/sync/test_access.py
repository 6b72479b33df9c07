"""Who may connect to a board, and what a viewer may do."""

from __future__ import annotations

import time

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from server.access.roles import Role
from server.access.tokens import BoardGrant
from server.errors import CloseCode
from tests.support.node import NodeClients
from tests.support.server import Admin, ServerProcess
from tests.sync.helpers import card, health


async def test_viewer_cannot_change_the_board(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    board = await admin.create_board()
    projector = await admin.token(board, Role.VIEWER, "Beamer")
    relative = await admin.token(board, Role.PARTICIPANT, "Tante Ria")
    assert await nodes.connect("projector", server.ws_url, board, projector) == {"synced": True}
    assert await nodes.connect("ria", server.ws_url, board, relative) == {"synced": True}

    await nodes.call("add", name="projector", part="worries", item=card("v1", "stiekem"))
    closed = await nodes.call("wait_closed", name="projector")
    assert closed["code"] == CloseCode.UPDATE_REFUSED
    assert "watch" in closed["reason"]

    # The relative's edit goes through; the viewer's never reached anyone.
    await nodes.call(
        "add", name="ria", part="working_well", item=card("g1", "Oma helpt", "strength")
    )
    watcher = await admin.token(board, Role.VIEWER, "Beamer 2")
    assert await nodes.connect("late", server.ws_url, board, watcher) == {"synced": True}
    await nodes.call("wait_length", name="late", part="working_well", length=1)
    for name in ("ria", "late"):
        assert (await nodes.call("json", name=name))["worries"] == []


async def test_viewer_stays_connected_while_only_watching(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    board = await admin.create_board()
    projector = await admin.token(board, Role.VIEWER, "Beamer")
    writer = await admin.token(board, Role.FACILITATOR, "Sanne (jeugdbescherming)")
    assert await nodes.connect("projector", server.ws_url, board, projector) == {"synced": True}
    assert await nodes.connect("sanne", server.ws_url, board, writer) == {"synced": True}
    await nodes.call("add", name="sanne", part="worries", item=card("w1", "Ruzie thuis"))
    await nodes.call("wait_length", name="projector", part="worries", length=1)
    assert await nodes.call("closes", name="projector") == []


async def test_a_token_for_one_board_is_refused_on_another(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    board_a = await admin.create_board("Familie A")
    board_b = await admin.create_board("Familie B")
    token_a = await admin.token(board_a, Role.FACILITATOR, "Sanne")
    result = await nodes.connect("intruder", server.ws_url, board_b, token_a)
    assert result["closed"]["code"] == CloseCode.BAD_TOKEN
    assert (await health(server.http_url))["open_rooms"] == 0
    # Tokens never reach the log, though the server logs every connection.
    await server.wait_for_log(f'"board": "{board_b}"')
    assert not any(token_a in line for line in server.log_lines)


@pytest.mark.parametrize("kind", ["expired", "forged", "missing", "garbage"])
async def test_bad_tokens_are_refused_without_opening_the_board(
    server: ServerProcess, admin: Admin, nodes: NodeClients, kind: str
) -> None:
    board = await admin.create_board()
    good = await admin.token(board, Role.FACILITATOR, "Sanne")
    token = {
        "expired": admin.signer.issue(
            BoardGrant(board, Role.FACILITATOR, "p1", "Sanne", int(time.time()) - 1)
        ),
        "forged": good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB"),
        "missing": "",
        "garbage": "not-a-token",
    }[kind]
    result = await nodes.connect("someone", server.ws_url, board, token)
    assert result["closed"]["code"] == CloseCode.BAD_TOKEN
    assert "not valid" in result["closed"]["reason"]
    assert (await health(server.http_url))["open_rooms"] == 0


async def test_a_board_that_does_not_exist_is_named_as_such(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    grant = BoardGrant("no-such-board", Role.FACILITATOR, "p1", "Sanne", int(time.time()) + 60)
    result = await nodes.connect("x", server.ws_url, "no-such-board", admin.signer.issue(grant))
    assert result["closed"]["code"] == CloseCode.BOARD_NOT_FOUND


async def test_a_page_from_another_site_may_not_connect(
    server: ServerProcess, admin: Admin
) -> None:
    board = await admin.create_board()
    token = await admin.token(board, Role.FACILITATOR, "Sanne")
    url = f"{server.ws_url}/{board}?token={token}"
    async with connect(url, origin="https://evil.example") as socket:  # type: ignore[arg-type]
        with pytest.raises(ConnectionClosed) as closed:
            await socket.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == CloseCode.ORIGIN_NOT_ALLOWED
    # Our own origin is fine.
    async with connect(url, origin=server.http_url) as socket:  # type: ignore[arg-type]
        assert (await socket.recv())[:2] == b"\x00\x00"  # the server's sync step 1


async def test_an_old_copy_of_a_restored_board_is_told_to_reset(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    board = await admin.create_board()
    token = await admin.token(board, Role.PARTICIPANT, "Opa")
    result = await nodes.connect("opa", server.ws_url, board, token, params={"epoch": "old"})
    assert result["closed"]["code"] == CloseCode.EPOCH_MISMATCH
