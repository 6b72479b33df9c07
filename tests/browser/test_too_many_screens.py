"""A person who opens the board on more screens than the server allows is told why the
extra one waits, instead of a page that only keeps reconnecting."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.browser.helpers import EMAIL, sign_in_and_open, sign_in_on
from tests.support.node import NodeClients
from tests.support.server import Admin, ServerProcess
from tests.support.web import sign_in


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[ServerProcess]:
    process = ServerProcess(tmp_path / "data", CONNECTIONS_PER_PARTICIPANT="1")
    await process.start()
    yield process
    await process.stop()


async def test_a_screen_past_the_limit_says_why_it_waits(
    server: ServerProcess, admin: Admin, browser: NodeClients
) -> None:
    sanne = await sign_in(server, admin, EMAIL, "Sanne de Boer")
    board = await sanne.new_meeting(await sanne.new_case())
    await sign_in_and_open(browser, server, "laptop", EMAIL, board)

    # The same person signs in on a second screen: one connection more than allowed.
    await sign_in_on(browser, server, "second", EMAIL)
    await browser.call("goto", name="second", url=f"{server.http_url}/boards/{board}")
    await browser.call(
        "wait_text", name="second", selector=".banner.message", text="te veel schermen"
    )
