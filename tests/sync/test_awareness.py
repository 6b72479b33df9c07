"""Presence between real y-websocket clients: changes go out at once, renewals together."""

from __future__ import annotations

import base64
from typing import Any

from pycrdt import Array, Doc, Map, Text
from websockets.asyncio.client import connect

from server.access.roles import Role
from server.errors import CloseCode
from server.sync import protocol
from server.sync.identity import color_for
from tests.support.node import NodeClients
from tests.support.server import Admin, ServerProcess
from tests.support.waiting import until
from tests.sync.helpers import card

OMA = {"user": {"name": "Oma", "color": "#1f77b4"}}


def as_granted(participant_id: str, name: str, role: Role = Role.PARTICIPANT) -> dict[str, Any]:
    """A presence state as the others see it: the person as their grant says."""
    user = {"id": participant_id, "name": name, "role": role.value}
    return {"user": {**user, "color": color_for(participant_id)}}


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
    # A renewal relayed at once would reach Opa before a card Oma adds after it: the card
    # goes through the room and the store first, on the same connection to Opa.
    await nodes.call("awareness", name="oma", state=OMA)
    await nodes.call("add", name="oma", part="worries", item=card("c1", "Ruzie"))
    await nodes.call("wait_length", name="opa", part="worries", length=1)
    assert await clock_of(nodes, "opa", oma) == changed  # the renewal waits...
    await wait_clock(nodes, "opa", oma, changed + 1)  # ...and then arrives
    states = await nodes.call("awareness", name="opa")
    oma_id = await nodes.call("me", name="oma")
    assert {"id": oma, "state": as_granted(oma_id, "oma")} in states
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
    shown = {**as_granted(await nodes.call("me", name="oma"), "oma"), "editing": "w-1"}

    async def opa_sees_her_back() -> bool:
        return {"id": oma, "state": shown} in await nodes.call("awareness", name="opa")

    await until(opa_sees_her_back, "Opa seeing Oma again")


async def present(nodes: NodeClients, name: str) -> dict[int, Any]:
    return {int(s["id"]): s["state"] for s in await nodes.call("awareness", name=name)}


async def test_presence_names_people_as_their_grant_does(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    """Oma's page says she is Sanne, the facilitator, in Sanne's colour: the others see
    Oma, a participant, in her own colour. What she is editing still goes through."""
    board = await admin.create_board()
    for name, role in (("sanne", Role.FACILITATOR), ("oma", Role.PARTICIPANT)):
        token = await admin.token(board, role, name)
        assert await nodes.connect(name, server.ws_url, board, token) == {"synced": True}
    sanne = await nodes.call("me", name="sanne")
    oma = await nodes.call("me", name="oma")
    lie = {"user": {"id": sanne, "name": "Sanne (gespreksleider)", "role": "facilitator",
                    "color": color_for(sanne)}, "editing": "w1", "bulk": "x" * 1000}  # fmt: skip
    await nodes.call("awareness", name="oma", state=lie)
    oma_client = int(await nodes.call("client_id", name="oma"))
    shown = {**as_granted(oma, "oma"), "editing": "w1"}

    async def sanne_sees_oma() -> bool:
        return (await present(nodes, "sanne")).get(oma_client) == shown

    await until(sanne_sees_oma, "Sanne seeing Oma as Oma")


async def test_someone_away_for_a_moment_keeps_their_client_id(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    """While Sanne's phone is off the network, Oma claims Sanne's client id in presence (a
    higher clock, Sanne's name). Sanne comes back on the same page: she is seen, as
    herself, and Oma's claim never was."""
    board = await admin.create_board()
    for name, role in (("sanne", Role.FACILITATOR), ("oma", Role.PARTICIPANT),
                       ("opa", Role.PARTICIPANT)):  # fmt: skip
        token = await admin.token(board, role, name)
        assert await nodes.connect(name, server.ws_url, board, token) == {"synced": True}
    sanne = await nodes.call("me", name="sanne")
    sanne_client = int(await nodes.call("client_id", name="sanne"))
    oma_client = int(await nodes.call("client_id", name="oma"))
    await nodes.call("awareness", name="sanne", state={"editing": "w1"})
    await wait_clock(nodes, "opa", sanne_client, 1)
    await nodes.call("pause", name="sanne")

    async def opa_saw_her_leave() -> bool:
        return sanne_client in await nodes.call("awareness_removed", name="opa")

    await until(opa_saw_her_leave, "Opa told that Sanne left")
    fake = {"user": {"name": "Sanne (gespreksleider)", "role": "facilitator"}}
    await nodes.call("send_awareness", name="oma", entries=[
        {"client": sanne_client, "clock": 1000, "state": fake},
        {"client": oma_client, "clock": 1000, "state": {"editing": "w2"}},
    ])  # fmt: skip
    await wait_clock(nodes, "opa", oma_client, 1000)  # the message was read
    assert sanne_client not in await present(nodes, "opa")
    await nodes.call("resume", name="sanne")
    await nodes.call("awareness", name="sanne", state={"editing": "w3"})
    sanne_shown = {**as_granted(sanne, "sanne", Role.FACILITATOR), "editing": "w3"}

    async def opa_sees_sanne() -> bool:
        return (await present(nodes, "opa")).get(sanne_client) == sanne_shown

    await until(opa_sees_sanne, "Opa seeing Sanne again, as herself")


async def test_nobody_writes_under_another_persons_client_id(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    """Oma sends a card written under Sanne's Yjs client id, at the clock Sanne will use
    next: refused, so Sanne's next change is not taken for one already known."""
    board = await admin.create_board()
    sanne_token = await admin.token(board, Role.FACILITATOR, "sanne")
    oma_token = await admin.token(board, Role.PARTICIPANT, "oma")
    for name, token in (
        ("sanne", sanne_token),
        ("beamer", await admin.token(board, "viewer", "b")),
    ):
        assert await nodes.connect(name, server.ws_url, board, token) == {"synced": True}
    await nodes.call("add", name="sanne", part="worries", item=card("w1", "Van Sanne"))
    await nodes.call("wait_length", name="beamer", part="worries", length=1)
    sanne_client = int(await nodes.call("client_id", name="sanne"))
    oma = admin.signer.verify(oma_token, board).participant_id
    forged: Doc[object] = Doc(client_id=sanne_client)
    forged.apply_update(base64.b64decode(await nodes.call("state", name="beamer")))
    known = forged.get_state()
    worries = forged.get("worries", type=Array)
    worries.append(Map({**card("w2", "Van Oma", author=oma), "text": Text("Van Oma")}))
    update = forged.get_update(known)
    async with connect(f"{server.ws_url}/{board}?token={oma_token}") as socket:
        await socket.send(protocol.sync_update(update))
        await socket.wait_closed()
        assert socket.close_code == CloseCode.UPDATE_REFUSED
    await nodes.call("add", name="sanne", part="worries", item=card("w3", "Nog een"))
    await nodes.call("wait_length", name="beamer", part="worries", length=2)
    assert await nodes.call("texts", name="beamer", part="worries") == ["Van Sanne", "Nog een"]
