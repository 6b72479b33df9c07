"""Plain versioned SQL migrations, applied in order, each once, each in one transaction."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations(dialect: str) -> list[Migration]:
    folder = Path(__file__).parent.parent / "migrations" / dialect
    found = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), entry.name, entry.read_text("utf-8")))
    return sorted(found, key=lambda m: m.version)


def migrate_sqlite(connection: sqlite3.Connection) -> list[str]:
    """Bring the database up to date; returns the names of the migrations applied."""
    connection.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    applied = []
    for migration in migrations("sqlite"):
        connection.execute("BEGIN IMMEDIATE")
        try:
            done = connection.execute(
                "SELECT 1 FROM schema_migrations WHERE version = ?", (migration.version,)
            ).fetchone()
            if not done:
                for statement in _statements(migration.sql):
                    connection.execute(statement)
                connection.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, datetime('now'))",
                    (migration.version, migration.name),
                )
                applied.append(migration.name)
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    return applied


async def migrate_postgres(connection: Any) -> list[str]:
    """The same, for PostgreSQL: one transaction holding an advisory lock, so processes
    starting together migrate once."""
    applied = []
    async with connection.transaction():
        await connection.execute("SELECT pg_advisory_xact_lock(72616210)")
        await connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        cursor = await connection.execute("SELECT version FROM schema_migrations")
        done = {row[0] for row in await cursor.fetchall()}
        for migration in migrations("postgres"):
            if migration.version in done:
                continue
            await connection.execute(migration.sql)
            await connection.execute(
                "INSERT INTO schema_migrations VALUES (%s, %s, now()::text)",
                (migration.version, migration.name),
            )
            applied.append(migration.name)
    return applied


def _statements(sql: str) -> list[str]:
    """Split a script into statements; a trigger's body keeps its own semicolons."""
    statements: list[str] = []
    current = ""
    for line in sql.splitlines(keepends=True):
        if not current and line.lstrip().startswith("--"):
            continue
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip().rstrip(";"))
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements
