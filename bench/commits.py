"""What storing one keystroke costs the CPU: a SQLite commit against the update journal.

`python -m bench.commits`: one-row commits into a WAL database with `synchronous=NORMAL`
(the server's settings), first one after the other, then 30 ms apart as keystrokes come,
then 30 ms apart each handed to a worker thread and waited for (what the store once did
with every append), and the store's own one-row commit on the real schema (its table,
index and foreign key) 30 ms apart, as it once committed a lone keystroke. Then what the
server does instead: one keystroke written to the update
journal, 30 ms apart; and the store folding the journal into the real schema, 500
keystrokes of 200 boards in one commit (half a second of 200 boards typing), per keystroke.
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from server.store.base import LogEntry
from server.store.journal import Position, UpdateJournal
from server.store.sqlite import SQLiteStore


def _commit(db: sqlite3.Connection) -> None:
    db.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO log (board, data, author) VALUES ('b', ?, 'p')", (b"x" * 30,))
    db.execute("COMMIT")


def _cpu_per_commit(commit: Callable[[], object], commits: int, pause: float) -> float:
    """CPU per call of `commit`, less what the pauses between calls cost by themselves
    (falling asleep and waking up: about 100 µs here)."""
    return _cpu_per_call(commit, commits, pause) - (
        _cpu_per_call(lambda: None, commits, pause) if pause else 0.0
    )


def _cpu_per_call(call: Callable[[], object], calls: int, pause: float) -> float:
    started = time.process_time()
    for _ in range(calls):
        call()
        if pause:
            time.sleep(pause)
    return (time.process_time() - started) / calls


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
        journal = UpdateJournal(Path(folder) / "journal.sqlite3")
        journal.start("bench")
        keystroke = [LogEntry("b_0123456789abcdef01", b"\x01" * 30, "p_0123456789ab")]
        journal_alone = _cpu_per_commit(
            lambda: journal.write(keystroke, "2026-11-23T10:00:00+00:00"), paced, pace_ms / 1000
        )
        journal.close()
        store = SQLiteStore(Path(folder) / "store.sqlite3")
        store._open_sync()
        _add_boards(store, 1)
        store_alone = _cpu_per_commit(
            lambda: store._append_sync([LogEntry("b0", b"\x01" * 30, "p")]), paced, pace_ms / 1000
        )
        store._db.close()
        fold = _fold(Path(folder) / "folded.sqlite3", commits // 20)
    return {
        "cpu_us_back_to_back": round(back_to_back * 1e6, 1),
        "cpu_us_alone": round(alone * 1e6, 1),
        "cpu_us_alone_on_a_thread": round(handed * 1e6, 1),
        "cpu_us_store_commit_alone": round(store_alone * 1e6, 1),
        "cpu_us_journal_alone": round(journal_alone * 1e6, 1),
        "cpu_us_folded": round(fold * 1e6, 1),
        "pace_ms": pace_ms,
    }


def _add_boards(store: SQLiteStore, count: int) -> list[str]:
    boards = [f"b{number}" for number in range(count)]
    store._db.executemany(
        "INSERT INTO boards (id, title, language, epoch, status, created_at) "
        "VALUES (?, 'Bench', 'nl', 'e', 'open', '2026-11-23T10:00:00+00:00')",
        [(board,) for board in boards],
    )
    return boards


def _fold(path: Path, commits: int, rows: int = 500) -> float:
    """CPU per keystroke of the store's fold: `rows` keystrokes of 200 boards in one commit."""
    store = SQLiteStore(path)
    store._open_sync()
    db = store._db
    boards = _add_boards(store, 200)
    keystroke = b"\x01" * 30  # about the size of one typed character's update
    created = "2026-11-23T10:00:00+00:00"
    try:
        return _cpu_per_commit(
            lambda: store._fold_sync(
                [(random.choice(boards), keystroke, "p", created) for _ in range(rows)],
                Position("bench", 1, 0),
            ),
            commits,
            0,
        ) / rows
    finally:
        db.close()


if __name__ == "__main__":
    print(measure())
