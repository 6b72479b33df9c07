"""Every route and the board connection, for everyone who might try them: only what each
may do succeeds."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from server.access.roles import Role
from server.errors import CloseCode
from tests.support.node import NodeClients
from tests.support.server import Admin, ServerProcess
from tests.support.web import cookie_header, join_by_code, sign_in
from tests.sync.helpers import card

ACTORS = ["anonymous", "participant_elsewhere", "facilitator_elsewhere", "viewer", "facilitator"]


@dataclass
class World:
    board: str
    case: str
    clients: dict[str, httpx.AsyncClient]
    csrf: dict[str, str]
    viewer_token: str
    other_board: str


@pytest.fixture
async def world(server: ServerProcess, admin: Admin) -> AsyncIterator[World]:
    sanne = await sign_in(server, admin, "sanne@jeugdzorg.example", "Sanne de Boer")
    case = await sanne.new_case("Familie Jansen")
    board = await sanne.new_meeting(case)
    piet = await sign_in(server, admin, "piet@wijkteam.example", "Piet Smit")
    other_board = await piet.new_meeting(await piet.new_case("Familie Mulder"))
    phone, _ = await join_by_code(server, await piet.code(other_board), "Oom Henk")
    clients = {
        "anonymous": httpx.AsyncClient(base_url=server.http_url),
        "participant_elsewhere": phone,
        "facilitator_elsewhere": piet.client,
        "viewer": httpx.AsyncClient(base_url=server.http_url),
        "facilitator": sanne.client,
    }
    csrf = {"facilitator": sanne.csrf_token, "facilitator_elsewhere": piet.csrf_token}
    viewer = await admin.token(board, Role.VIEWER, "Beamer")
    yield World(board, case, clients, csrf, viewer, other_board)
    for client in clients.values():
        await client.aclose()


def allowed_only_for_the_facilitator(actor: str, status: int, ok: int) -> None:
    if actor == "facilitator":
        assert status == ok, actor
    elif actor in ("anonymous", "participant_elsewhere", "viewer"):
        assert status in (303, 401), f"{actor}: {status}"
    else:
        assert status == 404, f"{actor}: {status}"


@pytest.mark.parametrize("actor", ACTORS)
async def test_case_pages_and_forms(world: World, actor: str) -> None:
    client = world.clients[actor]
    csrf = world.csrf.get(actor, "")
    page = await client.get(f"/cases/{world.case}")
    allowed_only_for_the_facilitator(actor, page.status_code, 200)
    if actor == "facilitator":
        assert "Familie Jansen" in page.text
    dashboard = await client.get("/")
    assert dashboard.status_code == (200 if actor.startswith("facilitator") else 303)
    if actor == "facilitator_elsewhere":
        assert "Familie Jansen" not in dashboard.text
    meeting = await client.post(
        f"/cases/{world.case}/boards", data={"csrf_token": csrf, "title": "Extra"}
    )
    allowed_only_for_the_facilitator(actor, meeting.status_code, 303)
    share = await client.post(
        f"/cases/{world.case}/share", data={"csrf_token": csrf, "email": "piet@wijkteam.example"}
    )
    allowed_only_for_the_facilitator(actor, share.status_code, 303)


@pytest.mark.parametrize("actor", ACTORS)
async def test_meeting_controls(world: World, actor: str) -> None:
    client = world.clients[actor]
    headers = {"X-CSRF-Token": world.csrf.get(actor, "")}
    base = f"/api/boards/{world.board}"
    for path in (base, f"{base}/audit", f"/boards/{world.board}/qr.svg"):
        response = await client.get(path)
        allowed_only_for_the_facilitator(actor, response.status_code, 200)
    for path, body in (
        (f"{base}/lock", {"locked": True}),
        (f"{base}/code", {}),
        (f"{base}/participants/nobody/remove", {}),
        (f"{base}/end", {}),
    ):
        response = await client.post(path, json=body, headers=headers)
        allowed_only_for_the_facilitator(actor, response.status_code, 200)


async def test_controls_without_the_csrf_token_are_refused(world: World) -> None:
    sanne = world.clients["facilitator"]
    for path in ("lock", "code", "end"):
        response = await sanne.post(f"/api/boards/{world.board}/{path}", json={})
        assert response.status_code == 403
    form = await sanne.post(f"/cases/{world.case}/boards", data={"title": "Zonder token"})
    assert form.status_code == 403


@pytest.mark.parametrize("actor", ACTORS)
async def test_the_board_connection(
    world: World, server: ServerProcess, nodes: NodeClients, actor: str
) -> None:
    client = world.clients[actor]
    token = world.viewer_token if actor == "viewer" else None
    result = await nodes.connect(
        actor, server.ws_url, world.board, token, cookie=cookie_header(client)
    )
    if actor in ("anonymous", "participant_elsewhere", "facilitator_elsewhere"):
        assert result["closed"]["code"] == CloseCode.BAD_TOKEN
        return
    assert result == {"synced": True}
    await nodes.call("add", name=actor, part="worries", item=card("w", "Zorg", author="x"))
    if actor == "viewer":
        assert (await nodes.call("wait_closed", name=actor))["code"] == CloseCode.UPDATE_REFUSED
    else:
        watcher = await nodes.connect("check", server.ws_url, world.board, world.viewer_token)
        assert watcher == {"synced": True}
        await nodes.call("wait_length", name="check", part="worries", length=1)


async def test_a_projector_opened_by_the_facilitator_only_watches(
    world: World, server: ServerProcess, nodes: NodeClients
) -> None:
    sanne = world.clients["facilitator"]
    result = await nodes.connect(
        "wall",
        server.ws_url,
        world.board,
        None,
        cookie=cookie_header(sanne),
        params={"view": "project"},
    )
    assert result == {"synced": True}
    await nodes.call("set", name="wall", map="meta", key="title", value="Anders")
    assert (await nodes.call("wait_closed", name="wall"))["code"] == CloseCode.UPDATE_REFUSED
