"""Relatives on their phones in a meeting of the demo case (server/demo.py): a server with
the Jansen board, the facilitator's session, and a phone joining with the code."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from server.demo import DEMO_EMAIL, create_demo
from server.store.sqlite import SQLiteStore
from tests.support.node import NodeClients
from tests.support.server import Admin, ServerProcess, free_port
from tests.support.web import PASSWORD, Facilitator, sign_in

PHONE = {"width": 360, "height": 640, "mobile": True}


@dataclass
class Meeting:
    server: ServerProcess
    admin: Admin
    sanne: Facilitator
    board: str
    code: str
    front: str  # where the browsers go: the server, or a proxy in front of it

    async def facilitator_token(self) -> str:
        return await self.admin.token(self.board, "facilitator", "Sanne de Boer")


@contextlib.asynccontextmanager
async def demo_meeting(data: Path, front_port: int | None = None) -> AsyncIterator[Meeting]:
    """The demo case's meeting, open; with `front_port`, pages may also come through a proxy
    listening there (its address is then an allowed origin)."""
    store = SQLiteStore(data / "netwerkbord.sqlite3")
    await store.open()
    _, _, board = await create_demo(store, PASSWORD)
    await store.close()
    port = free_port()
    env = {}
    if front_port is not None:
        env["allowed_origins"] = f"http://127.0.0.1:{front_port},http://127.0.0.1:{port}"
    server = ServerProcess(data, port=port, **env)
    await server.start()
    admin = Admin(data)
    await admin.store.open()
    try:
        sanne = await sign_in(server, admin, DEMO_EMAIL, "Sanne de Boer")
        front = f"http://127.0.0.1:{front_port}" if front_port else server.http_url
        yield Meeting(server, admin, sanne, board, await sanne.code(board), front)
        await sanne.close()
    finally:
        await admin.store.close()
        await server.stop()


async def join_on_phone(
    browser: NodeClients,
    meeting: Meeting,
    phone: str,
    name: str,
    relation: str = "",
    *,
    language: str | None = None,
    locale: str = "nl-NL",
) -> None:
    """A relative opens the join page, types the code, a name and a relation, and is in."""
    await browser.call("open", name=phone, locale=locale, **PHONE)
    query = f"?lang={language}" if language else ""
    await browser.call("goto", name=phone, url=f"{meeting.front}/j{query}")
    code = meeting.code
    await browser.call("fill", name=phone, selector="#code", value=f"{code[:3]}-{code[3:]}")
    await browser.call("click", name=phone, selector="button[type=submit]")
    await browser.call("fill", name=phone, selector="#name", value=name)
    await browser.call("fill", name=phone, selector="#relation", value=relation)
    await browser.call("click", name=phone, selector="button[type=submit]")
    await browser.call("wait", name=phone, selector=".status.connected")


async def in_view(browser: NodeClients, phone: str, selector: str) -> dict[str, object]:
    """The one element at `selector`, which must be inside the viewport."""
    boxes = await browser.call("boxes", name=phone, selector=selector)
    assert len(boxes) == 1, boxes
    assert boxes[0]["inView"], boxes[0]
    return boxes[0]  # type: ignore[no-any-return]
