"""Instructions per keystroke, counted by valgrind: figures the host's load does not move.

The settings' CPU seconds move by a tenth or more from one run to the next on this shared
machine, so a change worth a few percent cannot be told from noise there. valgrind's
callgrind counts the instructions the process runs instead, the same for the same code and
inputs whatever the host is doing. Each figure is counted with two numbers of keystrokes;
the difference, divided by the keystrokes between them, leaves out the start (imports, the
database, connecting). Two figures:

- the pipeline: `bench.pipeline` (counting sockets, keystrokes back to back) under callgrind;
- the whole server: `netwerkbord serve` under callgrind, one board of ten real WebSocket
  clients on loopback, one typing, the next keystroke sent once the last has reached the
  others: every step from the socket's read to the nine writes, each keystroke alone.

What neither can show is what the settings show most: code and data that are cold in the
caches at every keystroke. `python -m bench.instructions`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from pycrdt import Array, Doc
from websockets.asyncio.client import ClientConnection, connect

from bench.keystrokes import card_then_keystrokes
from bench.scenario import Setting, prepare_rooms
from bench.servers import start_ours
from server.sync import protocol

FEWER, MORE = 1000, 3000
CLIENTS = 10
_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")
_CALLGRIND = ("valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null")


def _counted(valgrind_output: str) -> int:
    found = _REFS.search(valgrind_output)
    if found is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{valgrind_output[-2000:]}")
    return int(found.group(1).replace(",", ""))


def _instructions(keystrokes: int) -> int:
    run = subprocess.run(
        [
            *_CALLGRIND,
            sys.executable,
            "-m",
            "bench.pipeline",
            str(keystrokes),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return _counted(run.stderr)


async def _server_instructions(keystrokes: int) -> int:
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        (clients,) = await prepare_rooms(data, Setting("one board", 1, CLIENTS, 0, 0))
        log = data / "valgrind.log"
        server = await start_ours(
            data,
            env={"NETWERKBORD_MESSAGES_PER_SECOND": "1e9"},  # one client types as fast as it can
            under=(*_CALLGRIND, f"--log-file={log}"),
            ready_seconds=600,
        )
        try:
            async with contextlib.AsyncExitStack() as stack:
                sockets = [
                    await stack.enter_async_context(
                        connect(
                            f"{server.client_url}/{c['room']}?token={c['token']}", max_queue=None
                        )
                    )
                    for c in clients
                ]
                await _type(sockets, clients[0]["me"], keystrokes)
        finally:
            await server.stop()
        return _counted(log.read_text())


async def _type(sockets: list[ClientConnection], author: str, keystrokes: int) -> None:
    """The first socket types; the second watches each keystroke arrive before the next."""
    boards = [await _synced(socket) for socket in sockets]
    typist, watcher = sockets[0], sockets[1]
    card, *typed = card_then_keystrokes(boards[0], author, keystrokes)
    await typist.send(protocol.sync_update(card))
    seen: Doc[Any] = Doc()
    seen.apply_update(boards[1])
    while not len(seen.get("worries", type=Array)):  # what came before the card came first
        seen.apply_update(await _next_update(watcher))
    for keystroke in typed:
        await typist.send(protocol.sync_update(keystroke))
        await _next_update(watcher)


async def _synced(socket: ClientConnection) -> bytes:
    """Ask for the board, as y-websocket does on connecting; returns it."""
    await socket.send(protocol.sync_step1(b"\x00"))
    return await _next_update(socket)


async def _next_update(socket: ClientConnection) -> bytes:
    while True:
        message = protocol.decode(await asyncio.wait_for(socket.recv(), 120))
        if isinstance(message, protocol.SyncUpdate):
            return message.update


def _per_keystroke(fewer: int, more: int) -> dict[str, Any]:
    return {
        "keystrokes": [FEWER, MORE],
        "instructions": [fewer, more],
        "per_keystroke": round((more - fewer) / (MORE - FEWER)),
    }


async def measure() -> dict[str, Any] | None:
    """None where valgrind is not installed (it is not needed for anything else)."""
    if shutil.which("valgrind") is None:
        return None
    pipeline = _per_keystroke(_instructions(FEWER), _instructions(MORE))
    server = _per_keystroke(await _server_instructions(FEWER), await _server_instructions(MORE))
    return {**pipeline, "server": server}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(measure()), indent=2))
