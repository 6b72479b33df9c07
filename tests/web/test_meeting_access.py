"""A meeting as the people in it live it: the facilitator signs in, relatives join by code."""

from __future__ import annotations

import httpx

from server.errors import CloseCode
from tests.support.node import NodeClients
from tests.support.server import Admin, ServerProcess
from tests.support.web import cookie_header, join_by_code, sign_in, try_code
from tests.sync.helpers import card


async def test_a_relative_joins_by_code_and_adds_a_worry(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    sanne = await sign_in(server, admin, "sanne@jeugdzorg.example", "Sanne de Boer")
    board = await sanne.new_meeting(await sanne.new_case())
    code = await sanne.code(board)
    assert len(code) == 6

    phone, joined = await join_by_code(server, code.lower(), "Oma Riet", "oma")
    assert joined.status_code == 303
    assert joined.headers["location"] == f"/boards/{board}/phone"
    cookie = joined.headers["set-cookie"]
    assert f"nb_join_{board}=" in cookie
    assert "httponly" in cookie.lower()
    assert "samesite=strict" in cookie.lower()

    assert await nodes.connect("sanne", server.ws_url, board, None, cookie=sanne.cookie_header) == {
        "synced": True
    }
    assert await nodes.connect("oma", server.ws_url, board, None, cookie=cookie_header(phone)) == {
        "synced": True
    }
    await nodes.call("add", name="oma", part="worries", item=card("w1", "Max is bang thuis"))
    await nodes.call("wait_length", name="sanne", part="worries", length=1)
    seen = await nodes.call("json", name="sanne")
    oma = await nodes.call("me", name="oma")
    assert seen["worries"][0]["author"] == oma
    await nodes.call("wait_text", name="sanne", part="worries", index=0, includes="bang")

    meeting = (await sanne.client.get(f"/api/boards/{board}")).json()
    people = {p["name"]: p for p in meeting["participants"]}
    assert people["Oma Riet"]["relation"] == "oma"
    assert people["Oma Riet"]["connected"] is True
    await phone.aclose()
    await sanne.close()


async def test_wrong_expired_and_ended_codes_say_so_plainly(
    server: ServerProcess, admin: Admin
) -> None:
    sanne = await sign_in(server, admin, "sanne@jeugdzorg.example", "Sanne de Boer")
    board = await sanne.new_meeting(await sanne.new_case())
    old_code = await sanne.code(board)

    wrong = await try_code(server, "QQQQQQ")
    assert wrong.status_code == 404
    assert "Deze code kennen we niet" in wrong.text

    new_code = (await sanne.api(f"/api/boards/{board}/code")).json()["code"]
    assert new_code != old_code
    replaced = await try_code(server, old_code)
    assert replaced.status_code == 410
    assert "vervangen door een nieuwe" in replaced.text

    assert (await sanne.api(f"/api/boards/{board}/end")).status_code == 200
    ended = await try_code(server, new_code)
    assert ended.status_code == 410
    assert "Deze bijeenkomst is afgelopen" in ended.text
    async with httpx.AsyncClient(base_url=server.http_url) as browser:
        english = await browser.get(f"/j/{new_code}?lang=en")
    assert "This meeting has ended" in english.text
    await sanne.close()


async def test_repeated_wrong_codes_are_rate_limited(server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=server.http_url) as phone:
        await phone.get("/j")
        statuses = [(await phone.get(f"/j/WRONG{i}")).status_code for i in range(7)]
    assert statuses == [404] * 5 + [429, 429]


async def test_ending_the_meeting_closes_relatives_and_voids_their_tokens(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    sanne = await sign_in(server, admin, "sanne@jeugdzorg.example", "Sanne de Boer")
    board = await sanne.new_meeting(await sanne.new_case())
    phone, _ = await join_by_code(server, await sanne.code(board), "Buurvrouw Ans")
    assert await nodes.connect("ans", server.ws_url, board, None, cookie=cookie_header(phone)) == {
        "synced": True
    }
    assert await nodes.connect("sanne", server.ws_url, board, None, cookie=sanne.cookie_header) == {
        "synced": True
    }

    assert (await sanne.api(f"/api/boards/{board}/end")).status_code == 200
    closed = await nodes.call("wait_closed", name="ans")
    assert closed["code"] == CloseCode.BOARD_CLOSED
    again = await nodes.connect("ans2", server.ws_url, board, None, cookie=cookie_header(phone))
    assert again["closed"]["code"] == CloseCode.BOARD_CLOSED
    meta = (await nodes.call("json", name="sanne"))["meta"]
    assert meta["status"] == "closed"
    await nodes.call("add", name="sanne", part="worries", item=card("late", "Te laat"))
    assert (await nodes.call("wait_closed", name="sanne"))["code"] == CloseCode.UPDATE_REFUSED
    await phone.aclose()
    await sanne.close()


async def test_the_facilitator_removes_a_participant_and_locks_the_board(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    sanne = await sign_in(server, admin, "sanne@jeugdzorg.example", "Sanne de Boer")
    board = await sanne.new_meeting(await sanne.new_case())
    code = await sanne.code(board)
    phones = {}
    for name in ("Kees", "Lotte"):
        phones[name], _ = await join_by_code(server, code, name)
        result = await nodes.connect(
            name, server.ws_url, board, None, cookie=cookie_header(phones[name])
        )
        assert result == {"synced": True}
    kees = await nodes.call("me", name="Kees")
    removed = await sanne.api(f"/api/boards/{board}/participants/{kees}/remove")
    assert removed.json()["removed"] is True
    assert (await nodes.call("wait_closed", name="Kees"))["code"] == CloseCode.BAD_TOKEN
    back = await nodes.connect(
        "Kees2", server.ws_url, board, None, cookie=cookie_header(phones["Kees"])
    )
    assert back["closed"]["code"] == CloseCode.BAD_TOKEN

    assert (await sanne.api(f"/api/boards/{board}/lock", {"locked": True})).json() == {
        "locked": True
    }
    await nodes.call("wait_synced", name="Lotte")
    await nodes.call("add", name="Lotte", part="worries", item=card("w", "Mag dit?"))
    closed = await nodes.call("wait_closed", name="Lotte")
    assert closed["code"] == CloseCode.UPDATE_REFUSED
    assert "paused" in closed["reason"]
    for client in phones.values():
        await client.aclose()
    await sanne.close()


async def test_refusals_are_in_the_audit(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    sanne = await sign_in(server, admin, "sanne@jeugdzorg.example", "Sanne de Boer")
    board = await sanne.new_meeting(await sanne.new_case())
    code = await sanne.code(board)
    clients = {}
    for name in ("Vader", "Tante"):
        clients[name], _ = await join_by_code(server, code, name)
        assert await nodes.connect(
            name, server.ws_url, board, None, cookie=cookie_header(clients[name])
        ) == {"synced": True}
    await nodes.call(
        "add", name="Vader", part="working_well", item=card("g", "Ik kook", "strength")
    )
    await nodes.call("wait_length", name="Tante", part="working_well", length=1)
    await nodes.call("remove", name="Tante", part="working_well", index=0)
    assert (await nodes.call("wait_closed", name="Tante"))["code"] == CloseCode.UPDATE_REFUSED
    assert await nodes.connect(
        "Tante2", server.ws_url, board, None, cookie=cookie_header(clients["Tante"])
    ) == {"synced": True}
    await nodes.call("set", name="Tante2", map="meta", key="title", value="Anders")
    assert (await nodes.call("wait_closed", name="Tante2"))["code"] == CloseCode.UPDATE_REFUSED

    trail = (await sanne.client.get(f"/api/boards/{board}/audit")).json()
    refusals = [e for e in trail if e["event"] == "update_refused"]
    assert {e["actor_name"] for e in refusals} == {"Tante"}
    reasons = " ".join(e["detail"]["reason"] for e in refusals)
    assert "only what you wrote" in reasons
    assert "settings" in reasons
    events = {e["event"] for e in trail}
    assert {"joined", "left", "changes_accepted", "meeting_opened"} <= events
    assert (await nodes.call("json", name="Vader"))["working_well"][0]["text"] == "Ik kook"
    for client in clients.values():
        await client.aclose()
    await sanne.close()
