"""PostgreSQL restarting under two processes: nobody gets an error once it is back, board
connections are told to come back meanwhile, and readiness says the truth throughout."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from tests.cluster.cluster import Cluster, converged, two_processes
from tests.support.node import NodeClients
from tests.support.server import ServerProcess
from tests.support.services import PostgresServer, RedisServer, fresh_database
from tests.support.waiting import until
from tests.sync.helpers import card

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
COME_BACK = {1011, 1013}  # "reconnecting": y-websocket does, by itself


@pytest.fixture
def restartable_postgres() -> Iterator[PostgresServer]:
    server = PostgresServer()
    server.start()
    yield server
    server.remove()


@pytest.fixture
async def cluster(
    tmp_path: Path,
    restartable_postgres: PostgresServer,
    redis_server: RedisServer,
    request: pytest.FixtureRequest,
) -> AsyncIterator[Cluster]:
    database = fresh_database(restartable_postgres.url)
    async with two_processes(
        tmp_path, restartable_postgres.url, redis_server, request, database=database
    ) as cluster:
        yield cluster


async def statuses(client: httpx.AsyncClient, server: ServerProcess, path: str,
                   token: str, times: int) -> list[int]:
    """`times` requests for `path` at once (the pool grows to serve them)."""
    url = server.http_url + path
    answers = await asyncio.gather(
        *(client.get(url, headers={"x-board-token": token}) for _ in range(times))
    )
    return [answer.status_code for answer in answers]


def errors_in(server: ServerProcess, since: int) -> list[str]:
    return [line for line in server.log_lines[since:] if '"level": "error"' in line]


async def test_after_postgresql_restarts_no_request_fails_and_board_connections_come_back(
    cluster: Cluster, restartable_postgres: PostgresServer, nodes: NodeClients
) -> None:
    tokens = {name: await cluster.token(name) for name in ("oma", "juf")}
    placement = {"oma": cluster.one, "juf": cluster.two}
    for name, server in placement.items():
        assert await nodes.connect(name, server.ws_url, cluster.board, tokens[name]) == {
            "synced": True
        }
        await nodes.call("add", name=name, part="worries", item=card(f"w-{name}", f"{name}: "))
    for name in placement:
        await nodes.call("wait_length", name=name, part="worries", length=2)
    now = f"/boards/{cluster.board}/now.json"
    async with httpx.AsyncClient(timeout=20) as client:  # a busy test machine is slow
        for server in placement.values():  # every process's pool holds several connections
            assert await statuses(client, server, now, tokens["oma"], 6) == [200] * 6
        for index, name in enumerate(placement):
            await nodes.call(
                "storm", name=name, part="worries", index=index, count=4000, interval=25,
                char=name[0],
            )
        await nodes.call("wait_text_length", name="juf", part="worries", index=0, length=10)

        restartable_postgres.stop()
        for name in placement:  # their typing could not be stored: told to come back
            closed = await nodes.call("wait_closed", name=name, timeout=20000)
            assert closed["code"] in COME_BACK, closed
        restartable_postgres.start()
        back = {name: len(server.log_lines) for name, server in placement.items()}

        for server in placement.values():
            assert await statuses(client, server, now, tokens["oma"], 6) == [200] * 6
        for name in placement:
            await nodes.call("wait_synced", name=name, timeout=30000)
            await nodes.call("stop_storm", name=name)
    texts = await converged(nodes, list(placement))
    assert texts[0].startswith("juf: j") and texts[1].startswith("oma: o")
    for name, server in placement.items():
        assert errors_in(server, back[name]) == [], f"{name}'s process logged errors"
        assert not any("Traceback" in line for line in server.log_lines[back[name]:])


async def test_readiness_fails_while_the_database_is_down_and_liveness_stays_up(
    cluster: Cluster, restartable_postgres: PostgresServer, redis_server: RedisServer
) -> None:
    ready = cluster.one.http_url + "/readyz"
    alive = cluster.one.http_url + "/healthz"
    async with httpx.AsyncClient() as client:
        answer = await client.get(ready)
        assert answer.status_code == 200, answer.text
        assert answer.json()["checks"] == {"store": "ok", "redis": "ok"}

        restartable_postgres.stop()
        answer = await client.get(ready)
        assert answer.status_code == 503
        assert answer.json()["checks"]["store"] != "ok"
        assert (await client.get(alive)).status_code == 200

        restartable_postgres.start()

        async def ready_again() -> bool:
            return (await client.get(ready)).status_code == 200

        await until(ready_again, "readiness back with the database", seconds=30)

        redis_server.stop()

        async def unready_without_redis() -> bool:
            answer = await client.get(ready)
            return answer.status_code == 503 and answer.json()["checks"]["redis"] != "ok"

        await until(unready_without_redis, "readiness failing without Redis", seconds=15)
        assert (await client.get(alive)).status_code == 200
        redis_server.start()
        await until(ready_again, "readiness back with Redis", seconds=30)
