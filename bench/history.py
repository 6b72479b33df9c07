"""Opening a board with a long history: 10,000 stored updates, then the same compacted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect

from bench.keystrokes import card_then_keystrokes
from bench.servers import start_ours
from server.access.roles import Role
from server.access.tokens import TokenSigner, load_secret_key
from server.boards import create_board, grant_access
from server.store.base import LogEntry
from server.store.sqlite import SQLiteStore
from server.sync import protocol

UPDATES = 10_000


async def _board_with_history(data_dir: Path) -> tuple[str, str]:
    store = SQLiteStore(data_dir / "netwerkbord.sqlite3")
    await store.open()
    board = await create_board(store, "Een jaar aan bijeenkomsten", "nl")
    first = (await store.load(board.id)).updates[0]
    updates = card_then_keystrokes(first, "p", UPDATES - 1)
    for start in range(0, len(updates), 500):
        await store.append([LogEntry(board.id, u, "p") for u in updates[start : start + 500]])
    signer = TokenSigner(load_secret_key(data_dir, None))
    token = await grant_access(store, signer, board.id, Role.VIEWER, "bench", 3600)
    await store.close()
    return board.id, token


async def _open_seconds(data_dir: Path, board: str, token: str) -> float:
    server = await start_ours(data_dir)
    try:
        async with connect(f"{server.client_url}/{board}?token={token}", max_size=None) as ws:
            await ws.send(protocol.sync_step1(b"\x00"))
            await ws.recv()
        for line in server.log:
            if '"room opened"' in line:
                return float(json.loads(line[line.index("{") :])["seconds"])
        raise RuntimeError("the server did not log opening the room")
    finally:
        await server.stop()


async def measure(data_dir: Path) -> dict[str, Any]:
    board, token = await _board_with_history(data_dir)
    uncompacted = await _open_seconds(data_dir, board, token)
    store = SQLiteStore(data_dir / "netwerkbord.sqlite3")
    await store.open()
    await store.compact(board)
    await store.close()
    compacted = await _open_seconds(data_dir, board, token)
    return {
        "updates": UPDATES,
        "open_uncompacted_ms": round(uncompacted * 1000, 1),
        "open_compacted_ms": round(compacted * 1000, 1),
    }
