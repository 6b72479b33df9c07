"""docs/performance.md from a benchmark run."""

from __future__ import annotations

import platform
from pathlib import Path
from typing import Any

from bench.sections import per_keystroke_table

DOCS = Path(__file__).resolve().parent.parent / "docs" / "performance.md"


def _machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        line.split()[1]
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    cores = sum(
        1 for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("processor")
    )
    return f"{cores} cores ({cpu}), {int(memory) // 1024 // 1024} GiB, {platform.platform()}"


def _each(result: dict[str, Any], key: str) -> str:
    decimals = 2 if key == "cpu_seconds" else 1
    return " / ".join(f"{r[key]:.{decimals}f}" for r in result["rounds"])


def _delivered(result: dict[str, Any]) -> str:
    return f"{result['deliveries']}/{result['expected_deliveries']}, {result['converged']}"


def _rounds(results: dict[str, Any]) -> str:
    rounds = results["rounds"]
    if rounds == 1:
        return "These are one run's figures."
    return (
        f"Each figure is the median of {rounds} rounds, the three servers in turn within each "
        "round (delivered and expected are summed over the rounds); the CPU and p99 of every "
        "round are in the table too."
    )


def _figure(value: float) -> str:
    return f"{value:,.0f}" if isinstance(value, int) or value >= 1000 else f"{value:.1f}"


def _ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}" if theirs else "-"


def write(results: dict[str, Any]) -> None:
    rows = []
    for setting in results["settings"]:
        ours, ref = setting["netwerkbord"], setting["reference"]
        floor = setting["floor"]
        for key, label in (
            ("median_ms", "median ms"),
            ("p95_ms", "p95 ms"),
            ("p99_ms", "p99 ms"),
            ("max_ms", "max ms"),
            ("cpu_seconds", "server CPU s"),
            ("cpu_user_seconds", "of which user s"),
            ("cpu_kernel_seconds", "of which kernel s"),
            ("write_calls", "write system calls"),
            ("read_calls", "read system calls"),
            ("peak_rss_mib", "peak memory MiB"),
        ):
            rows.append(
                f"| {setting['name']} | {label} | {_figure(ours[key])} | {_figure(floor[key])} | "
                f"{_figure(ref[key])} | {_ratio(ours[key], ref[key])} | {_ratio(floor[key], ref[key])} |"
            )
        by_round = (
            ("cpu_seconds", "server CPU s, round by round"),
            ("p99_ms", "p99 ms, round by round"),
        )
        for key, label in by_round:
            rows.append(
                f"| {setting['name']} | {label} | {_each(ours, key)} | {_each(floor, key)} | "
                f"{_each(ref, key)} | | |"
            )
        rows.append(
            f"| {setting['name']} | delivered / expected, converged | {_delivered(ours)} | "
            f"{_delivered(floor)} | {_delivered(ref)} | | |"
        )
    history = results["history"]
    phone = results["phone"]
    phone_rows = "\n".join(f"| `{name}` | {size:,} |" for name, size in phone["bytes"].items())
    per_board = results.get("memory_per_board_kib", {})
    text = f"""# Performance

Measured by `make bench` (`python -m bench`) on {results["date"]}.

Machine: {_machine()}. The benchmark starts our server exactly as in production
(`netwerkbord serve`, SQLite store, every update committed before it is broadcast) and, in
the same run with the same clients, the reference server `@y/websocket-server` 0.1.1 with
`yjs` 13 (no persistence). Clients are real `yjs` + `y-websocket` clients in {results["workers"]}
Node processes, each process holding whole rooms, every client typing one character at a
time into its own card at a human pace (the interval is the mean pause between keystrokes,
jittered ±50%). Latency is edit-to-visible: from the keystroke on one client to its arrival
on every other client of the room, measured on one clock. Loopback only.

A third server runs in each setting with the same clients: the *floor* (`bench/floor.py`),
the reference's job done on our stack. It is built from the server's own parts (uvicorn,
Starlette, pycrdt, our wire format and direct writes) and does only what the reference
does: one document per room, every update applied and relayed, no schema, roles, storage
or tokens. Reference against floor is the cost of the stack; floor against Netwerkbord is
the cost of what our server does on top.

| setting | measure | Netwerkbord | floor | reference | Netwerkbord / reference | floor / reference |
|---|---|---|---|---|---|---|
{chr(10).join(rows)}

Settings: {", ".join(f"{s['name']} (a keystroke every {s['interval_ms']} ms per client, {s['duration_ms'] // 1000} s)" for s in results["settings"])}.
System calls are the server process's, every thread, while the clients type
(`syscr` and `syscw` in `/proc/<pid>/io`): socket reads and writes, and for Netwerkbord the
database's reads and writes of its files too.

{_rounds(results)} The tail (p99, max) of the same code moves between runs on a machine whose
cores the clients share: at 200 boards, from under 100 ms to over a second from one run to
the next. Compare runs, not single figures, before reading much into a difference smaller
than about a third. {_machine_speed(results)}

Memory per open board (resident memory with the 200 boards of 10 clients open, less the
server's memory before any client came, divided by 200; includes the ten connections):
Netwerkbord {per_board.get("netwerkbord", "-")} KiB, floor {per_board.get("floor", "-")} KiB,
reference {per_board.get("reference", "-")} KiB.

## Opening a board with a long history

A board with {history["updates"]:,} stored updates, opened by the first client to connect
(server-side time from the `room opened` log line):

| log | open time |
|---|---|
| {history["updates"]:,} updates, not compacted | {history["open_uncompacted_ms"]} ms |
| compacted into one snapshot | {history["open_compacted_ms"]} ms |

The server compacts a board's log after 1,000 updates and when it leaves memory, so in
practice a board opens from a snapshot and a short tail.

## What a phone downloads to join

Bytes on the wire (static files gzip-compressed as served; the page itself is not
compressed on purpose, see docs/security.md), for the demo case's board:

| resource | bytes |
|---|---|
{phone_rows}
| **total** | **{phone["total_bytes"]:,}** |

Budget: under 150 KB.

## Targets

{_verdict(results)}

## Where the time goes

{_sections(results)}

{_pipeline(results)}

Measured along the way (py-spy, strace, perf, and the gc module's callbacks, on the settings
above):

- **Sending.** Each recipient used to cost a pass through Starlette's and uvicorn's send
  coroutines, a sender-task wake-up and websockets framing the same message again. A
  broadcast is now framed once and written to each socket directly (docs/architecture.md,
  "Broadcast"). What is left per recipient is the write itself: about 4 µs of user time
  and 7 µs in the kernel on this machine for a small frame on loopback (uvloop
  `transport.write`), the same system call the Node server makes; about 20 µs under the
  load of the steps' table.
- **Awareness echoes.** y-websocket sends every awareness message it receives straight back
  to the server. Relayed one by one, the 15-second renewals of 2,000 clients came back as
  18,000 messages within two seconds, and that wave was what the p99 at 200 boards was made
  of. Renewals now wait up to 2 s and go out together (docs/protocol.md, "Awareness"): one
  echo per client per wave.
- **Staging.** A keystroke used to cost two decoded state vectors, a listing of every root
  and several reads of the card, each its own pycrdt transaction, and pycrdt's conversion
  of every event into Python objects. Now: state vectors are compared only for an update
  that no event shows, the root count comes from Yrs directly, the card's author from the
  document's author mirror, the update and the reads after it share one transaction, and
  a keystroke's event is read straight from Yrs (its place and the text's new length).
- **The stack is not what costs; our pipeline is.** {_floor_summary(results)}
- **What the reference does not do.** It keeps nothing: no schema, no roles, no storage.
  Every update here is checked against the board schema and the sender's role, written to
  the update journal that the database thread folds into SQLite, before anyone sees it.
- **One document per room.** Until 2026-11-23 every update was applied twice: to a
  staging copy to be judged, and once stored to the live board. It is now judged on the
  room's one document and taken back if refused or not stored (docs/architecture.md).
  Three rounds each at 200 boards, in turn with the version before: 17.5/18.0/18.4 s of CPU
  before, 17.3/17.0/17.0 s after; at 1 board of 50, 1.65-1.97 s against 1.89-1.98 s, no
  difference the runs can show there.
- **No hand-over to the room's worker.** With the update journal nothing in the pipeline
  waits, so a keystroke that finds its room idle now goes through it in the task that read
  it, in the same order as through the worker (docs/architecture.md, "Stored before
  broadcast"). `python -m bench.pipeline` back to back: 143-180 µs per keystroke against
  183-215 µs (three runs each, in turn). With real clients, three rounds each in turn:
  15.3-17.9 s against 16.9-17.7 s at 200 boards and 0.77-0.87 s against 0.72-0.85 s at
  1 board of 10, no difference the runs can show. Kept for the pipeline's figures (less
  work for every keystroke), not for a gain the settings have shown.
- **Counting, decoding and staging a keystroke.** Five counts a keystroke (bytes in and
  out, messages sent, updates stored, the store's time) went through prometheus_client,
  which takes a lock for each: 20-26 µs of a keystroke at 200 boards, timed as the steps
  are. They are now plain numbers the registry reads when scraped (server/metrics.py). A
  short live edit is decoded without building a reader (4.3 µs to 1.0 µs warm); staging
  applies the update and reads after it in one pycrdt transaction instead of two, and a
  keystroke's one event skips the general paths (staging 19.4 µs to 14.9 µs warm).
  Instructions per keystroke through the pipeline (`python -m bench.instructions`, above):
  472,683 before, 421,035 and 422,277 after (11% fewer). With real clients, in turn with
  the version before, the rounds could not tell them apart: at 1 board of 50 1.22/1.21/1.14 s
  against 1.25/1.31/1.25 s on a quiet host and 1.57/1.79/1.79 s against 1.67/1.56/1.72 s on
  a busy one; at 200 boards, nine rounds each, medians 14.8 s against 15.0 s (12.8-16.6 s
  against 11.8-17.3 s). Kept: less work for every keystroke, and no behaviour changed.
- **Reading, and a keystroke's path through the server** (2026-11-24). Profiled with
  `perf` (which samples only time on a core, `-e cpu-clock`) and py-spy's `--gil` mode at
  200 boards, the floor and our server spent about a sixth of their CPU between the socket
  and the message: websockets' frame parser (a generator, a stream reader and a frame
  object per frame), uvicorn's walk over its events, its queue, the pause and resumption
  of reading, and the endpoint's task woken and resumed through a dozen ASGI coroutine
  frames for every message. The server now runs uvicorn with its own protocol class
  (server/sync/inbound.py; docs/architecture.md, "Reading"), which reads whole binary
  frames itself and hands their messages to the room as they are read, when they need no
  waiting. The same was tried on 2026-11-23 with websockets' parser kept and the message
  handed to the room's worker task: the settings could not tell it apart then, and it was
  not kept. Counted instead (`python -m bench.instructions`, the whole server, each commit
  in turn): 439,213 instructions per keystroke before; 410,835 with the frames read by us;
  388,359 with staging calling Yrs inside its one transaction, one call per direct write,
  update messages framed without pycrdt's helpers and awareness states already checked not
  parsed again; 356,057 with messages handled as they are read; 340,491 with the socket's
  writability read from a flag, no clock read per recipient (the heartbeat became a flag)
  and slot dataclasses for the three objects made per keystroke; 332,442 with the time on
  each journal record formatted once a second (server/clock.py): 24% fewer in all. The
  server now also pings every 30 s, with 30 s to answer, as the reference does (uvicorn's
  default was every 20 s), and so does the floor. With
  real clients at 200 boards, in turn with the reference on a quiet host: 8.57 and 8.61 s
  of CPU against 7.60 and 7.52 s, then 8.61 and 8.50 s against 7.92 and 7.61 s (10.93 s
  against 8.48 s in the run before). The floor reads the same way now: it is the stack's
  cost, and the stack got cheaper.
- **Where the interpreter's time goes, counted** (2026-12-03). Sampled with `perf` at 200
  boards, 46% of our server's CPU was in the Python interpreter against 31% of the floor's;
  the kernel's share was the same for both. Counted through the whole server (one typist
  of ten, every function's bytecodes traced with `sys.settrace`'s opcode events), a
  keystroke ran 2,343 bytecodes: 640 of them (27%) in the three calls made for each
  recipient of a broadcast, 113 in pycrdt's transaction wrapper around staging. Now
  whether a frame may go straight to a client's socket (open, no close frame sent, no
  extension, the buffer not full) and whether the next byte read starts a frame are flags
  the protocol keeps, updated where uvicorn and websockets change what they depend on
  (server/sync/inbound.py), instead of five checks, one of them a property of websockets,
  for every recipient and every frame; a broadcast goes over its recipients in one loop
  (`Connection.send_to_each`); staging's transaction is Yrs's own. Instructions per
  keystroke through the whole server, each commit in turn: 332,198, then 309,592 (the
  flags), 300,973 (Yrs's transaction), 297,084 (one loop): 11% fewer. The floor, counted
  the same way, runs 83,884. About 26,000 of either count are Yrs measuring the card's text
  whenever it merges a new character into the one before it (`ItemContent::len`, which
  counts a string's UTF-16 length character by character, called from `try_squash`): the
  count types 1,000 to 3,000 characters into one card, so that part grows with the card,
  where a card in a meeting holds at most 4,000 and mostly far fewer. With real clients
  the first two of these changes were measured by the run of 2026-12-03 19:31 UTC on a
  busy host (a bare commit 30.0 µs against 17.6 µs on 2026-11-24): CPU at 200 boards
  11.78 s against the reference's 11.47 s (rounds 11.78/12.40/10.79 s against
  11.61/11.35/11.47 s), 1.03 times, where it was 1.10 times before; the run after the
  third (20:00 UTC) had 1.02 times.
- **The keystroke's path compiled** (2026-12-03). The nine modules a keystroke runs through
  are compiled with mypyc (docs/architecture.md, "The keystroke's path compiled"): whole
  server 297,929 instructions per keystroke uncompiled, 251,686 compiled (`python -m
  bench.instructions`), 16% fewer; without the 26,000 of Yrs's that grow with the card, 17%.
  Four more modules (wire, endpoint, the fan-out's base, the SQLite store) took it to
  246,440, another 2%: not taken, too little for putting the store's threads and its many
  paths under a new compiler. With real clients at 200 boards, in turn with the uncompiled
  server on a busy host: 11.95 and 11.86 s of CPU against 12.21 and 13.02 s. This page's
  tables are of the compiled server (the run of 2026-12-03 21:58 UTC, on a busy host: a bare
  commit 29.1 µs), but for the steps' table above, which needs Python functions to wrap.
- **Keystrokes that come alone.** {_per_keystroke(results)} The steps' table above says
  where; each step costs several times what it costs warm, as the paced row of the
  pipeline's table shows too: the server shares the two cores with four Node processes
  holding 2,000 clients, and every write wakes one of them.
- **The median at 200 boards.** It moves most from round to round, ours most: on a busy
  host ours has been several times the floor's and the reference's (14.0 ms against 4.1
  and 4.6 ms in the run of 2026-11-23 21:27 UTC), on a quiet one all three are about a
  millisecond. A thousand keystrokes a second at about 290 µs each (360-600 µs until
  2026-11-23) keep the main thread busy a quarter to a third of the time, and it shares two cores with the clients' four Node
  processes, so when the host is slow keystrokes wait for one another. Less CPU per
  keystroke is the way to a steadier median here, as it is to the CPU target.
- **Garbage collection.** A full collection with 2,000 connections open (about 360,000
  tracked objects) pauses the process for 100-300 ms. They came while clients connected
  and left, not while they typed: in the steps' table the collector's share of the typing
  is small. Freezing what the process loads at start (`gc.freeze()`, about 50,000 objects)
  shortened the full passes by less than a tenth (two rounds each) and changed nothing
  else measurable, so it was not kept.
- **Sampling profilers mislead here.** py-spy samples wall time: a thread that is ready to
  run but waiting for a core counts as busy where it stands, and on two shared cores that
  is often. With the steps timed, it put over half of the untimed rest in the clock reads,
  where the kernel often hands the core to another process. The steps' table uses each
  thread's own CPU clock instead.

Tried and not kept:

- Group commit on the event loop instead of the database thread (appends gathered for one
  turn of the loop, committed on the loop's own connection). Two rounds at 200 boards:
  17.9 and 17.7 s of CPU against 17.6 and 17.7 s with the thread, and a worse median, since
  the loop then waits for every commit. The hand-off to the thread is not where the CPU goes.
- Running a keystroke that finds its room idle straight in the task of the connection that
  read it while appends still waited for a commit (an `asyncio.Lock` kept the order with
  batches the worker takes). Three rounds at 1 board of 50 and two at 200 boards, in turn
  with the version before: 2.38-2.60 s against 2.33-2.46 s, and 17.87/18.12 s against
  17.74/18.40 s. No difference the runs can show. (Kept since in a simpler form, above.)
- Committing every append on the event loop whenever the database thread is idle, not only
  one that comes 5 ms after the last (`ALONE_SECONDS = 0`). Two rounds at 200 boards:
  17.98 and 18.35 s of CPU against 17.21 and 17.69 s. At a thousand keystrokes a second a
  commit on the loop comes cold more often than one on the thread.
- `executemany` for the rows of one commit (ids read back with `last_insert_rowid()`):
  148-183 µs per five-board commit against 171-183 µs; the time is in SQLite's own work per
  row (the table, its index, the AUTOINCREMENT counter, the foreign key), not in Python.
  (The journal's fold now uses `executemany`: it reads no ids back.)
- Holding awareness renewals 8 s instead of 2 s (docs/protocol.md, "Awareness"), to
  gather more of a room's renewals into each message and so draw fewer echoes. At 200
  boards, two rounds each (2026-12-03): 43,210 and 43,601 reads and 333,741 and 334,038
  writes with 2 s, 43,579 and 42,927 reads and 335,659 and 332,301 writes with 8 s. The
  renewal waves are not where the typing window's CPU goes; 2 s keeps presence closer to
  what the clients hold.
- Higher thresholds for the garbage collector (`gc.set_threshold(20000, 50, 100)`), one
  round at 200 boards: 18.34 s of CPU against 17.63 s. Nothing the runs can show.
- Folding the update journal every 2 s instead of every 0.5 s (fewer cold transactions on
  the database thread when few type). Three rounds each, in turn: 0.64-0.73 s of CPU
  against 0.59-0.77 s at 1 board of 10, 1.86-1.98 s against 1.74-1.95 s at 1 board of 50.
  Nothing the runs can show, and a backup would lack more of the newest edits.

Next, in order of expected gain: run several processes behind nginx on PostgreSQL and Redis
(docs/deploy.md: rooms spread over processes and cores, the supported way past one core
today); fewer instructions per keystroke in our own code, which `bench.instructions`
counts steadily enough to judge a change of a few percent (what is left of ours: staging's
Yrs work, its events read into Python, the check for a new root, which asks Yrs for every
root, the policy, the journal's record and write, the database thread's fold, about 3% of
the CPU at 200 boards, most of it SQLite's own work for each row, and the pings and pongs,
which still go through websockets); keep the objects of long-lived connections out of the
garbage collector's full passes.

Durability is not traded for speed: every update is stored before it is broadcast, in
every setting above (in the update journal, which a killed server loses no more of than a
SQLite commit with `synchronous=NORMAL`: nothing).
"""
    DOCS.write_text(text)


def _machine_speed(results: dict[str, Any]) -> str:
    """The speed of the machine in this run, from the bare commit: it is a virtual machine
    whose host is sometimes busy, and then every figure above moves together."""
    commit = (results.get("pipeline") or {}).get("sqlite_commit")
    if not commit:
        return ""
    return (
        f"How fast the machine was during this run: a bare SQLite commit, back to back, took "
        f"{commit['cpu_us_back_to_back']} µs of CPU (19-20 µs on a quiet machine of this kind). "
        "When its host is busy that figure rises and every other moves with it, the tail at "
        "200 boards most: on 2026-11-23, with 25-41 µs per commit, both servers' p99 there "
        "was 390-1,610 ms from run to run (in three runs that afternoon, ours 730-1,500 ms "
        "and the reference's 740-1,610 ms, with neither ahead every time), against about "
        "75-175 ms on quieter runs."
    )


def _floor_summary(results: dict[str, Any]) -> str:
    parts, ratios = [], []
    for setting in results["settings"]:
        ours, floor, ref = setting["netwerkbord"], setting["floor"], setting["reference"]
        ratios.append(floor["cpu_seconds"] / ref["cpu_seconds"])
        parts.append(
            f"{setting['name']}: floor {floor['cpu_seconds']:.2f} s ({floor['cpu_user_seconds']:.2f} s "
            f"user), reference {ref['cpu_seconds']:.2f} s ({ref['cpu_user_seconds']:.2f} s user), "
            f"Netwerkbord {ours['cpu_seconds']:.2f} s ({ours['cpu_user_seconds']:.2f} s user)"
        )
    return (
        f"The floor, the reference's job on our stack, used {min(ratios):.2f} to "
        f"{max(ratios):.2f} times the reference's CPU in this run: " + "; ".join(parts) + ". "
        "Until 2026-11-23 the floor used 0.65 to 1.01 times the reference's CPU: Python, "
        "uvicorn, websockets and asyncio relayed a room's keystrokes for about what Node and "
        "`ws` spend. Since 2026-11-24 it reads frames and hands messages over as our server "
        'does (below, "Reading"), for less. The difference between Netwerkbord and the floor is what our '
        "server does that the reference does not (below), and almost all of it user time: "
        "the kernel's share, mostly the socket writes and reads, is about the same for both. "
        "(Until the floor was measured, this page put the difference to the reference down "
        "to Python's cost per message; the floor shows that was wrong.)"
    )


def _sections(results: dict[str, Any]) -> str:
    sections = results.get("sections")
    if not sections:
        return "(The steps were not timed in this run.)"
    keystrokes = sections["keystrokes"]
    steps = sections["steps"]

    def seconds(prefix: str) -> float:
        return sum(value["seconds"] for step, value in steps.items() if step.startswith(prefix))

    ours_only = (
        (  # µs per keystroke in the steps the floor does not have
            seconds("staging")
            + seconds("roles")
            + seconds("writing to the update journal")
            + sections["other_threads_seconds"]
        )
        / keystrokes
        * 1e6
    )
    return f"""Our server at {sections["setting"]}, its keystrokes' steps timed (`python -m
bench.sections`: the same setting, the server started uncompiled with each step wrapped in a
thread CPU clock; a step's time excludes the steps inside it, so the rows add up; about 2 µs
of the clock's own cost per step and call). Over the {sections["window_seconds"]} s of typing the
main thread used {sections["main_thread_seconds"]} s of CPU for {keystrokes:,} keystrokes
({sections["main_thread_seconds"] / keystrokes * 1e6:.0f} µs each):

{per_keystroke_table(sections)}

Each step costs several times here what it costs alone in a loop (staging a keystroke
takes about 15 µs back to back on this machine, of which the apply about 4 µs): the server
shares two cores with four Node processes, so a keystroke seldom finds the server's code
and data still in the caches. The steps the floor does not have (staging, roles, the
journal and the database thread; staging's apply, which the floor does too, is in the
staging row since staging calls Yrs directly, and the applying row holds only what else
applies an update) come to about {ours_only:.0f} µs of a keystroke here; most of the rest of
the difference is in the reading row, where the room's own steps run (the policy's status,
the log entries, settling, the loop over the room's clients), and in the untimed rest."""


def _per_keystroke(results: dict[str, Any]) -> str:
    many = results["settings"][-1]
    ours = many["netwerkbord"]
    keystrokes = ours["edits"]
    return (
        f"At {many['name']} the server spent {ours['cpu_seconds']:.1f} s of CPU on "
        f"{keystrokes:,} keystrokes: about {ours['cpu_seconds'] / keystrokes * 1e6:.0f} µs each."
    )


def _instructions(results: dict[str, Any]) -> str:
    counted = results.get("instructions")
    if not counted:
        return "(Instructions were not counted in this run: valgrind is not installed.)"
    server = counted.get("server")
    whole = (
        f" Through the whole server (`netwerkbord serve` under callgrind, ten real WebSocket "
        "clients on loopback, one typing, each keystroke sent once the last has reached the "
        "others, so that each goes through alone, from the socket's read to the nine "
        f"writes): {server['per_keystroke']:,}."
        if server
        else ""
    )
    return (
        "Instructions per keystroke, which the host's load does not move (`python -m "
        "bench.instructions`, valgrind's callgrind, "
        f"{counted['keystrokes'][0]:,} and {counted['keystrokes'][1]:,} keystrokes, the "
        "difference per keystroke between them). Through the pipeline (the counters row): "
        f"{counted['per_keystroke']:,}, of which the pycrdt client making the keystrokes "
        f"takes about 74,000 (counted alone the same way).{whole} Folding the journal runs "
        "on a timer, so the counts move by about 3% from run to run; a change smaller than "
        "that does not show here either."
    )


def _pipeline(results: dict[str, Any]) -> str:
    runs = results.get("pipeline")
    if not runs or "counters" not in runs:
        return "(The pipeline was not measured in this run.)"
    counters, sockets, paced = runs["counters"], runs["sockets"], runs["sockets_paced"]
    commit = dict.fromkeys(
        (
            "cpu_us_back_to_back",
            "cpu_us_alone",
            "cpu_us_alone_on_a_thread",
            "cpu_us_store_commit_alone",
            "cpu_us_journal_alone",
            "cpu_us_folded",
        ),
        "-",
    )
    commit.update(runs.get("sqlite_commit") or {})
    return f"""The update pipeline alone (`python -m bench.pipeline`: one board on SQLite, a real
pycrdt client's keystrokes fed through `Room.receive`: decode, stage, policy, the update
journal, apply, frame, write to ten connections), CPU per keystroke:

| sockets | keystrokes | CPU per keystroke |
|---|---|---|
| counters (no network) | back to back | {counters["cpu_us_per_keystroke"]} µs |
| 10 real loopback sockets | back to back | {sockets["cpu_us_per_keystroke"]} µs |
| 10 real loopback sockets | {paced["pace_ms"]:.0f} ms apart | {paced["cpu_us_per_keystroke"]} µs |

The last row is the rate of the 1 room × 10 setting (ten people, a keystroke every 300 ms
each): the same work costs several times the CPU when each keystroke comes alone. The
first two rows went up with the update journal (from 83 and 242 µs to 196 and 336 µs): with
no commit to wait for, keystrokes sent back to back no longer pile up behind one and go
through the room in batches of a hundred or more; each goes through on its own, as every
keystroke at a human pace already did. They came down again when a keystroke that finds
its room idle stopped being handed over to the room's worker task.

{_instructions(results)}

Starting cold is what costs on this machine. Storing one keystroke (`python -m
bench.commits`, CPU per keystroke, less the cost of the pauses themselves):

| how | back to back | 30 ms apart |
|---|---|---|
| a one-row SQLite commit (WAL, `synchronous=NORMAL`) | {commit["cpu_us_back_to_back"]} µs | {commit["cpu_us_alone"]} µs |
| the same commit handed to a worker thread and waited for | | {commit["cpu_us_alone_on_a_thread"]} µs |
| the store's one-row commit on its real schema (table, index, foreign key) | | {commit["cpu_us_store_commit_alone"]} µs |
| a write to the update journal | | {commit["cpu_us_journal_alone"]} µs |
| folding the journal into the database, 500 keystrokes of 200 boards a commit | {commit["cpu_us_folded"]} µs | |

The server writes each keystroke to the update journal and folds the journal into the
database on its thread twice a second (docs/architecture.md, "The update journal"). Before,
a keystroke that came alone was committed on the event loop's own connection, and before
that handed to the database thread and back. Run in turn with the version before on the
same machine, the journal took the server's CPU from 1.01-1.02 s to 0.85-0.91 s with one
room of 10 (three rounds each) and from 2.32-2.45 s to 1.97-2.10 s with one room of 50 (two
rounds each); at 200 boards, where appends already shared commits on the database thread,
two rounds each could not tell the two apart (17.42-18.42 s against 17.62-17.84 s). What
is left for a lone keystroke is the write and nine socket writes, each starting cold."""


def _verdict(results: dict[str, Any]) -> str:
    lines = []
    budgets = {"1 room × 50 clients": 50.0, "200 rooms × 10 clients": 100.0}
    for setting in results["settings"]:
        ours, ref = setting["netwerkbord"], setting["reference"]
        line = (
            f"- {setting['name']}: p99 {ours['p99_ms']:.1f} ms against the reference's "
            f"{ref['p99_ms']:.1f} ms ({_ratio(ours['p99_ms'], ref['p99_ms'])}×), "
            f"CPU {ours['cpu_seconds']:.1f} s against {ref['cpu_seconds']:.1f} s"
        )
        budget = budgets.get(setting["name"])
        if budget is not None:
            met = "met" if ours["p99_ms"] < budget else "NOT met"
            line += f"; the {budget:.0f} ms budget is {met}"
        lines.append(line + ".")
    at_or_below = all(
        setting["netwerkbord"][key] <= setting["reference"][key]
        for setting in results["settings"]
        for key in ("p99_ms", "cpu_seconds")
    )
    lines.append(
        "- At or below the reference's p99 and CPU in every setting: "
        f"{'met' if at_or_below else 'NOT met'}."
    )
    history = results["history"]
    compacted, raw = history["open_compacted_ms"], history["open_uncompacted_ms"]
    lines.append(
        f"- Opening a board with {history['updates']:,} updates of history under 100 ms: "
        f"{'met' if compacted < 100 else 'NOT met'} as the server keeps it ({compacted} ms from "
        f"its snapshot); {raw} ms if all {history['updates']:,} were still an uncompacted log, "
        f"which the server never leaves (it compacts after 1,000 updates)."
    )
    phone_bytes = results["phone"]["total_bytes"]
    lines.append(
        f"- The phone page under 150 KB: {'met' if phone_bytes < 150_000 else 'NOT met'} "
        f"({phone_bytes:,} bytes)."
    )
    return "\n".join(lines)
