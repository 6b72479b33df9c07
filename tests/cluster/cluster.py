"""Two server processes on one PostgreSQL database with Redis between them, for the tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from server.access.roles import Role
from server.access.tokens import TokenSigner
from server.boards import create_board, grant_access
from server.store.postgres import PostgresStore
from tests.conftest import print_log_if_failed
from tests.support.node import NodeClients
from tests.support.server import ServerProcess
from tests.support.services import RedisServer, fresh_database

SECRET = "cluster-test-secret-key"


@dataclass
class Cluster:
    one: ServerProcess
    two: ServerProcess
    store: PostgresStore
    signer: TokenSigner
    board: str

    async def token(self, name: str) -> str:
        return await grant_access(self.store, self.signer, self.board, Role.FACILITATOR, name, 3600)


@asynccontextmanager
async def two_processes(
    tmp_path: Path,
    postgres_url: str,
    redis_server: RedisServer,
    request: pytest.FixtureRequest,
    *,
    database: str | None = None,
    **settings: str,
) -> AsyncIterator[Cluster]:
    """Two processes on `database` (a fresh one in the cluster at `postgres_url` if none)."""
    database = database or fresh_database(postgres_url)
    env = {"database_url": database, "redis_url": redis_server.url, "secret_key": SECRET}
    one = ServerProcess(tmp_path / "one", **env, **settings)
    two = ServerProcess(tmp_path / "two", **env, **settings)
    await one.start()
    await two.start()
    store = PostgresStore(database, pool_size=2)
    await store.open()
    board = await create_board(store, "Familie Jansen", "nl")
    yield Cluster(one, two, store, TokenSigner(SECRET), board.id)
    await store.close()
    for server in (one, two):
        await server.stop()
        print_log_if_failed(request, server)


async def converged(nodes: NodeClients, names: list[str], part: str = "worries") -> list[str]:
    """Wait until every client shows the same texts; return them."""
    for _ in range(300):
        texts = [sorted(await nodes.call("texts", name=n, part=part)) for n in names]
        if all(t == texts[0] for t in texts):
            return texts[0]
        await asyncio.sleep(0.05)
    raise AssertionError(f"did not converge: {texts}")
