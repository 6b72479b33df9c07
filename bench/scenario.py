"""One setting (rooms x clients, typing rate) against one server: latency, CPU, memory."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.servers import BENCH, Running
from server.access.roles import Role
from server.access.tokens import TokenSigner, load_secret_key
from server.boards import create_board, grant_access
from server.store.sqlite import SQLiteStore

WORKERS = 4


@dataclass(frozen=True)
class Setting:
    name: str
    rooms: int
    clients: int
    interval_ms: int
    duration_ms: int


SETTINGS = [
    Setting("1 room × 10 clients", 1, 10, 300, 20_000),
    Setting("1 room × 50 clients", 1, 50, 1_000, 20_000),
    Setting("200 rooms × 10 clients", 200, 10, 2_000, 30_000),
]


async def prepare_rooms(data_dir: Path | None, setting: Setting) -> list[list[dict[str, Any]]]:
    """Rooms of client specs; for our server, real boards and participant tokens."""
    rooms = []
    store = signer = None
    if data_dir is not None:
        store = SQLiteStore(data_dir / "netwerkbord.sqlite3")
        await store.open()
        signer = TokenSigner(load_secret_key(data_dir, None))
    for r in range(setting.rooms):
        room_id = f"bench-room-{r}"
        if store is not None and signer is not None:
            room_id = (await create_board(store, f"Bench {r}", "nl")).id
        specs = []
        for c in range(setting.clients):
            token = None
            me = f"r{r}c{c}"
            if store is not None and signer is not None:
                token = await grant_access(store, signer, room_id, Role.PARTICIPANT, me, 86400)
                me = signer.verify(token, room_id).participant_id
            specs.append({"room": room_id, "token": token, "me": me})
        rooms.append(specs)
    if store is not None:
        await store.close()
    return rooms


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


async def run(
    server: Running, setting: Setting, rooms: list[list[dict[str, Any]]]
) -> dict[str, Any]:
    shares: list[list[dict[str, Any]]] = [[] for _ in range(min(WORKERS, len(rooms)))]
    for index, room in enumerate(rooms):
        shares[index % len(shares)].extend(room)
    workers = []
    for share in shares:
        process = await asyncio.create_subprocess_exec(
            "node",
            str(BENCH / "worker.mjs"),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=256 * 1024 * 1024,
        )
        assert process.stdin is not None
        job = {
            "url": server.client_url,
            "clients": share,
            "intervalMs": setting.interval_ms,
            "durationMs": setting.duration_ms,
        }
        process.stdin.write((json.dumps(job) + "\n").encode())
        await process.stdin.drain()
        workers.append(process)
    for process in workers:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 300)
        if line.strip() != b"ready":
            raise RuntimeError(f"worker did not get ready: {line[:200]!r}")
    rss_open = server.memory_kib("VmRSS")
    cpu_before = server.cpu_seconds()
    calls_before = server.system_calls()
    started = time.perf_counter()
    for process in workers:
        assert process.stdin is not None
        process.stdin.write(b"go\n")
        await process.stdin.drain()
    results = []
    for process in workers:
        assert process.stdout is not None
        results.append(json.loads(await asyncio.wait_for(process.stdout.readline(), 600)))
        await process.wait()
    elapsed = time.perf_counter() - started
    (user_after, kernel_after), (user_before, kernel_before) = server.cpu_seconds(), cpu_before
    user, kernel = user_after - user_before, kernel_after - kernel_before
    (reads_after, writes_after), (reads_before, writes_before) = server.system_calls(), calls_before
    latencies = [value for result in results for value in result["latencies"]]
    return {
        "server": server.name,
        "setting": setting.name,
        "edits": sum(r["edits"] for r in results),
        "deliveries": len(latencies),
        "expected_deliveries": sum(r["expected"] for r in results),
        "converged": all(r["converged"] for r in results),
        "closes": sum(r["closes"] for r in results),
        "median_ms": statistics.median(latencies) if latencies else float("nan"),
        "p95_ms": percentile(latencies, 0.95),
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": max(latencies) if latencies else float("nan"),
        "cpu_seconds": round(user + kernel, 2),
        "cpu_user_seconds": round(user, 2),
        "cpu_kernel_seconds": round(kernel, 2),
        "wall_seconds": round(elapsed, 1),
        "read_calls": reads_after - reads_before,
        "write_calls": writes_after - writes_before,
        "peak_rss_mib": round(server.memory_kib("VmHWM") / 1024, 1),
        "rss_with_rooms_open_mib": round(rss_open / 1024, 1),
    }
