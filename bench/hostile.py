"""What one hostile participant costs everyone else: .venv/bin/python -m bench.hostile
[--before DIR] (DIR: another checkout of the server, e.g. main, compiled or not as this one)

Each scenario runs on a fresh server (SQLite, on loopback) holding the demo board, for
DURATION_S seconds: two honest participants type (bench/worker.mjs, one character every
INTERVAL_MS each) while a third participant's raw client does one of:

- nothing (quiet);
- refusal loop: connects, sends a change it may not make (the board's title), is closed,
  and connects again at once, one attempt after another, as fast as it can;
- held flood: FLOOD_CONNECTIONS connections on one token, each sending keystrokes on a card
  the board never got (updates held for history that never comes) at FLOOD_RATE a second,
  under the flood limit; connecting again at once whenever closed.

Reported for each: the honest clients' edit-to-visible delay (median, p95, max), the
server's CPU over the window (% of one core), what the attacker got done, and the audit
rows written. Bounded: every scenario stops at its deadline; nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

from pycrdt import Array, Doc, Map, Text
from websockets.asyncio.client import ClientConnection, connect

from bench.scenario import percentile
from bench.servers import BENCH, Running, free_port, start_process
from server.access.roles import Role
from server.access.tokens import TokenSigner, load_secret_key
from server.boards import grant_access
from server.demo import create_demo
from server.store.sqlite import SQLiteStore
from server.sync import protocol

DURATION_S = 12.0
INTERVAL_MS = 100
FLOOD_CONNECTIONS = 8
FLOOD_RATE = 90.0  # messages a second per connection; the limit is 100 (burst 300)
HERE = Path(__file__).resolve().parent.parent

Attack = Callable[[str, str, asyncio.Event, dict[str, int]], Awaitable[None]]


async def nothing(url: str, author: str, stop: asyncio.Event, counts: dict[str, int]) -> None:
    await stop.wait()


async def refusal_loop(url: str, author: str, stop: asyncio.Event, counts: dict[str, int]) -> None:
    doc: Doc[Any] = Doc()
    doc.get("meta", type=Map)["title"] = "Overgenomen"
    rename = protocol.sync_update(doc.get_update())
    while not stop.is_set():
        counts["attempts"] = counts.get("attempts", 0) + 1
        with contextlib.suppress(Exception):
            async with connect(url) as socket:
                with contextlib.suppress(Exception):
                    await socket.send(rename)
                await asyncio.wait_for(socket.wait_closed(), 5)
                code = str(socket.close_code)
                counts[f"closed {code}"] = counts.get(f"closed {code}", 0) + 1


def keystrokes_on_a_card_never_sent(author: str) -> Iterator[bytes]:
    doc: Doc[Any] = Doc()
    worries = doc.get("worries", type=Array)
    card = {"id": "never", "kind": "harm", "author": author, "created": "2026-01-01T00:00:00Z"}
    worries.append(Map({**card, "text": Text("x")}))
    text = worries[0]["text"]
    while True:
        known = doc.get_state()
        text.insert(len(text), "y")
        yield protocol.sync_update(doc.get_update(known))


async def held_flood(url: str, author: str, stop: asyncio.Event, counts: dict[str, int]) -> None:
    async def one() -> None:
        keystrokes = keystrokes_on_a_card_never_sent(author)
        while not stop.is_set():
            counts["connections"] = counts.get("connections", 0) + 1
            socket: ClientConnection | None = None
            with contextlib.suppress(Exception):
                async with connect(url) as socket:
                    while not stop.is_set():
                        await socket.send(next(keystrokes))
                        counts["messages"] = counts.get("messages", 0) + 1
                        await asyncio.sleep(1 / FLOOD_RATE)
            code = str(socket.close_code) if socket is not None else "at connect"
            counts[f"closed {code}"] = counts.get(f"closed {code}", 0) + 1
            await asyncio.sleep(0.01)  # a closed socket is not retried in a busy loop

    await asyncio.gather(*(one() for _ in range(FLOOD_CONNECTIONS)))


SCENARIOS: dict[str, Attack] = {
    "quiet": nothing,
    "refusal loop": refusal_loop,
    "held flood": held_flood,
}


async def prepare(data_dir: Path) -> tuple[str, list[dict[str, str]], str, str]:
    store = SQLiteStore(data_dir / "netwerkbord.sqlite3")
    await store.open()
    _, _, board = await create_demo(store, "bench-password-123")
    signer = TokenSigner(load_secret_key(data_dir, None))
    honest = []
    for name in ("oma", "opa"):
        token = await grant_access(store, signer, board, Role.PARTICIPANT, name, 3600)
        honest.append(
            {"room": board, "token": token, "me": signer.verify(token, board).participant_id}
        )
    hostile = await grant_access(store, signer, board, Role.PARTICIPANT, "oom", 3600)
    await store.close()
    return board, honest, hostile, signer.verify(hostile, board).participant_id


async def start(source: Path, data_dir: Path) -> Running:
    port = free_port()
    command = ["env", "-C", str(source), sys.executable, "-m", "server.cli", "serve"]
    command += ["--port", str(port), "--data-dir", str(data_dir)]
    url = f"ws://127.0.0.1:{port}/ws/boards"
    return await start_process("netwerkbord", command, {}, port, "Uvicorn running on", url)


async def audit_rows(data_dir: Path) -> int:
    store = SQLiteStore(data_dir / "netwerkbord.sqlite3")
    await store.open()
    row = await store.fetch_one("SELECT count(*) FROM audit_log", ())
    await store.close()
    return int(row[0]) if row else 0


async def run(source: Path, attack: Attack) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder) / "data"
        data_dir.mkdir()
        board, honest, hostile, hostile_id = await prepare(data_dir)
        server = await start(source, data_dir)
        try:
            for spec in honest:
                spec["url"] = server.client_url
            rows_before = await audit_rows(data_dir)
            return await _measure(server, board, honest, hostile, hostile_id, attack) | {
                "audit rows": await _rows_after(server, data_dir, rows_before)
            }
        finally:
            await server.stop()


async def _rows_after(server: Running, data_dir: Path, before: int) -> int:
    await server.stop()  # rooms close, summaries are written
    return await audit_rows(data_dir) - before


async def _measure(
    server: Running,
    board: str,
    honest: list[dict[str, str]],
    hostile: str,
    hostile_id: str,
    attack: Attack,
) -> dict[str, Any]:
    worker = await asyncio.create_subprocess_exec(
        "node", str(BENCH / "worker.mjs"),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=64 * 1024 * 1024,
    )  # fmt: skip
    assert worker.stdin is not None and worker.stdout is not None
    job = {"url": server.client_url, "clients": honest, "intervalMs": INTERVAL_MS,
           "durationMs": int(DURATION_S * 1000)}  # fmt: skip
    worker.stdin.write((json.dumps(job) + "\n").encode())
    await worker.stdin.drain()
    assert (await worker.stdout.readline()).strip() == b"ready"
    stop = asyncio.Event()
    counts: dict[str, int] = {}
    url = f"{server.client_url}/{board}?token={hostile}"
    attacking = asyncio.create_task(attack(url, hostile_id, stop, counts))
    worker.stdin.write(b"go\n")
    await worker.stdin.drain()
    user, system = server.cpu_seconds()
    started = time.monotonic()
    await asyncio.sleep(DURATION_S)
    user_after, system_after = server.cpu_seconds()
    cpu = (user_after + system_after - user - system) / (time.monotonic() - started)
    stop.set()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(attacking, 10)
    result = json.loads(await asyncio.wait_for(worker.stdout.readline(), 60))
    await worker.wait()
    delays = result["latencies"] or [float("nan")]
    return {
        "delay median ms": round(statistics.median(delays), 1),
        "delay p95 ms": round(percentile(delays, 0.95), 1),
        "delay max ms": round(max(delays), 1),
        "delivered": f"{result['received']}/{result['expected']}",
        "server CPU %": round(100 * cpu, 1),
        "attacker": counts,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="another checkout to measure first")
    parser.add_argument("--only", choices=list(SCENARIOS), action="append")
    arguments = parser.parse_args()
    sources = {"this checkout": HERE}
    if arguments.before:
        sources = {f"before ({arguments.before})": arguments.before.resolve(), **sources}
    report: dict[str, dict[str, Any]] = {}
    for label, source in sources.items():
        for name, attack in SCENARIOS.items():
            if arguments.only and name not in arguments.only:
                continue
            report.setdefault(label, {})[name] = await run(source, attack)
            print(label, name, json.dumps(report[label][name]), file=sys.stderr)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
