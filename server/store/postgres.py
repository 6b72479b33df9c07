"""The store for larger deployments: PostgreSQL, shared by several server processes."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Any

from psycopg import AsyncConnection, IsolationLevel, OperationalError
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from server.errors import StoreUnavailable
from server.store.base import BoardRecord, BoardState, CompactionResult, LogEntry, Row
from server.store.compaction import fold
from server.store.group_commit import GroupCommit
from server.store.migrate import migrate_postgres

log = logging.getLogger(__name__)
RECONNECT_SECONDS = 3.0


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _sql(portable: str) -> str:
    """Our SQL is written once with `?` placeholders; psycopg wants `%s`."""
    return portable.replace("%", "%%").replace("?", "%s")


class PostgresStore:
    """Appends share commits (server/store/group_commit.py), as in the SQLite store;
    nothing is acknowledged before COMMIT returns."""

    def __init__(self, url: str, *, pool_size: int = 10, wait_seconds: float = 10.0) -> None:
        self.url = url
        # Every connection is checked as it leaves the pool: after PostgreSQL restarts, the
        # pool's connections are dead, and one used unchecked costs a request its answer.
        # A request waits at most `wait_seconds` for one (StoreUnavailable after that).
        # The pool retries a failed connection with a doubling delay; giving up after
        # RECONNECT_SECONDS (the next request starts again) keeps that delay short, so a
        # database that is back is used within a second or two, not after the last delay.
        self._pool = AsyncConnectionPool(
            url,
            min_size=1,
            max_size=pool_size,
            open=False,
            timeout=wait_seconds,
            check=AsyncConnectionPool.check_connection,
            reconnect_timeout=RECONNECT_SECONDS,
        )
        self._commits = GroupCommit(self._insert, "postgres-group-commit")

    async def open(self) -> None:
        await self._pool.open(wait=True)
        async with self._connection() as connection:
            applied = await migrate_postgres(connection)
        if applied:
            log.info("database migrated", extra={"migrations": applied})

    @contextlib.asynccontextmanager
    async def _connection(self) -> AsyncIterator[AsyncConnection[Any]]:
        """A checked connection from the pool; StoreUnavailable while PostgreSQL is away."""
        try:
            async with self._pool.connection() as connection:
                yield connection
        except (OperationalError, PoolTimeout) as error:
            raise StoreUnavailable(f"PostgreSQL does not answer: {error}") from error

    async def deployment(self) -> str:
        """The cluster's system identifier (made by initdb, kept by its replicas) and the
        database's oid: a copy restored into another database or another cluster differs,
        a table's contents (which pg_dump copies) could not."""
        async with self._connection() as connection:
            cursor = await connection.execute(
                "SELECT (SELECT system_identifier FROM pg_control_system()), "
                "(SELECT oid FROM pg_database WHERE datname = current_database())"
            )
            row = await cursor.fetchone()
        assert row is not None
        return hashlib.sha256(f"{row[0]}:{row[1]}".encode()).hexdigest()[:16]

    async def ready(self) -> None:
        await self.fetch_one("SELECT 1")

    async def close(self) -> None:
        await self._commits.drain()
        await self._pool.close()

    # plain queries

    async def fetch_one(self, sql: str, params: Sequence[object] = ()) -> Row | None:
        async with self._connection() as connection:
            cursor = await connection.execute(_sql(sql), params)
            row = await cursor.fetchone()
            return tuple(row) if row is not None else None

    async def fetch_all(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        async with self._connection() as connection:
            cursor = await connection.execute(_sql(sql), params)
            return [tuple(row) for row in await cursor.fetchall()]

    async def execute(self, sql: str, params: Sequence[object] = ()) -> int:
        async with self._connection() as connection:
            cursor = await connection.execute(_sql(sql), params)
            return cursor.rowcount

    async def execute_all(self, statements: Sequence[tuple[str, Sequence[object]]]) -> None:
        async with self._connection() as connection, connection.transaction():
            for sql, params in statements:
                await connection.execute(_sql(sql), params)

    # boards and participants

    async def create_board(self, board: BoardRecord, first_update: bytes) -> None:
        await self.execute_all(
            [
                (
                    "INSERT INTO boards (id, title, language, epoch, status, created_at, case_id) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        board.id,
                        board.title,
                        board.language,
                        board.epoch,
                        board.status,
                        board.created_at.isoformat(),
                        board.case_id,
                    ),
                ),
                (
                    "INSERT INTO board_updates (board_id, data, author, created_at) "
                    "VALUES (?, ?, 'server', ?)",
                    (board.id, first_update, _now()),
                ),
            ]
        )

    async def get_board(self, board_id: str) -> BoardRecord | None:
        row = await self.fetch_one(
            "SELECT id, title, language, epoch, status, created_at, case_id FROM boards "
            "WHERE id = ?",
            (board_id,),
        )
        if row is None:
            return None
        return BoardRecord(
            row[0], row[1], row[2], row[3], row[4], datetime.fromisoformat(row[5]), case_id=row[6]
        )

    async def add_participant(
        self, participant_id: str, board_id: str, role: str, name: str, expires_at: datetime
    ) -> None:
        await self.execute(
            "INSERT INTO participants (id, board_id, role, name, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (participant_id, board_id, role, name, _now(), expires_at.isoformat()),
        )

    # the update log

    @property
    def appends_at_once(self) -> bool:
        return False

    async def append(self, entries: Sequence[LogEntry]) -> None:
        await self._commits.append(entries)

    def append_now(self, entries: Sequence[LogEntry]) -> None:
        raise RuntimeError("PostgreSQL appends in a transaction that is waited for: use append")

    async def _insert(self, rows: Sequence[LogEntry]) -> None:
        created = _now()
        async with self._connection() as connection, connection.transaction():
            await connection.cursor().executemany(
                "INSERT INTO board_updates (board_id, data, author, created_at) "
                "VALUES (%s, %s, %s, %s)",
                [(row.board_id, row.data, row.author, created) for row in rows],
            )

    async def load(self, board_id: str) -> BoardState:
        async with self._connection() as connection, _repeatable_read(connection):
            state, _ = await _read_state(connection, board_id)
        return state

    async def compact(self, board_id: str) -> CompactionResult | None:
        async with self._connection() as connection, connection.transaction():
            # One compaction of a board at a time, across every process. Only compaction
            # changes the snapshot or removes rows, so under this lock what we read of them
            # stays true; rows appended meanwhile are simply not folded this time.
            await connection.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (board_id,))
            state, ids = await _read_state(connection, board_id)
            if not ids:
                return None
            cursor = await connection.execute(
                "SELECT updates_compacted FROM board_snapshots WHERE board_id = %s", (board_id,)
            )
            previous = await cursor.fetchone()
            snapshot = await asyncio.to_thread(fold, state.snapshot, state.updates)
            total = (previous[0] if previous else 0) + len(ids)
            await connection.execute(
                "INSERT INTO board_snapshots (board_id, upto_id, data, updates_compacted, "
                "created_at) VALUES (%s, %s, %s, %s, %s) ON CONFLICT (board_id) DO UPDATE SET "
                "upto_id = excluded.upto_id, data = excluded.data, "
                "updates_compacted = excluded.updates_compacted, created_at = excluded.created_at",
                (board_id, state.last_id, snapshot, total, _now()),
            )
            # Exactly the rows folded: another process may be committing lower ids now.
            await connection.execute(
                "INSERT INTO board_updates_archive (id, board_id, data, author, created_at) "
                "SELECT id, board_id, data, author, created_at FROM board_updates "
                "WHERE id = ANY(%s)",
                (ids,),
            )
            await connection.execute("DELETE FROM board_updates WHERE id = ANY(%s)", (ids,))
        return CompactionResult(board_id, state.last_id, len(ids), len(snapshot))

    async def log_length(self, board_id: str) -> int:
        row = await self.fetch_one(
            "SELECT count(*) FROM board_updates WHERE board_id = ?", (board_id,)
        )
        return int(row[0]) if row else 0


class _repeatable_read:
    """A transaction that sees one snapshot: the snapshot row and the log rows agree."""

    def __init__(self, connection: AsyncConnection[Any]) -> None:
        self._connection = connection
        self._transaction: Any = None

    async def __aenter__(self) -> None:
        await self._connection.set_isolation_level(IsolationLevel.REPEATABLE_READ)
        self._transaction = self._connection.transaction()
        await self._transaction.__aenter__()

    async def __aexit__(self, *exc: object) -> None:
        await self._transaction.__aexit__(*exc)
        await self._connection.set_isolation_level(None)


async def _read_state(
    connection: AsyncConnection[Any], board_id: str
) -> tuple[BoardState, list[int]]:
    cursor = await connection.execute(
        "SELECT data, upto_id FROM board_snapshots WHERE board_id = %s", (board_id,)
    )
    snapshot = await cursor.fetchone()
    cursor = await connection.execute(
        "SELECT id, data FROM board_updates WHERE board_id = %s ORDER BY id", (board_id,)
    )
    rows = await cursor.fetchall()
    last_id = rows[-1][0] if rows else (snapshot[1] if snapshot else 0)
    state = BoardState(
        snapshot=bytes(snapshot[0]) if snapshot else None,
        updates=[bytes(row[1]) for row in rows],
        last_id=int(last_id),
    )
    return state, [int(row[0]) for row in rows]
