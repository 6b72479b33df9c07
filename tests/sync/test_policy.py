"""What a participant may do: add, rate, propose; edit and remove only their own work."""

from __future__ import annotations

from server.access.roles import Role
from server.errors import CloseCode
from tests.support.node import NodeClients
from tests.support.server import Admin, ServerProcess
from tests.support.waiting import until
from tests.sync.helpers import card


async def meeting(server: ServerProcess, admin: Admin, nodes: NodeClients) -> str:
    """A board with Sanne facilitating, Oma and Oom taking part and the projector watching."""
    board = await admin.create_board("Familie Visser")
    people = {
        "sanne": Role.FACILITATOR,
        "oma": Role.PARTICIPANT,
        "oom": Role.PARTICIPANT,
        "beamer": Role.VIEWER,
    }
    for name, role in people.items():
        token = await admin.token(board, role, name)
        assert await nodes.connect(name, server.ws_url, board, token) == {"synced": True}
    return board


async def settle(nodes: NodeClients, part: str, length: int) -> None:
    """Wait until the projector shows `length` items in `part`: everything before is done."""
    await nodes.call("wait_length", name="beamer", part=part, length=length)


async def refused(nodes: NodeClients, name: str) -> str:
    closed = await nodes.call("wait_closed", name=name)
    assert closed["code"] == CloseCode.UPDATE_REFUSED
    return str(closed["reason"])


async def test_a_participant_adds_edits_and_removes_their_own_card(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    await meeting(server, admin, nodes)
    await nodes.call("add", name="oma", part="working_well", item=card("g1", "Ik kook", "strength"))
    await nodes.call("type", name="oma", part="working_well", index=0, text=" elke dag")
    await nodes.call("wait_text", name="beamer", part="working_well", index=0, includes="elke dag")
    await nodes.call("remove", name="oma", part="working_well", index=0)
    await settle(nodes, "working_well", 0)
    assert await nodes.call("closes", name="oma") == []


async def test_a_participant_cannot_delete_another_persons_card(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    await meeting(server, admin, nodes)
    await nodes.call("add", name="oom", part="worries", item=card("w1", "Ruzie"))
    await nodes.call("wait_length", name="oma", part="worries", length=1)
    await nodes.call("remove", name="oma", part="worries", index=0)
    assert "only what you wrote" in await refused(nodes, "oma")
    await nodes.call("add", name="oom", part="worries", item=card("w2", "Geldzorgen"))
    for name in ("sanne", "oom", "beamer"):
        await nodes.call("wait_length", name=name, part="worries", length=2)
        texts = await nodes.call("texts", name=name, part="worries")
        assert texts == ["Ruzie", "Geldzorgen"]


async def test_a_participant_cannot_change_the_title_or_lock(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    await meeting(server, admin, nodes)
    await nodes.call("set", name="oma", map="meta", key="title", value="Iets anders")
    assert "settings" in await refused(nodes, "oma")
    await nodes.call("set", name="oom", map="meta", key="locked", value=True)
    assert "settings" in await refused(nodes, "oom")
    await nodes.call("add", name="sanne", part="worries", item=card("w", "Zorg"))
    await settle(nodes, "worries", 1)
    meta = (await nodes.call("json", name="beamer"))["meta"]
    assert meta["title"] == "Familie Visser"
    assert meta["locked"] is False


async def test_a_participant_cannot_edit_another_persons_card(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    await meeting(server, admin, nodes)
    await nodes.call("add", name="oom", part="worries", item=card("w1", "Ruzie"))
    await nodes.call("wait_length", name="oma", part="worries", length=1)
    await nodes.call("type", name="oma", part="worries", index=0, text=" (niet waar)")
    assert "only what you wrote" in await refused(nodes, "oma")
    await nodes.call("set_field", name="oom", part="worries", index=0, key="kind", value="danger")
    await nodes.call("set_field", name="oom", part="worries", index=0, key="author", value="x")
    assert "cannot be changed" in await refused(nodes, "oom")
    assert (await nodes.call("json", name="beamer"))["worries"][0]["author"] != "x"


async def test_a_card_the_facilitator_hands_over_belongs_to_its_new_author(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    await meeting(server, admin, nodes)
    await nodes.call("add", name="oom", part="worries", item=card("w1", "Ruzie"))
    await nodes.call("wait_length", name="sanne", part="worries", length=1)
    oma = await nodes.call("me", name="oma")
    await nodes.call("set_field", name="sanne", part="worries", index=0, key="author", value=oma)
    await nodes.call("wait_text", name="oma", part="worries", index=0, includes="Ruzie")
    await nodes.call("type", name="oma", part="worries", index=0, text=" thuis")
    await nodes.call("wait_text", name="beamer", part="worries", index=0, includes="thuis")
    await nodes.call("type", name="oom", part="worries", index=0, text=" (niet waar)")
    assert "only what you wrote" in await refused(nodes, "oom")
    assert await nodes.call("closes", name="oma") == []


async def test_whose_card_is_judged_where_it_stands_after_the_update(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    """One update adds a card at the top and types in a card below it: the card typed in is
    found at its new place, so Oma may type in hers and not in Oom's."""
    await meeting(server, admin, nodes)
    await nodes.call("add", name="oom", part="worries", item=card("w1", "Ruzie"))
    await nodes.call("wait_length", name="oma", part="worries", length=1)
    await nodes.call("add", name="oma", part="worries", item=card("w2", "Geldzorgen"))
    await nodes.call("wait_length", name="beamer", part="worries", length=2)
    await nodes.call(
        "add_first_and_type",
        name="oma",
        part="worries",
        item=card("w3", "Slapen"),
        index=2,
        text=" en huur",
    )
    await nodes.call("wait_text", name="beamer", part="worries", index=2, includes="en huur")
    assert await nodes.call("closes", name="oma") == []
    await nodes.call(
        "add_first_and_type",
        name="oma",
        part="worries",
        item=card("w4", "Eten"),
        index=2,
        text=" (niet waar)",
    )
    assert "only what you wrote" in await refused(nodes, "oma")
    texts = await nodes.call("texts", name="beamer", part="worries")
    assert texts == ["Slapen", "Ruzie", "Geldzorgen en huur"]


async def test_a_participant_cannot_write_in_someone_elses_name(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    await meeting(server, admin, nodes)
    await nodes.call("add", name="oma", part="worries", item=card("w1", "Zorg", author="sanne"))
    assert "your own name" in await refused(nodes, "oma")


async def test_each_person_gives_only_their_own_rating(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    await meeting(server, admin, nodes)
    await nodes.call("rate", name="oma", value=6)
    await nodes.call("rate", name="oom", value=3)
    oma = await nodes.call("me", name="oma")
    oom = await nodes.call("me", name="oom")
    await nodes.call("add", name="sanne", part="worries", item=card("w", "Zorg"))
    await settle(nodes, "worries", 1)
    ratings = (await nodes.call("json", name="beamer"))["scales"]["safety"]["ratings"]
    assert ratings == {oma: 6, oom: 3}
    await nodes.call("rate", name="oma", participant=oom, value=10)
    assert "own rating" in await refused(nodes, "oma")


async def test_participants_propose_rules_and_the_facilitator_agrees_them(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    await meeting(server, admin, nodes)
    rule = {
        "id": "r1",
        "rule": "Oma haalt Max op van school",
        "who": "Oma",
        "when": "ma-vr",
        "check": "Juf belt bij afwezigheid",
        "if_broken": "Oom springt bij",
        "status": "proposed",
        "author": "$me",
        "created": "2026-11-23T10:00:00Z",
    }
    await nodes.call("add", name="oma", part="plan", item=rule)
    await nodes.call("wait_length", name="sanne", part="plan", length=1)
    await nodes.call("set_field", name="sanne", part="plan", index=0, key="status", value="agreed")
    await nodes.call("add", name="oom", part="plan", item={**rule, "id": "r2", "status": "agreed"})
    assert "propose" in await refused(nodes, "oom")
    await nodes.call("set_field", name="oma", part="plan", index=0, key="status", value="agreed")
    assert "propose" in await refused(nodes, "oma")  # not her own rule either

    async def the_beamer_shows_it_agreed() -> bool:
        plan = (await nodes.call("json", name="beamer"))["plan"]
        return [r["status"] for r in plan] == ["agreed"]

    await until(the_beamer_shows_it_agreed, "the beamer showing the one rule agreed")


async def test_a_locked_board_takes_changes_only_from_the_facilitator(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    await meeting(server, admin, nodes)
    await nodes.call("set", name="sanne", map="meta", key="locked", value=True)
    await nodes.call("add", name="sanne", part="worries", item=card("w", "Zorg"))
    await settle(nodes, "worries", 1)
    await nodes.call("add", name="oma", part="worries", item=card("w2", "Ook"))
    assert "paused" in await refused(nodes, "oma")


async def test_a_closed_board_takes_no_changes_from_anyone(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    await meeting(server, admin, nodes)
    await nodes.call("add", name="oma", part="worries", item=card("w", "Zorg"))
    await settle(nodes, "worries", 1)
    await nodes.call("set", name="sanne", map="meta", key="status", value="closed")
    await nodes.call("add", name="sanne", part="worries", item=card("w2", "Te laat"))
    assert "ended" in await refused(nodes, "sanne")
