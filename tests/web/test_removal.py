"""Removing a person from a meeting sticks: same code, same phone or same name, they stay
out until the facilitator lets them back; the facilitator hears of it; one rating each."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from tests.support.node import NodeClients
from tests.support.server import Admin, ServerProcess
from tests.support.waiting import until
from tests.support.web import Facilitator, cookie_header, form_token, join_by_code, sign_in

SANNE = "sanne@jeugdzorg.example"


async def ratings(nodes: NodeClients, name: str) -> dict[str, int]:
    seen = await nodes.call("json", name=name)
    found: dict[str, int] = seen["scales"]["safety"]["ratings"]
    return found


@dataclass
class Meeting:
    sanne: Facilitator
    board: str
    code: str
    kees: str
    phone: httpx.AsyncClient


async def kees_rates_in_a_meeting(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> Meeting:
    """Sanne's meeting with Kees in it (his id, his phone), who has given his rating."""
    sanne = await sign_in(server, admin, SANNE, "Sanne de Boer")
    board = await sanne.new_meeting(await sanne.new_case())
    code = await sanne.code(board)
    phone, joined = await join_by_code(server, code, "Kees", "oom")
    assert joined.status_code == 303
    for name, cookie in (("sanne", sanne.cookie_header), ("kees", cookie_header(phone))):
        assert await nodes.connect(name, server.ws_url, board, None, cookie=cookie) == {
            "synced": True
        }
    kees = await nodes.call("me", name="kees")
    await nodes.call("rate", name="kees", value=3)

    async def sanne_sees_his_rating() -> bool:
        return await ratings(nodes, "sanne") == {kees: 3}

    await until(sanne_sees_his_rating, "Sanne seeing Kees's rating")
    return Meeting(sanne, board, code, kees, phone)


async def test_a_removed_relative_cannot_rejoin_with_the_same_code_and_name(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    meeting = await kees_rates_in_a_meeting(server, admin, nodes)
    sanne, board, code, kees, phone = (
        meeting.sanne,
        meeting.board,
        meeting.code,
        meeting.kees,
        meeting.phone,
    )

    removed = await sanne.api(f"/api/boards/{board}/participants/{kees}/remove")
    assert removed.json() == {"removed": True, "offer_new_code": True}
    await nodes.call("wait_closed", name="kees")

    same_phone = await phone.get(f"/j/{code}")
    assert same_phone.status_code == 403
    assert "uit deze bijeenkomst gehaald" in same_phone.text
    _, other_phone = await join_by_code(server, code, "  kEEs ")
    assert other_phone.status_code == 403

    panel = (await sanne.client.get(f"/api/boards/{board}")).json()
    him = next(p for p in panel["participants"] if p["id"] == kees)
    assert him["removed"] is True
    assert him["tried_to_come_back"] == 2

    async def his_rating_left_with_him() -> bool:
        return await ratings(nodes, "sanne") == {}

    await until(his_rating_left_with_him, "Kees's rating off the scale")


async def test_the_facilitator_gives_a_new_code_in_the_same_step(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    meeting = await kees_rates_in_a_meeting(server, admin, nodes)
    sanne, board, code, kees = meeting.sanne, meeting.board, meeting.code, meeting.kees
    removed = await sanne.api(f"/api/boards/{board}/participants/{kees}/remove", {"new_code": True})
    answer = removed.json()
    assert answer["removed"] is True
    assert answer["code"] != code
    assert answer["join_url"].endswith(f"/j/{answer['code']}")
    _, old_code = await join_by_code(server, code, "Kees zijn broer")
    assert old_code.status_code == 410
    _, new_code = await join_by_code(server, answer["code"], "Buurvrouw Ans")
    assert new_code.status_code == 303


async def test_a_relative_let_back_comes_back_as_himself_with_one_rating(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    meeting = await kees_rates_in_a_meeting(server, admin, nodes)
    sanne, board, code, kees, phone = (
        meeting.sanne,
        meeting.board,
        meeting.code,
        meeting.kees,
        meeting.phone,
    )
    await sanne.api(f"/api/boards/{board}/participants/{kees}/remove")
    await nodes.call("wait_closed", name="kees")

    let_back = await sanne.api(f"/api/boards/{board}/participants/{kees}/let-back")
    assert let_back.json() == {"let_back": True}
    page = await phone.get(f"/j/{code}")
    assert page.status_code == 200
    back = await phone.post(
        f"/j/{code}", data={"form_token": form_token(page.text), "name": "kees", "relation": ""}
    )
    assert back.status_code == 303
    assert back.headers["location"] == f"/boards/{board}/phone"
    assert await nodes.connect(
        "kees2", server.ws_url, board, None, cookie=cookie_header(phone)
    ) == {"synced": True}
    assert await nodes.call("me", name="kees2") == kees
    await nodes.call("rate", name="kees2", value=7)

    async def one_rating_his_new_one() -> bool:
        return await ratings(nodes, "sanne") == {kees: 7}

    await until(one_rating_his_new_one, "Kees's one rating, the new one")
    panel = (await sanne.client.get(f"/api/boards/{board}")).json()
    assert [p["name"] for p in panel["participants"]].count("Kees") == 1


async def test_two_relatives_sharing_a_phone_are_two_people(
    server: ServerProcess, admin: Admin
) -> None:
    sanne = await sign_in(server, admin, SANNE, "Sanne de Boer")
    board = await sanne.new_meeting(await sanne.new_case())
    code = await sanne.code(board)
    phone, oma = await join_by_code(server, code, "Oma Riet", "oma")
    assert oma.status_code == 303
    for name in ("Opa Henk", "oma riet"):
        page = await phone.get(f"/j/{code}")
        joined = await phone.post(
            f"/j/{code}", data={"form_token": form_token(page.text), "name": name}
        )
        assert joined.status_code == 303
    panel = (await sanne.client.get(f"/api/boards/{board}")).json()
    assert sorted(p["name"] for p in panel["participants"]) == ["Oma Riet", "Opa Henk"]
