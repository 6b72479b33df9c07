from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.node import NodeClients

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
