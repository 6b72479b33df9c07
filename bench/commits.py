"""What one SQLite commit costs the CPU, back to back and alone, and alone on another thread.

`python -m bench.commits`: one-row commits into a WAL database with `synchronous=NORMAL`
(the server's settings), first one after the other, then 30 ms apart as keystrokes come,
then 30 ms apart each handed to a worker thread and waited for (what the store did with
every append before it committed lone ones on the event loop). Last, the store's own
insert on the real schema: five keystrokes of five boards in one commit, as group commit
gathers them with 200 boards open.
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from server.store.base import LogEntry
from server.store.migrate import migrate_sqlite
from server.store.sqlite import SQLiteStore


def _commit(db: sqlite3.Connection) -> None:
    db.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO log (board, data, author) VALUES ('b', ?, 'p')", (b"x" * 30,))
    db.execute("COMMIT")


def _cpu_per_commit(commit: Callable[[], object], commits: int, pause: float) -> float:
    started = time.process_time()
    for _ in range(commits):
        commit()
        if pause:
            time.sleep(pause)
    return (time.process_time() - started) / commits


def _database(path: Path) -> sqlite3.Connection:
    """A database with the server's settings: WAL, `synchronous=NORMAL`, foreign keys."""
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    return db


def measure(commits: int = 2000, paced: int = 200, pace_ms: float = 30.0) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        db = _database(Path(folder) / "commits.sqlite3")
        db.execute("CREATE TABLE log (id INTEGER PRIMARY KEY, board TEXT, data BLOB, author TEXT)")
        back_to_back = _cpu_per_commit(lambda: _commit(db), commits, 0)
        alone = _cpu_per_commit(lambda: _commit(db), paced, pace_ms / 1000)
        with ThreadPoolExecutor(max_workers=1) as thread:
            handed = _cpu_per_commit(
                lambda: thread.submit(_commit, db).result(), paced, pace_ms / 1000
            )
        db.close()
        five_boards = _five_boards(Path(folder) / "store.sqlite3", commits)
    return {
        "cpu_us_back_to_back": round(back_to_back * 1e6, 1),
        "cpu_us_alone": round(alone * 1e6, 1),
        "cpu_us_alone_on_a_thread": round(handed * 1e6, 1),
        "cpu_us_five_boards": round(five_boards * 1e6, 1),
        "pace_ms": pace_ms,
    }


def _five_boards(path: Path, commits: int) -> float:
    """CPU per commit of the store's insert, five keystrokes from five of 200 boards."""
    db = _database(path)
    migrate_sqlite(db)
    boards = [str(uuid.uuid4()) for _ in range(200)]
    db.executemany(
        "INSERT INTO boards (id, title, language, epoch, status, created_at) "
        "VALUES (?, 'Bench', 'nl', 'e', 'open', '2026-11-23T10:00:00+00:00')",
        [(board,) for board in boards],
    )
    keystroke = b"\x01" * 30  # about the size of one typed character's update
    try:
        return _cpu_per_commit(
            lambda: SQLiteStore._insert(
                db, [LogEntry(board, keystroke, "p") for board in random.sample(boards, 5)]
            ),
            commits,
            0,
        )
    finally:
        db.close()


if __name__ == "__main__":
    print(measure())
