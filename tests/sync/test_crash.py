"""Killing the server mid-meeting loses nothing that anyone saw."""

from __future__ import annotations

import base64

from pycrdt import Doc

from server.access.roles import Role
from shared_schema import board_schema
from tests.support.node import NodeClients
from tests.support.server import Admin, ServerProcess
from tests.sync.helpers import card

WRITERS = ("moeder", "opa", "buurvrouw")


async def test_sigkill_during_an_edit_storm_loses_no_update_any_client_received(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    board = await admin.create_board()
    for name in WRITERS:
        token = await admin.token(board, Role.PARTICIPANT, name)
        assert await nodes.connect(name, server.ws_url, board, token) == {"synced": True}
    for index, name in enumerate(WRITERS):
        await nodes.call("add", name=name, part="worries", item=card(f"c{index}", f"{name}: "))
    for name in WRITERS:
        await nodes.call("wait_length", name=name, part="worries", length=len(WRITERS))
    # Card i belongs to writer i; everyone types into their own card at once.
    cards = {name: (await nodes.call("texts", name=name, part="worries")) for name in WRITERS}
    own = {
        name: next(i for i, t in enumerate(cards[name]) if t.startswith(name)) for name in WRITERS
    }
    for name in WRITERS:
        await nodes.call(
            "storm",
            name=name,
            part="worries",
            index=own[name],
            count=2000,
            interval=15,
            char=name[0],
        )
    await nodes.call("wait_text_length", name="opa", part="worries", index=own["moeder"], length=60)
    for name in WRITERS:
        assert await nodes.call("closes", name=name) == []

    await server.kill()

    seen = {}
    for name in WRITERS:
        await nodes.call("stop_storm", name=name)
        seen[name] = await nodes.call("texts", name=name, part="worries")
        await nodes.call("disconnect", name=name)

    await server.start()
    auditor = await admin.token(board, Role.VIEWER, "Controle")
    assert await nodes.connect("check", server.ws_url, board, auditor) == {"synced": True}
    reloaded = await nodes.call("texts", name="check", part="worries")

    for viewer in WRITERS:
        for writer in WRITERS:
            if writer == viewer:
                continue  # a client's own unacknowledged edits are its to resend
            index = own[writer]
            received = seen[viewer][index]
            assert reloaded[index].startswith(received), (
                f"{viewer} saw {len(received)} characters of {writer}'s card, "
                f"the reloaded board has {len(reloaded[index])}"
            )
    assert sum(len(text) for text in reloaded) > 150


async def test_the_board_reloads_the_same_after_a_clean_restart_and_compaction(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    board = await admin.create_board()
    token = await admin.token(board, Role.FACILITATOR, "Sanne")
    watcher = await admin.token(board, Role.VIEWER, "Beamer")
    assert await nodes.connect("sanne", server.ws_url, board, token) == {"synced": True}
    assert await nodes.connect("beamer", server.ws_url, board, watcher) == {"synced": True}
    await nodes.call("add", name="sanne", part="worries", item=card("w", "Zorg: "))
    await nodes.call("storm", name="sanne", part="worries", index=0, count=300, interval=12)
    # What the projector shows has been through the server, so it is stored.
    await nodes.call("wait_text_length", name="beamer", part="worries", index=0, length=306)
    before = await nodes.call("json", name="beamer")
    for name in ("sanne", "beamer"):
        await nodes.call("disconnect", name=name)
    await server.stop()  # closing rooms compacts their logs

    assert await admin.store.log_length(board) == 0, "\n".join(server.log_lines[-8:])
    state = await admin.store.load(board)
    assert state.snapshot is not None
    doc: Doc[object] = Doc()
    doc.apply_update(state.snapshot)
    assert (
        board_schema().roots_of(doc)["worries"].to_py()[0]["text"] == before["worries"][0]["text"]
    )

    await server.start()
    assert await nodes.connect("again", server.ws_url, board, token) == {"synced": True}
    after = await nodes.call("json", name="again")
    assert after["worries"] == before["worries"]
    assert base64.b64decode(await nodes.call("state", name="again"))
