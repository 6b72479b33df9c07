from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser.helpers import EMAIL, sign_in_and_open
from tests.support.node import NodeClients
from tests.support.server import Admin, ServerProcess
from tests.support.web import sign_in

BROWSER = Path(__file__).parent.parent / "node" / "browser.mjs"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
async def browser() -> AsyncIterator[NodeClients]:
    chromium = NodeClients(BROWSER)
    await chromium.start()
    yield chromium
    await chromium.close()


@dataclass
class Screens:
    board: str
    case: str
    cookie: str  # the facilitator's session, for a Node client beside the screens


@pytest.fixture
async def screens(server: ServerProcess, admin: Admin, browser: NodeClients) -> Screens:
    """One board, open on the laptop (a) and on a colleague's screen (b)."""
    sanne = await sign_in(server, admin, EMAIL, "Sanne de Boer")
    case = await sanne.new_case("Familie Jansen")
    board = await sanne.new_meeting(case)
    for name in ("a", "b"):
        await sign_in_and_open(browser, server, name, EMAIL, board)
    return Screens(board, case, sanne.cookie_header)
