"""Bad input closes the connection that sent it, with a reason; the meeting carries on."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pycrdt import Array, Doc, Map, Text
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from server.access.roles import Role
from server.errors import CloseCode
from server.sync import protocol
from shared_schema import board_schema
from tests.support.node import NodeClients
from tests.support.server import Admin, ServerProcess, running_server
from tests.sync.helpers import card, health

LIMIT = 64 * 1024
KNOWN_CODES = {int(code) for code in CloseCode}


@pytest.fixture
async def server(tmp_path: Path, fast_path: dict[str, str]) -> AsyncIterator[ServerProcess]:
    limits = {"messages_per_second": "50", "message_burst": "100", **fast_path}
    # One token sends every kind of garbage here, each on a new connection: no backoff
    # (tests/sync/test_hostile.py shows it).
    limits |= {"refusals_before_backoff": "1000", "address_refusals_before_backoff": "1000"}
    async with running_server(
        tmp_path / "data", hold_seconds="0.5", max_message_bytes=str(LIMIT), **limits
    ) as process:
        yield process


async def close_code_after(url: str, *messages: bytes | str) -> int:
    """Send `messages` on a fresh raw socket and return the code the server closed with."""
    async with connect(url, max_size=None) as socket:
        try:
            for message in messages:
                await socket.send(message)
            while True:
                await asyncio.wait_for(socket.recv(), 10)
        except ConnectionClosed as closed:
            assert closed.rcvd is not None, "the server closed without a code"
            return closed.rcvd.code
    raise AssertionError("unreachable")


async def test_garbage_from_one_connection_does_not_disturb_the_meeting(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    board = await admin.create_board()
    url = f"{server.ws_url}/{board}?token={await admin.token(board, Role.PARTICIPANT, 'X')}"
    # Two facilitators, so both may type into one card.
    for name in ("moeder", "vader"):
        token = await admin.token(board, Role.FACILITATOR, name)
        assert await nodes.connect(name, server.ws_url, board, token) == {"synced": True}
    await nodes.call("add", name="moeder", part="worries", item=card("w1", "Zorgen: "))
    await nodes.call("wait_length", name="vader", part="worries", length=1)
    await nodes.call("storm", name="moeder", part="worries", index=0, count=400, interval=20)
    await nodes.call(
        "storm", name="vader", part="worries", index=0, count=400, interval=20, char="v"
    )

    step1 = protocol.sync_step1(b"\x00")
    cases: dict[str, tuple[list[bytes | str], set[int]]] = {
        "text frame": (["hello"], {CloseCode.MALFORMED_MESSAGE}),
        "unknown message type": ([b"\x07\x00"], {CloseCode.MALFORMED_MESSAGE}),
        "truncated sync step 1": ([step1[:-1]], {CloseCode.MALFORMED_MESSAGE}),
        "trailing bytes": ([step1 + b"\x00"], {CloseCode.MALFORMED_MESSAGE}),
        "huge length": ([b"\x00\x02\xff\xff\xff\xff\x0f"], {CloseCode.MALFORMED_MESSAGE}),
        "endless number": ([b"\x00" + b"\xff" * 20], {CloseCode.MALFORMED_MESSAGE}),
        "update that is not an update": (
            [protocol.sync_update(b"\x05\x99\x01\x02garbage")],
            {CloseCode.MALFORMED_MESSAGE},
        ),
        "awareness that is not JSON": (
            [b"\x01\x06\x01\x01\x01\x02{x"],
            {CloseCode.MALFORMED_MESSAGE},
        ),
        "oversized": ([b"\x00\x02" + b"\x00" * (LIMIT + 1)], {CloseCode.MESSAGE_TOO_BIG}),
        "flood": ([step1] * 400, {CloseCode.TOO_MANY_MESSAGES}),
    }
    for name, (messages, expected) in cases.items():
        code = await close_code_after(url, *messages)
        assert code in expected, f"{name}: closed with {code}"

    fuzz = random.Random(20261123)
    for _ in range(60):
        message = fuzz.randbytes(fuzz.randint(1, 200))
        if fuzz.random() < 0.5:
            message = bytes([fuzz.choice([0, 1])]) + message
        code = await close_code_after(url, message, step1)
        assert code in KNOWN_CODES

    for name in ("moeder", "vader"):
        await nodes.call("stop_storm", name=name)
    await nodes.call("type", name="moeder", part="worries", index=0, text="[einde]")
    await nodes.call("wait_text", name="vader", part="worries", index=0, includes="[einde]")
    moeder = await nodes.call("json", name="moeder")
    await nodes.call(
        "wait_text",
        name="moeder",
        part="worries",
        index=0,
        includes=(await nodes.call("json", name="vader"))["worries"][0]["text"][-30:],
    )
    assert moeder["worries"][0]["text"].count("v") > 0
    assert await nodes.call("closes", name="moeder") == []
    assert await nodes.call("closes", name="vader") == []
    assert (await health(server.http_url))["status"] == "ok"


def _update(build: object) -> bytes:
    doc: Doc[object] = Doc()
    captured: list[bytes] = []
    doc.observe(lambda event: captured.append(event.update))
    assert callable(build)
    build(doc)
    return captured[0]


SCHEMA_BREAKERS = {
    "an unknown part of the board": lambda doc: doc.get("secrets", type=Map).update({"a": 1}),
    "a card without its text": lambda doc: doc.get("worries", type=Array).append(
        Map({"id": "x", "kind": "harm", "author": "p", "created": "2026-11-23T10:00:00Z"})
    ),
    "a card text that is not shared text": lambda doc: doc.get("worries", type=Array).append(
        Map({**card("x", "plain", author="p1"), "text": "plain"})
    ),
    "a worry of a kind that does not exist": lambda doc: doc.get("worries", type=Array).append(
        Map({**card("x", "t", kind="strength", author="p1"), "text": Text("t")})
    ),
}


@pytest.mark.parametrize("breaker", list(SCHEMA_BREAKERS), ids=list(SCHEMA_BREAKERS))
async def test_an_update_that_breaks_the_schema_is_refused(
    server: ServerProcess, admin: Admin, nodes: NodeClients, breaker: str
) -> None:
    board = await admin.create_board()
    token = await admin.token(board, Role.FACILITATOR, "Sanne")
    assert await nodes.connect("sanne", server.ws_url, board, token) == {"synced": True}
    url = f"{server.ws_url}/{board}?token={token}"
    update = _update(SCHEMA_BREAKERS[breaker])
    assert await close_code_after(url, protocol.sync_update(update)) == CloseCode.UPDATE_REFUSED
    await nodes.call("add", name="sanne", part="worries", item=card("ok", "Nog steeds goed"))
    late = await admin.token(board, Role.VIEWER, "Beamer")
    assert await nodes.connect("late", server.ws_url, board, late) == {"synced": True}
    await nodes.call("wait_length", name="late", part="worries", length=1)
    board_now = await nodes.call("json", name="late")
    assert board_now["meta"]["status"] == "open"
    assert [c["id"] for c in board_now["worries"]] == ["ok"]


@pytest.mark.parametrize(
    ("what", "operation"),
    [
        ("an unknown status", {"op": "set", "map": "meta", "key": "status", "value": "gone"}),
        ("a rating above 10", {"op": "rate", "participant": "p1", "value": 11}),
        ("an empty title", {"op": "set", "map": "meta", "key": "title", "value": ""}),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
async def test_a_synced_client_breaking_the_schema_is_refused_and_the_board_unchanged(
    server: ServerProcess,
    admin: Admin,
    nodes: NodeClients,
    what: str,
    operation: dict[str, object],
) -> None:
    board = await admin.create_board("Familie Bakker")
    roles = {"sanne": Role.FACILITATOR, "oma": Role.PARTICIPANT, "beamer": Role.VIEWER}
    for name, role in roles.items():
        token = await admin.token(board, role, name)
        assert await nodes.connect(name, server.ws_url, board, token) == {"synced": True}
    await nodes.call(name="sanne", **operation)  # type: ignore[arg-type]
    closed = await nodes.call("wait_closed", name="sanne")
    assert closed["code"] == CloseCode.UPDATE_REFUSED, what
    assert "Not a valid board" in closed["reason"]
    # The room handles updates in order: once oma's later card arrives, the refused one
    # would have arrived before it, had it been let through.
    await nodes.call("add", name="oma", part="working_well", item=card("g", "Ik help", "strength"))
    await nodes.call("wait_length", name="beamer", part="working_well", length=1)
    seen = await nodes.call("json", name="beamer")
    assert seen["meta"]["status"] == "open"
    assert seen["meta"]["title"] == "Familie Bakker"
    assert seen["scales"]["safety"]["ratings"] == {}


async def oma_and_the_beamer(server: ServerProcess, admin: Admin, nodes: NodeClients) -> str:
    """A new board: Oma, a participant, writes; the beamer, a viewer, shows what was kept."""
    board = await admin.create_board()
    for name, role in {"oma": Role.PARTICIPANT, "beamer": Role.VIEWER}.items():
        token = await admin.token(board, role, name)
        assert await nodes.connect(name, server.ws_url, board, token) == {"synced": True}
    return board


async def test_typing_past_the_length_of_a_card_is_refused_and_the_text_kept(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    await oma_and_the_beamer(server, admin, nodes)
    limit = board_schema().text_limit("worries", "text")
    assert limit is not None
    full = "x" * (limit - 1) + "y"
    await nodes.call("add", name="oma", part="worries", item=card("w", full[:-1]))
    await nodes.call("type", name="oma", part="worries", index=0, text="y")  # up to the limit
    await nodes.call("wait_text_length", name="beamer", part="worries", index=0, length=limit)
    await nodes.call("type", name="oma", part="worries", index=0, text="z")  # one past it
    closed = await nodes.call("wait_closed", name="oma")
    assert closed["code"] == CloseCode.UPDATE_REFUSED
    assert "worries[0].text" in closed["reason"]
    assert (await nodes.call("json", name="beamer"))["worries"][0]["text"] == full


@pytest.mark.parametrize(
    ("op", "arguments"),
    [
        ("format", {"position": 0, "length": 4, "attributes": {"bold": True}}),
        ("insert_formatted", {"text": "!", "attributes": {"note": "x" * 50_000}}),
        ("insert_embed", {"embed": {"image": "x" * 50_000}}),
    ],
    ids=["formatting", "text_with_attributes", "embed"],
)
async def test_a_cards_text_stays_plain_text_with_nothing_hidden_in_it(
    op: str, arguments: dict[str, object], server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    """A card that reads "Zorg" holds "Zorg": no formatting attributes or embeds, where
    megabytes could hide that every phone joining would download."""
    board = await oma_and_the_beamer(server, admin, nodes)
    await nodes.call("add", name="oma", part="worries", item=card("w", "Zorg"))
    await nodes.call("wait_text", name="beamer", part="worries", index=0, includes="Zorg")
    await nodes.call(op, name="oma", part="worries", index=0, **arguments)
    closed = await nodes.call("wait_closed", name="oma")
    assert closed["code"] == CloseCode.UPDATE_REFUSED
    assert "plain text" in closed["reason"]
    token = await admin.token(board, Role.VIEWER, "check")
    assert await nodes.connect("check", server.ws_url, board, token) == {"synced": True}
    assert await nodes.call("delta", name="check", part="worries", index=0) == [{"insert": "Zorg"}]
    state = await nodes.call("state", name="check")
    assert len(state) < 4000  # the board, base64: nothing rode along


async def test_an_update_building_on_history_the_board_lacks_is_refused(
    server: ServerProcess, admin: Admin
) -> None:
    board = await admin.create_board()
    token = await admin.token(board, Role.FACILITATOR, "Sanne")
    doc: Doc[object] = Doc()
    worries = doc.get("worries", type=Array)
    worries.append(Map({**card("w", "Eerste", author="p1"), "text": Text("Eerste")}))
    known = doc.get_state()
    worries[0]["text"] += " en tweede"
    only_the_second = doc.get_update(known)
    url = f"{server.ws_url}/{board}?token={token}"
    code = await close_code_after(url, protocol.sync_update(only_the_second))
    assert code == CloseCode.UPDATE_REFUSED
    await server.wait_for_log("builds on changes the board does not have")


async def test_a_deletion_of_what_the_board_does_not_have_yet_is_never_applied(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    """Oma deletes Sanne's next card before Sanne has sent it. Yrs would keep the deletion
    pending and carry it out, unjudged, once the card came: Oma's update is held instead,
    and refused when nothing of hers makes it whole. Sanne's card stays, and stays hers."""
    board = await admin.create_board()
    sanne_token = await admin.token(board, Role.FACILITATOR, "Sanne")
    oma_token = await admin.token(board, Role.PARTICIPANT, "Oma")
    sanne = admin.signer.verify(sanne_token, board).participant_id
    for name, token in (("oma", oma_token), ("beamer", await admin.token(board, "viewer", "B"))):
        assert await nodes.connect(name, server.ws_url, board, token) == {"synced": True}
    doc: Doc[object] = Doc()
    worries = doc.get("worries", type=Array)
    worries.append(Map({**card("w", "Van Sanne", author=sanne), "text": Text("Van Sanne")}))
    sannes_card = doc.get_update()
    with_card = doc.get_state()
    del worries[0]
    deletion = doc.get_update(with_card)

    url = f"{server.ws_url}/{board}?token={oma_token}"
    assert await close_code_after(url, protocol.sync_update(deletion)) == CloseCode.UPDATE_REFUSED
    async with connect(f"{server.ws_url}/{board}?token={sanne_token}") as sanne_socket:
        await sanne_socket.send(protocol.sync_update(sannes_card))
        await nodes.call("wait_length", name="oma", part="worries", length=1)
    await nodes.call("type", name="oma", part="worries", index=0, text=" (niet waar)")
    assert (await nodes.call("wait_closed", name="oma"))["code"] == CloseCode.UPDATE_REFUSED
    assert await nodes.call("texts", name="beamer", part="worries") == ["Van Sanne"]


async def test_a_keystroke_sent_before_the_history_it_builds_on_waits_for_it(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    """After a reconnect, y-websocket sends new keystrokes before its sync step 2, which
    carries what it typed offline: the keystroke is held until that arrives, not refused."""
    board = await admin.create_board()
    token = await admin.token(board, Role.FACILITATOR, "Sanne")
    doc: Doc[object] = Doc()
    worries = doc.get("worries", type=Array)
    worries.append(
        Map({**card("w", "Offline getypt", author="p1"), "text": Text("Offline getypt")})
    )
    offline = doc.get_update()
    known = doc.get_state()
    text = worries[0]["text"]
    text.insert(len(text), ", en daarna nog")
    keystroke = doc.get_update(known)
    watcher = await admin.token(board, Role.VIEWER, "Beamer")
    assert await nodes.connect("beamer", server.ws_url, board, watcher) == {"synced": True}
    url = f"{server.ws_url}/{board}?token={token}"
    async with connect(url) as socket:
        await socket.send(protocol.sync_update(keystroke))
        await socket.send(protocol.sync_step2(offline))
        await nodes.call(
            "wait_text",
            name="beamer",
            part="worries",
            index=0,
            includes="Offline getypt, en daarna nog",
        )
    assert not any("update refused" in line for line in server.log_lines)


async def test_a_column_takes_cards_up_to_its_limit_and_refuses_one_more(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    await oma_and_the_beamer(server, admin, nodes)
    limit = board_schema().item_limit("worries")
    assert limit is not None
    half = limit // 2  # two updates: one would be over this server's message limit
    for first, count in (("a", half), ("b", limit - half)):
        await nodes.call("add", name="oma", part="worries", item=card(first, "Z"), count=count)
    await nodes.call("wait_length", name="beamer", part="worries", length=limit)
    await nodes.call("add", name="oma", part="worries", item=card("extra", "Nog een"))
    closed = await nodes.call("wait_closed", name="oma")
    assert closed["code"] == CloseCode.UPDATE_REFUSED
    assert "worries" in closed["reason"]
    assert len((await nodes.call("json", name="beamer"))["worries"]) == limit
