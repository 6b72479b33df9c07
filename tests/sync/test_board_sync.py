"""Several real Yjs clients on one board, against the real server over real sockets."""

from __future__ import annotations

import asyncio
import base64

from pycrdt import Doc

from shared_schema import board_schema
from tests.support.node import NodeClients
from tests.support.server import Admin, ServerProcess
from tests.sync.helpers import card


async def test_relatives_edit_one_board_and_converge(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    board = await admin.create_board("Familie Jansen")
    roles = {"sanne": "facilitator", "oma": "participant", "juf": "participant"}
    names = list(roles)
    for name, role in roles.items():
        token = await admin.token(board, role, name)
        assert await nodes.connect(name, server.ws_url, board, token) == {"synced": True}

    await nodes.call("add", name="oma", part="worries", item=card("w1", "Papa drinkt"))
    await nodes.call("add", name="sanne", part="working_well", item=card("g1", "Sport", "strength"))
    await nodes.call("add", name="juf", part="next_steps", item=card("n1", "Afspraak", "goal"))
    for name in names:
        for part in ("worries", "working_well", "next_steps"):
            await nodes.call("wait_length", name=name, part=part, length=1)
    # The writer of a card and the facilitator type in it at the same time.
    await nodes.call("type", name="oma", part="worries", index=0, text=" te veel")
    await nodes.call("type", name="sanne", part="worries", index=0, position=0, text="Soms: ")
    for name in names:
        await nodes.call("wait_text", name=name, part="worries", index=0, includes="te veel")
        await nodes.call("wait_text", name=name, part="worries", index=0, includes="Soms: ")

    boards = [await nodes.call("json", name=name) for name in names]
    assert boards[0] == boards[1] == boards[2]
    assert boards[0]["worries"][0]["text"] == "Soms: Papa drinkt te veel"
    assert boards[0]["meta"]["title"] == "Familie Jansen"
    assert boards[0]["scales"]["safety"]["question"].startswith("Op een schaal van 0 tot 10")

    # The Python side reads the same content from what the client holds.
    doc: Doc = Doc()
    doc.apply_update(base64.b64decode(await nodes.call("state", name="oma")))
    roots = board_schema().roots_of(doc)
    assert roots["worries"].to_py()[0]["text"] == "Soms: Papa drinkt te veel"
    assert roots["working_well"].to_py()[0]["kind"] == "strength"


async def test_twenty_clients_joining_a_new_board_at_once_all_sync(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    board = await admin.create_board()
    tokens = [await admin.token(board, "participant", f"p{i}") for i in range(20)]
    results = await asyncio.gather(
        *(nodes.connect(f"c{i}", server.ws_url, board, token) for i, token in enumerate(tokens))
    )
    assert results == [{"synced": True}] * 20
    await nodes.call("add", name="c7", part="worries", item=card("w", "één"))
    for i in range(20):
        await nodes.call("wait_length", name=f"c{i}", part="worries", length=1)
