"""Taking and restoring a SQLite backup as docs/deploy.md says: SQLite's online backup."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path


def copy_database(source: Path, target: Path) -> None:
    """The whole database, whatever sits in its write-ahead log, into `target`."""
    with (
        contextlib.closing(sqlite3.connect(source)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)
