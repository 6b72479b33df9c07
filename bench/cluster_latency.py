"""Edit-to-visible latency with a room's clients split over two processes (PostgreSQL and
Redis between them) against all on one: .venv/bin/python -m bench.cluster_latency"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
from pathlib import Path
from typing import Any

from bench.scenario import percentile
from bench.servers import BENCH
from server.access.roles import Role
from server.access.tokens import TokenSigner
from server.boards import create_board, grant_access
from server.store.postgres import PostgresStore
from tests.support.server import ServerProcess
from tests.support.services import RedisServer, fresh_database, postgres

CLIENTS, INTERVAL_MS, DURATION_MS = 10, 300, 15_000
SECRET = "bench-cluster-secret"


async def _clients(database: str, urls: list[str]) -> list[dict[str, Any]]:
    store = PostgresStore(database, pool_size=2)
    await store.open()
    signer = TokenSigner(SECRET)
    board = await create_board(store, "Bench", "nl")
    specs = []
    for index in range(CLIENTS):
        token = await grant_access(store, signer, board.id, Role.PARTICIPANT, f"c{index}", 3600)
        specs.append(
            {
                "room": board.id,
                "token": token,
                "url": urls[index % len(urls)],
                "me": signer.verify(token, board.id).participant_id,
            }
        )
    await store.close()
    return specs


async def _measure(specs: list[dict[str, Any]]) -> dict[str, float]:
    worker = await asyncio.create_subprocess_exec(
        "node",
        str(BENCH / "worker.mjs"),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        limit=64 * 1024 * 1024,
    )
    assert worker.stdin is not None and worker.stdout is not None
    job = {
        "url": specs[0]["url"],
        "clients": specs,
        "intervalMs": INTERVAL_MS,
        "durationMs": DURATION_MS,
    }
    worker.stdin.write((json.dumps(job) + "\n").encode())
    await worker.stdin.drain()
    assert (await worker.stdout.readline()).strip() == b"ready"
    worker.stdin.write(b"go\n")
    await worker.stdin.drain()
    result = json.loads(await worker.stdout.readline())
    await worker.wait()
    values = result["latencies"]
    return {
        "median_ms": round(statistics.median(values), 1),
        "p99_ms": round(percentile(values, 0.99), 1),
        "delivered": len(values),
        "expected": result["expected"],
        "converged": result["converged"],
    }


async def main() -> None:
    redis = RedisServer()
    redis.start()
    try:
        with postgres() as cluster, tempfile.TemporaryDirectory() as folder:
            database = fresh_database(cluster)
            env = {"database_url": database, "redis_url": redis.url, "secret_key": SECRET}
            one = ServerProcess(Path(folder) / "one", **env)
            two = ServerProcess(Path(folder) / "two", **env)
            await one.start()
            await two.start()
            try:
                single = await _measure(await _clients(database, [one.ws_url]))
                split = await _measure(await _clients(database, [one.ws_url, two.ws_url]))
            finally:
                await one.stop()
                await two.stop()
    finally:
        redis.stop()
    print(
        json.dumps(
            {"one process (PostgreSQL)": single, "two processes (PostgreSQL + Redis)": split},
            indent=2,
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
