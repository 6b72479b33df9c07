"""Durable storage: the update log, snapshots, boards, accounts, records."""

from __future__ import annotations

from typing import TYPE_CHECKING

from server.store.base import BoardRecord, BoardState, Database, LogEntry, Store

if TYPE_CHECKING:
    from server.settings import Settings

__all__ = ["BoardRecord", "BoardState", "Database", "LogEntry", "Store", "store_for"]


def store_for(settings: Settings, *, serving: bool = False) -> Store:
    """PostgreSQL when a database URL is set, else the SQLite file in the data directory
    (the server's with the update journal, server/store/journal.py)."""
    if settings.database_url:
        from server.store.postgres import PostgresStore  # noqa: PLC0415 - only when used

        return PostgresStore(settings.database_url)
    from server.store.sqlite import SQLiteStore  # noqa: PLC0415

    return SQLiteStore(
        settings.database_path, synchronous=settings.sqlite_synchronous, journal=serving
    )
