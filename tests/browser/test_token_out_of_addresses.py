"""A board token reaches the server in a header, never in an address a proxy logs."""

from __future__ import annotations

from tests.support.node import NodeClients
from tests.support.server import Admin, ServerProcess


async def test_a_token_link_page_connects_without_the_token_in_its_websocket_address(
    server: ServerProcess, admin: Admin, browser: NodeClients
) -> None:
    board = await admin.create_board()
    token = await admin.token(board, "facilitator", "Sanne")
    await browser.call("open", name="sanne")
    await browser.call("goto", name="sanne", url=f"{server.http_url}/boards/{board}?token={token}")
    await browser.call("wait", name="sanne", selector=".status.connected")
    sockets = await browser.call("websockets", name="sanne")
    assert sockets and all(f"/ws/boards/{board}" in address for address in sockets)
    assert not any(token in address or "token=" in address for address in sockets), sockets
