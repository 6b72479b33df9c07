"""Limits counted once for all processes (in Redis), and kept when the processes restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.access.codes import JoinCodes
from server.access.limits import WRONG_CODES_PER_PHONE
from tests.cluster.test_two_processes import two_processes
from tests.support.services import RedisServer
from tests.support.web import browser, join_by_code, try_code

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


async def test_wrong_codes_alternating_between_processes_hit_the_limit_once(
    tmp_path: Path, postgres_url: str, redis_server: RedisServer, request: pytest.FixtureRequest
) -> None:
    allowed = WRONG_CODES_PER_PHONE.tries
    async with two_processes(tmp_path, postgres_url, redis_server, request) as cluster:
        processes = (cluster.one, cluster.two)
        phone = browser(cluster.one)
        assert (await phone.get("/j")).status_code == 200
        statuses = []
        for attempt in range(allowed + 2):
            process = processes[attempt % 2]
            answer = await phone.get(f"{process.http_url}/j/WRONG{attempt}")
            statuses.append(answer.status_code)
        assert statuses == [404] * allowed + [429, 429]

        for process in processes:
            await process.stop()
            await process.start()
        for process in processes:
            again = await phone.get(f"{process.http_url}/j/WRONGX")
            assert again.status_code == 429, "the count outlives a restart"


async def test_with_redis_gone_a_right_code_still_joins(
    tmp_path: Path, postgres_url: str, redis_server: RedisServer, request: pytest.FixtureRequest
) -> None:
    """The counts wait for Redis; the meeting does not: each process counts alone meanwhile."""
    async with two_processes(tmp_path, postgres_url, redis_server, request) as cluster:
        code = await JoinCodes(cluster.store).current_or_new(cluster.board)
        redis_server.stop()
        for process in (cluster.one, cluster.two):
            wrong = await try_code(process, "QQQQQQ")
            assert wrong.status_code == 404
            _, joined = await join_by_code(process, code, f"Oma via {process.port}")
            assert joined.status_code == 303, joined.text
        await cluster.one.wait_for_log("counting in this process")
        redis_server.start()
