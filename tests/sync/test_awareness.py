"""Presence between real y-websocket clients: changes go out at once, renewals together."""

from __future__ import annotations

import asyncio

from server.access.roles import Role
from server.sync.presence import RENEWAL_DELAY_SECONDS
from tests.support.node import NodeClients
from tests.support.server import Admin, ServerProcess
from tests.support.waiting import until

OMA = {"user": {"name": "Oma", "color": "#1f77b4"}}


async def clock_of(nodes: NodeClients, name: str, client_id: int) -> int | None:
    clocks = await nodes.call("awareness_clocks", name=name)
    clock = clocks.get(str(client_id))
    return int(clock) if clock is not None else None


async def wait_clock(nodes: NodeClients, name: str, client_id: int, at_least: int) -> None:
    async def seen() -> bool:
        clock = await clock_of(nodes, name, client_id)
        return clock is not None and clock >= at_least

    await until(seen, f"{name} seeing clock {at_least} of {client_id}", seconds=10)


async def test_a_change_goes_out_at_once_and_a_renewal_follows_shortly(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    board = await admin.create_board()
    for name in ("oma", "opa"):
        token = await admin.token(board, Role.PARTICIPANT, name)
        assert await nodes.connect(name, server.ws_url, board, token) == {"synced": True}
    oma = int(await nodes.call("client_id", name="oma"))

    await nodes.call("awareness", name="oma", state=OMA)
    changed = await clock_of(nodes, "oma", oma)
    assert changed is not None
    await wait_clock(nodes, "opa", oma, changed)

    # What y-protocols does every 15 s: the same state again, with the next clock.
    await nodes.call("awareness", name="oma", state=OMA)
    await asyncio.sleep(RENEWAL_DELAY_SECONDS / 4)
    assert await clock_of(nodes, "opa", oma) == changed  # the renewal waits...
    await wait_clock(nodes, "opa", oma, changed + 1)  # ...and then arrives
    states = await nodes.call("awareness", name="opa")
    assert {"id": oma, "state": OMA} in states
    assert await nodes.call("closes", name="oma") == []


async def test_someone_whose_connection_dropped_is_seen_again_when_it_is_back(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    """The server tells Opa that Oma left; Opa's y-websocket sends that back. Oma, back on
    the same page (same client id, same awareness), must be seen again all the same."""
    board = await admin.create_board()
    tokens = {name: await admin.token(board, Role.PARTICIPANT, name) for name in ("oma", "opa")}
    for name, token in tokens.items():
        assert await nodes.connect(name, server.ws_url, board, token) == {"synced": True}
    oma = int(await nodes.call("client_id", name="oma"))
    await nodes.call("awareness", name="oma", state=OMA)
    await wait_clock(nodes, "opa", oma, 1)

    await nodes.call("reconnect", name="oma", url=server.ws_url, board=board, token=tokens["oma"])

    async def opa_saw_her_leave() -> bool:
        return oma in await nodes.call("awareness_removed", name="opa")

    await until(opa_saw_her_leave, "Opa told that Oma left")
    back = {**OMA, "editing": "w-1"}
    for _ in range(2):  # the second change is past the clock of her removal
        await nodes.call("awareness", name="oma", state=back)

    async def opa_sees_her_back() -> bool:
        return {"id": oma, "state": back} in await nodes.call("awareness", name="opa")

    await until(opa_sees_her_back, "Opa seeing Oma again")
