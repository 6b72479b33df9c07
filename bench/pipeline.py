"""The update pipeline alone, in one process: what one keystroke costs the server between
reading it and writing it to the sockets.

`python -m bench.pipeline [keystrokes] [--sockets N] [--pace MS]`: one board on a real
SQLite store, connections whose sockets are counters (or, with --sockets, N real loopback
sockets read by a small process that only drains them), keystrokes of a real pycrdt client
typing into its own card, back to back (or --pace MS apart, as people type). Each keystroke
goes through Room.receive as a socket read would deliver it: decode, stage, policy, the
update journal (folded into the database on its thread), apply, frame, write.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

from pycrdt import Array

from bench.keystrokes import card_then_keystrokes
from server.access.roles import Role
from server.access.tokens import BoardGrant
from server.boards import create_board
from server.services import build_services
from server.settings import Settings
from server.sync import protocol
from server.sync.connection import Connection
from shared_schema import board_schema

CLIENTS = 10


class CountingSocket:
    """Stands in for a client's socket: takes every frame, keeps only the count."""

    def __init__(self, transport: asyncio.Transport | None = None) -> None:
        self.frames = 0
        self._transport = transport

    @property
    def real(self) -> bool:
        return self._transport is not None

    def try_write(self, frame: bytes) -> bool:
        if self._transport is not None:
            if self._transport.is_closing():
                return False
            self._transport.write(frame)
        self.frames += 1
        return True


DRAIN = """
import select, socket, sys
sockets = [socket.create_connection(("127.0.0.1", int(sys.argv[1]))) for _ in range(int(sys.argv[2]))]
while True:
    for ready in select.select(sockets, [], [])[0]:
        if not ready.recv(65536):
            sys.exit(0)
"""


@contextlib.asynccontextmanager
async def loopback_sockets(count: int) -> AsyncIterator[list[CountingSocket]]:
    """`count` real TCP connections to a process that reads and drops what it gets."""
    transports: list[asyncio.Transport] = []
    everyone = asyncio.Event()

    class Accepting(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            transports.append(transport)  # type: ignore[arg-type]
            if len(transports) == count:
                everyone.set()

    server = await asyncio.get_running_loop().create_server(Accepting, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reader = await asyncio.create_subprocess_exec(
        sys.executable, "-c", DRAIN, str(port), str(count)
    )
    try:
        await asyncio.wait_for(everyone.wait(), 30)
        yield [CountingSocket(transport) for transport in transports]
    finally:
        for transport in transports:
            transport.close()
        server.close()
        await reader.wait()


async def measure(
    keystrokes: int = 3000, sockets: int = 0, pace_ms: float = 0.0
) -> dict[str, float]:
    """With `sockets`, that many real loopback connections; otherwise ten counters."""
    if sockets:
        async with loopback_sockets(sockets) as real:
            return await _measure(keystrokes, real, pace_ms)
    return await _measure(keystrokes, [CountingSocket() for _ in range(CLIENTS)], pace_ms)


async def _measure(
    keystrokes: int, sockets: list[CountingSocket], pace_ms: float
) -> dict[str, float]:
    limit = board_schema().text_limit("worries", "text") or keystrokes
    if keystrokes > limit:
        raise ValueError(f"a card holds {limit} characters; type at most that many")
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings.from_env().with_overrides(data_dir=Path(folder))
        services = build_services(settings)
        await services.store.open()
        try:
            board = await create_board(services.store, "Bench", "nl")
            room = await services.rooms.acquire(board)
            connections = []
            for number, socket in enumerate(sockets):
                grant = BoardGrant(board.id, Role.PARTICIPANT, f"p{number}", f"P{number}", 2**40)
                connection = Connection(
                    None,  # type: ignore[arg-type]  # nothing goes the ASGI way here
                    grant,
                    services.metrics,
                    queue_limit=1000,
                    messages_per_second=1e9,
                    burst=10**9,
                    direct=socket,  # type: ignore[arg-type]
                )
                connection.synced = True
                room.members.add(connection)
                connections.append(connection)
            typist = connections[0]
            updates = card_then_keystrokes(room.doc.get_update(), "p0", keystrokes)
            messages = [protocol.sync_update(update) for update in updates]
            await room.receive(typist, messages[0])  # the card
            await asyncio.sleep(0.1)
            cpu, wall = time.process_time(), time.perf_counter()
            for message in messages[1:]:
                await room.receive(typist, message)
                await asyncio.sleep(pace_ms / 1000)  # the next read comes from the loop
            await room.change_as_server(lambda roots: None)  # in line behind every keystroke
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            frames = sum(socket.frames for socket in sockets)
            typed = len(room.doc.get("worries", type=Array)[0]["text"])
            if typed != keystrokes or typist.closed:
                raise RuntimeError(f"{typed} of {keystrokes} keystrokes arrived")
            await services.rooms.close_all()
        finally:
            await services.store.close()
    return {
        "keystrokes": keystrokes,
        "connections": len(sockets),
        "real_sockets": any(socket.real for socket in sockets),
        "pace_ms": pace_ms,
        "cpu_us_per_keystroke": round(cpu / keystrokes * 1e6, 1),
        "wall_us_per_keystroke": round(wall / keystrokes * 1e6, 1),
        "frames_written": frames,
    }


if __name__ == "__main__":
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("keystrokes", type=int, nargs="?", default=3000)
    arguments.add_argument("--sockets", type=int, default=0, help="real loopback connections")
    arguments.add_argument("--pace", type=float, default=0.0, help="ms between keystrokes")
    given = arguments.parse_args()
    print(asyncio.run(measure(given.keystrokes, given.sockets, given.pace)))
