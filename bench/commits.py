"""What one SQLite commit costs the CPU, back to back and alone.

`python -m bench.commits`: one-row commits into a WAL database with `synchronous=NORMAL`
(the server's settings), first one after the other, then 30 ms apart as keystrokes come.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from pathlib import Path


def _cpu_per_commit(db: sqlite3.Connection, commits: int, pause: float) -> float:
    started = time.process_time()
    for _ in range(commits):
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO log (board, data, author) VALUES ('b', ?, 'p')", (b"x" * 30,))
        db.execute("COMMIT")
        if pause:
            time.sleep(pause)
    return (time.process_time() - started) / commits


def measure(commits: int = 2000, paced: int = 200, pace_ms: float = 30.0) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        db = sqlite3.connect(Path(folder) / "commits.sqlite3", isolation_level=None)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("CREATE TABLE log (id INTEGER PRIMARY KEY, board TEXT, data BLOB, author TEXT)")
        back_to_back = _cpu_per_commit(db, commits, 0)
        alone = _cpu_per_commit(db, paced, pace_ms / 1000)
        db.close()
    return {
        "cpu_us_back_to_back": round(back_to_back * 1e6, 1),
        "cpu_us_alone": round(alone * 1e6, 1),
        "pace_ms": pace_ms,
    }


if __name__ == "__main__":
    print(measure())
