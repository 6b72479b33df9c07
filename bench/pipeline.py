"""The update pipeline alone, in one process: what one keystroke costs the server between
reading it and writing it to the sockets, without the network.

`python -m bench.pipeline [keystrokes]`: one board on a real SQLite store, ten connections
whose sockets are counters, keystrokes of a real pycrdt client typing into its own card.
Each keystroke goes through Room.receive as a socket read would deliver it: decode, stage,
policy, commit (group commit on the database thread), apply, frame, write.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from pycrdt import Array, Doc, Map, Text

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

    def __init__(self) -> None:
        self.frames = 0

    def ready(self) -> bool:
        return True

    def write(self, frame: bytes) -> None:
        self.frames += 1


async def measure(keystrokes: int = 3000) -> dict[str, float]:
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
            sockets = [CountingSocket() for _ in range(CLIENTS)]
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
            messages = _keystrokes(room.doc.get_update(), keystrokes)
            await room.receive(typist, messages[0])  # the card
            await asyncio.sleep(0.1)
            cpu, wall = time.process_time(), time.perf_counter()
            for message in messages[1:]:
                await room.receive(typist, message)
                await asyncio.sleep(0)  # the next read comes from the loop, as a socket's would
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
        "cpu_us_per_keystroke": round(cpu / keystrokes * 1e6, 1),
        "wall_us_per_keystroke": round(wall / keystrokes * 1e6, 1),
        "frames_written": frames,
    }


def _keystrokes(board: bytes, count: int) -> list[bytes]:
    """A card of participant p0, then `count` characters typed into it, as sync messages."""
    client: Doc[Any] = Doc()
    client.apply_update(board)
    updates: list[bytes] = []
    subscription = client.observe(lambda event: updates.append(event.update))
    card = Map(
        {
            "id": "c1",
            "text": Text(""),
            "kind": "harm",
            "author": "p0",
            "created": "2026-11-23T10:00:00Z",
        }
    )
    client.get("worries", type=Array).append(card)
    text = client.get("worries", type=Array)[0]["text"]
    for _ in range(count):
        text += "x"
    client.unobserve(subscription)
    return [protocol.sync_update(update) for update in updates]


if __name__ == "__main__":
    print(asyncio.run(measure(*(int(argument) for argument in sys.argv[1:2]))))
