from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.node import NodeClients
from tests.support.server import Admin, ServerProcess


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[ServerProcess]:
    process = ServerProcess(tmp_path / "data")
    await process.start()
    yield process
    await process.stop()


@pytest.fixture
async def admin(server: ServerProcess) -> AsyncIterator[Admin]:
    admin = Admin(server.data_dir)
    await admin.store.open()
    yield admin
    await admin.store.close()


@pytest.fixture
async def nodes() -> AsyncIterator[NodeClients]:
    clients = NodeClients()
    await clients.start()
    yield clients
    await clients.close()
