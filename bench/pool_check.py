"""What checking each pooled PostgreSQL connection on checkout costs: one query through the
store, with and without psycopg_pool's check, rounds interleaved so that a busy host weighs
on both alike: .venv/bin/python -m bench.pool_check"""

from __future__ import annotations

import asyncio
import json
import statistics
import time

from psycopg_pool import AsyncConnectionPool

from server.store.postgres import PostgresStore
from tests.support.services import fresh_database, postgres

QUERIES, ROUNDS = 500, 6


async def _per_query_us(store: PostgresStore) -> float:
    started = time.perf_counter()
    for _ in range(QUERIES):
        await store.fetch_one("SELECT 1")
    return (time.perf_counter() - started) / QUERIES * 1e6


async def main() -> None:
    with postgres() as cluster:
        database = fresh_database(cluster)
        checked = PostgresStore(database, pool_size=2)
        unchecked = PostgresStore(database, pool_size=2)
        # the pool as it was before the check
        unchecked._pool = AsyncConnectionPool(database, min_size=1, max_size=2, open=False)
        for store in (checked, unchecked):
            await store.open()
        rounds: dict[str, list[float]] = {"checked": [], "unchecked": []}
        try:
            for _ in range(ROUNDS):
                rounds["checked"].append(await _per_query_us(checked))
                rounds["unchecked"].append(await _per_query_us(unchecked))
        finally:
            for store in (checked, unchecked):
                await store.close()
    print(
        json.dumps(
            {name: round(statistics.median(values), 1) for name, values in rounds.items()}
            | {"unit": "microseconds per query, median of rounds", "queries": QUERIES},
            indent=2,
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
