"""make bench: our server against the reference Yjs server and the floor (the reference's job
on our stack, bench/floor.py), its steps timed (bench/sections.py); writes
bench/results/latest.json and docs/performance.md."""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import commits, history, instructions, phone, pipeline, report, sections
from bench.scenario import SETTINGS, WORKERS, Setting, prepare_rooms, run
from bench.servers import BENCH, Running, start_floor, start_ours, start_reference

STARTERS = {"floor": start_floor, "reference": start_reference}
SERVERS = ("netwerkbord", "floor", "reference")
# Each setting runs this many rounds, the three servers in turn within each: the speed of
# this (virtual) machine drifts, and one round's ratio can differ from the next by a third.
ROUNDS = 3
SUMMED = ("deliveries", "expected_deliveries", "closes")


async def one(setting: Setting, which: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        rooms = await prepare_rooms(data if which == "netwerkbord" else None, setting)
        server: Running = await (start_ours(data) if which == "netwerkbord" else STARTERS[which]())
        baseline = server.memory_kib("VmRSS")
        try:
            result = await run(server, setting, rooms)
        finally:
            await server.stop()
        result["rss_before_clients_mib"] = round(baseline / 1024, 1)
        print(
            f"  {which:12} median {result['median_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, "
            f"cpu {result['cpu_seconds']} s (user {result['cpu_user_seconds']}), {result['deliveries']}/"
            f"{result['expected_deliveries']} delivered",
            flush=True,
        )
        return result


def combined(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """One server's rounds of one setting: the median of each figure, deliveries summed,
    converged only if every round converged, and each round's CPU and p99 kept."""
    result: dict[str, Any] = {}
    for key, value in rounds[0].items():
        values = [round_[key] for round_ in rounds]
        if key in SUMMED:
            result[key] = sum(values)
        elif isinstance(value, bool):
            result[key] = all(values)
        elif isinstance(value, int | float):
            result[key] = statistics.median(values)
        else:
            result[key] = value
    result["rounds"] = [
        {key: round_[key] for key in ("cpu_seconds", "p99_ms", "median_ms")} for round_ in rounds
    ]
    return result


async def pipeline_runs() -> dict[str, Any]:
    """The pipeline alone: with counting sockets, with real ones, and at a typing pace."""
    return {
        "counters": await pipeline.measure(),
        "sockets": await pipeline.measure(sockets=10),
        "sockets_paced": await pipeline.measure(300, sockets=10, pace_ms=30),
        "sqlite_commit": commits.measure(),
    }


async def main(quick: bool) -> None:
    settings = SETTINGS
    if quick:
        settings = [
            Setting(s.name, min(s.rooms, 20), s.clients, s.interval_ms, 5_000) for s in SETTINGS
        ]
    results: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "workers": WORKERS,
        "rounds": 1 if quick else ROUNDS,
        "settings": [],
    }
    for setting in settings:
        print(setting.name, flush=True)
        entry = {
            "name": setting.name,
            "interval_ms": setting.interval_ms,
            "duration_ms": setting.duration_ms,
        }
        rounds: dict[str, list[dict[str, Any]]] = {which: [] for which in SERVERS}
        for _ in range(1 if quick else ROUNDS):
            for which in SERVERS:
                rounds[which].append(await one(setting, which))
        for which in SERVERS:
            entry[which] = combined(rounds[which])
        results["settings"].append(entry)
    many = results["settings"][-1]
    results["memory_per_board_kib"] = {
        which: round(
            (many[which]["rss_with_rooms_open_mib"] - many[which]["rss_before_clients_mib"])
            * 1024
            / settings[-1].rooms
        )
        for which in SERVERS
    }
    print("where the CPU goes, step by step", flush=True)
    results["sections"] = await sections.measure(settings[-1])
    with tempfile.TemporaryDirectory() as folder:
        results["history"] = await history.measure(Path(folder))
    with tempfile.TemporaryDirectory() as folder:
        results["phone"] = await phone.measure(Path(folder))
    results["pipeline"] = await pipeline_runs()
    results["instructions"] = await instructions.measure()
    out = BENCH / "results" / ("quick.json" if quick else "latest.json")
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    if not quick:
        report.write(results)
    print(json.dumps({k: v for k, v in results.items() if k != "settings"}, indent=2))


async def phone_only() -> None:
    """Measure the phone's download again into the last full run's results."""
    out = BENCH / "results" / "latest.json"
    results = json.loads(out.read_text())
    with tempfile.TemporaryDirectory() as folder:
        results["phone"] = await phone.measure(Path(folder))
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    report.write(results)
    print(json.dumps(results["phone"], indent=2))


if __name__ == "__main__":
    if "--phone-only" in sys.argv:
        asyncio.run(phone_only())
    else:
        asyncio.run(main(quick="--quick" in sys.argv))
