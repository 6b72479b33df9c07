"""What the wall shows (meta.wall) is the facilitator's to choose, and only from the list."""

from __future__ import annotations

from server.access.roles import Role
from server.errors import CloseCode
from tests.support.node import NodeClients
from tests.support.server import Admin, ServerProcess
from tests.support.waiting import until


async def meeting(server: ServerProcess, admin: Admin, nodes: NodeClients) -> None:
    board = await admin.create_board("Familie Visser")
    people = {"sanne": Role.FACILITATOR, "oma": Role.PARTICIPANT, "beamer": Role.VIEWER}
    for name, role in people.items():
        token = await admin.token(board, role, name)
        assert await nodes.connect(name, server.ws_url, board, token) == {"synced": True}


async def refused(nodes: NodeClients, name: str) -> str:
    closed = await nodes.call("wait_closed", name=name)
    assert closed["code"] == CloseCode.UPDATE_REFUSED
    return str(closed["reason"])


async def wall_of(nodes: NodeClients, name: str) -> object:
    return (await nodes.call("json", name=name))["meta"].get("wall")


async def test_only_the_facilitator_chooses_what_the_wall_shows(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    await meeting(server, admin, nodes)
    await nodes.call("set", name="sanne", map="meta", key="wall", value="scales")

    async def on_the_beamer() -> bool:
        return await wall_of(nodes, "beamer") == "scales"

    await until(on_the_beamer, "the beamer shows the facilitator's choice")
    await nodes.call("set", name="oma", map="meta", key="wall", value="plan")
    assert "settings" in await refused(nodes, "oma")
    await nodes.call("set", name="beamer", map="meta", key="wall", value="plan")
    assert "watch" in await refused(nodes, "beamer")
    assert await wall_of(nodes, "sanne") == "scales"
    assert await nodes.call("closes", name="sanne") == []


async def test_the_wall_shows_only_parts_of_the_board(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    await meeting(server, admin, nodes)
    await nodes.call("set", name="sanne", map="meta", key="wall", value="the family's secrets")
    assert await refused(nodes, "sanne")
