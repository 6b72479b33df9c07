"""Where our server's CPU goes during a setting, step by step.

`python -m bench.sections`: runs 200 rooms of 10 clients against our server, started through
this module (`python -m bench.uncompiled bench.sections --serve ...`), which wraps the steps
of a keystroke's way through the server and adds up the CPU time of the thread running each
(`time.thread_time_ns`: user and kernel). The server runs uncompiled here (bench/uncompiled.py):
the wrappers need its Python classes. Steps do not overlap: a step's time excludes the
steps inside it, so the rows add up. What no step covers is the rest of the main thread's
time: the event loop, ASGI, tasks, timers, metrics. The garbage collector is timed as a step
(`gc.callbacks`), whichever thread it runs on (nearly always the main one). The database
thread is counted whole. Each measurement costs about 2 µs itself, so the figures are a
little high; `make bench` runs this after the settings and writes the table into
docs/performance.md.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from pycrdt import Doc

from bench.scenario import SETTINGS, Setting, prepare_rooms, run
from bench.servers import Running, start_ours
from server import cli, policy
from server.fastpath.inbound import BoardSocketProtocol
from server.store.journal import UpdateJournal
from server.sync import protocol
from server.sync.connection import DocumentUpdate
from server.sync.presence import Presence
from server.sync.room import Room
from server.sync.staging import Staging

SNAPSHOTS = "NETWERKBORD_BENCH_SECTIONS"
_clock = time.thread_time_ns


class Steps:
    """Thread CPU per step; time spent in a step nested inside another counts for the inner one."""

    def __init__(self) -> None:
        self.totals: dict[str, list[int]] = {}  # step -> [nanoseconds, calls]
        self._inner = threading.local()

    def wrap(self, owner: Any, name: str, step: str) -> None:
        original = getattr(owner, name)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            token = self.start()
            try:
                return original(*args, **kwargs)
            finally:
                self.stop(step, token)

        setattr(owner, name, timed)

    def start(self) -> tuple[int, int]:
        nested = getattr(self._inner, "ns", 0)
        self._inner.ns = 0
        return _clock(), nested

    def stop(self, step: str, token: tuple[int, int]) -> None:
        started, nested = token
        spent = _clock() - started
        total = self.totals.setdefault(step, [0, 0])
        total[0] += spent - self._inner.ns
        total[1] += 1
        self._inner.ns = nested + spent


def _time_garbage_collection(steps: Steps) -> None:
    """Collections run inside whatever step allocated last: time them as a step of their own."""
    running: list[tuple[int, int]] = []

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            running.append(steps.start())
        elif running:
            steps.stop(f"garbage collection (generation {info['generation']})", running.pop())

    gc.callbacks.append(callback)


def _thread_seconds() -> dict[str, float]:
    """CPU seconds of the main thread and of all the others, from /proc."""
    main, others = 0.0, 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    for task in Path("/proc/self/task").iterdir():
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds = (int(fields[11]) + int(fields[12])) / ticks
        if int(task.name) == os.getpid():
            main += seconds
        else:
            others += seconds
    return {"main": main, "others": others}


def _serve(argv: list[str]) -> int:
    steps = Steps()
    steps.wrap(
        BoardSocketProtocol,
        "data_received",
        "reading frames, and of handling their messages what no other row times",
    )
    steps.wrap(protocol, "decode", "decoding a message (y-protocols)")
    steps.wrap(
        Staging,
        "stage",
        "staging: the update applied to the room's document, its events read, the schema",
    )
    steps.wrap(Doc, "apply_update", "applying to a document (Yrs)")
    steps.wrap(policy, "check", "roles (policy.check)")
    steps.wrap(UpdateJournal, "write", "writing to the update journal")
    steps.wrap(DocumentUpdate, "of", "encoding and framing the update once")
    steps.wrap(Room, "_broadcast", "writing to the other clients' sockets")
    steps.wrap(Presence, "apply", "awareness")
    _time_garbage_collection(steps)
    out = Path(os.environ[SNAPSHOTS])

    def snapshot_every_second() -> None:
        while True:
            time.sleep(1)
            line = {"time": time.time(), "threads": _thread_seconds(), "steps": steps.totals}
            with out.open("a") as file:
                file.write(json.dumps(line) + "\n")

    threading.Thread(target=snapshot_every_second, daemon=True).start()
    return cli.main(argv)


def _between(snapshots: list[dict[str, Any]], start: float, end: float) -> dict[str, Any]:
    first = min(snapshots, key=lambda s: abs(s["time"] - start))
    last = min(snapshots, key=lambda s: abs(s["time"] - end))
    steps = {
        step: {
            "seconds": round((ns - first["steps"].get(step, [0, 0])[0]) / 1e9, 2),
            "calls": calls - first["steps"].get(step, [0, 0])[1],
        }
        for step, (ns, calls) in last["steps"].items()
    }
    main = last["threads"]["main"] - first["threads"]["main"]
    accounted = sum(step["seconds"] for step in steps.values())
    return {
        "window_seconds": round(last["time"] - first["time"], 1),
        "main_thread_seconds": round(main, 2),
        "other_threads_seconds": round(last["threads"]["others"] - first["threads"]["others"], 2),
        "steps": dict(sorted(steps.items(), key=lambda item: -item[1]["seconds"])),
        "rest_of_main_thread_seconds": round(main - accounted, 2),
    }


async def measure(setting: Setting) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        snapshots = data / "sections.jsonl"
        rooms = await prepare_rooms(data, setting)
        server: Running = await start_ours(
            data,
            entry=("-m", "bench.uncompiled", "bench.sections", "--serve"),
            env={SNAPSHOTS: str(snapshots)},
        )
        try:
            result = await run(server, setting, rooms)
            end = time.time()
            await asyncio.sleep(1.5)  # one more snapshot after the window
        finally:
            await server.stop()
        lines = [json.loads(line) for line in snapshots.read_text().splitlines()]
    sections = _between(lines, end - result["wall_seconds"], end)
    sections["keystrokes"] = result["edits"]
    sections["setting"] = setting.name
    return sections


def per_keystroke_table(sections: dict[str, Any]) -> str:
    keystrokes = sections["keystrokes"]

    def row(name: str, seconds: float) -> str:
        return f"| {name} | {seconds:.2f} s | {seconds / keystrokes * 1e6:.0f} µs |"

    rows = [row(step, value["seconds"]) for step, value in sections["steps"].items()]
    rest = (
        "the rest of the main thread: the event loop and its waits for events, ASGI, the "
        "room's task, handing the journal's records to the database thread, "
        "metrics, the clock's own cost"
    )
    rows.append(row(rest, sections["rest_of_main_thread_seconds"]))
    rows.append(row("the database thread (folding the journal)", sections["other_threads_seconds"]))
    return "\n".join(["| step | CPU | per keystroke |", "|---|---|---|", *rows])


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        sys.exit(_serve(sys.argv[2:]))
    measured = asyncio.run(measure(SETTINGS[-1]))
    print(json.dumps(measured, indent=2, ensure_ascii=False))
    print(per_keystroke_table(measured))
