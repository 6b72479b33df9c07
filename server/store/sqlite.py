"""The embedded store: one SQLite file, one thread for its work, appends committed in line
when that costs less than the hand-off, group commit when it does not."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from server.store.base import BoardRecord, BoardState, CompactionResult, LogEntry, Row
from server.store.compaction import fold
from server.store.group_commit import GroupCommit
from server.store.migrate import migrate_sqlite

T = TypeVar("T")
log = logging.getLogger(__name__)


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _last_id(cursor: sqlite3.Cursor) -> int:
    if cursor.lastrowid is None:
        raise RuntimeError("an insert without a row id")
    return cursor.lastrowid


# The loop's connection leaves checkpoints (they fsync) to the store's thread, one after this
# many of its commits: about as often as SQLite's own 1000-page default would.
CHECKPOINT_EVERY = 256
# An append that comes this long after the previous one is alone: committed in line. Closer
# together they go to the thread, where they share commits and leave the loop to the sockets.
ALONE_SECONDS = 0.005


class SQLiteStore:
    """Every call runs on one thread that owns the main connection; appends share commits
    (server/store/group_commit.py).

    With `synchronous=NORMAL` a commit makes no system call that waits for the disk. An
    append that comes alone (nothing queued, none in the last 5 ms) is then committed on the
    event loop's own connection: handing a lone keystroke to the thread and back costs more
    CPU than the commit (docs/performance.md). If the database is busy (a compaction,
    another process), it goes the thread's way like the rest.
    """

    def __init__(self, path: Path, *, synchronous: str = "NORMAL") -> None:
        self.path = path
        self._synchronous = synchronous
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        self._connection: sqlite3.Connection | None = None
        self._inline: sqlite3.Connection | None = None
        self._commits = GroupCommit(self._append_in_thread, "sqlite-group-commit")
        self._commits_since_checkpoint = 0
        self._checkpoint: asyncio.Future[None] | None = None
        self._last_append = 0.0
        self.inline_commits = 0  # appends committed on the event loop; the rest went to the thread

    async def open(self) -> None:
        await self._run(self._open_sync)

    def _open_sync(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA busy_timeout = 10000")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute(f"PRAGMA synchronous = {self._synchronous}")
        connection.execute("PRAGMA foreign_keys = ON")
        applied = migrate_sqlite(connection)
        if applied:
            log.info("database migrated", extra={"migrations": applied, "path": str(self.path)})
        self._connection = connection
        if self._synchronous == "NORMAL":
            self._inline = self._open_inline()

    def _open_inline(self) -> sqlite3.Connection:
        """The event loop's connection: appends only; it never waits for a lock (busy is
        answered at once and the append goes to the thread) and never checkpoints."""
        inline = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        inline.execute("PRAGMA busy_timeout = 0")
        inline.execute("PRAGMA synchronous = NORMAL")
        inline.execute("PRAGMA foreign_keys = ON")
        inline.execute("PRAGMA wal_autocheckpoint = 0")
        return inline

    async def close(self) -> None:
        await self._commits.drain()
        if self._checkpoint is not None:
            await asyncio.wait({self._checkpoint})
        if self._inline is not None:
            self._inline.close()
            self._inline = None
        if self._connection is not None:
            await self._run(self._connection.close)
            self._connection = None
        self._executor.shutdown(wait=True)

    @property
    def _db(self) -> sqlite3.Connection:
        if self._connection is None:
            raise RuntimeError("the store is not open")
        return self._connection

    async def _run(self, function: Callable[..., T], *args: object) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, function, *args)

    async def create_board(self, board: BoardRecord, first_update: bytes) -> None:
        await self._run(self._create_board_sync, board, first_update)

    def _create_board_sync(self, board: BoardRecord, first_update: bytes) -> None:
        with self._transaction() as db:
            db.execute(
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
            )
            db.execute(
                "INSERT INTO board_updates (board_id, data, author, created_at) "
                "VALUES (?, ?, 'server', ?)",
                (board.id, first_update, _now()),
            )

    async def get_board(self, board_id: str) -> BoardRecord | None:
        row = await self._run(
            self._fetchone,
            "SELECT id, title, language, epoch, status, created_at, case_id FROM boards "
            "WHERE id = ?",
            (board_id,),
        )
        if row is None:
            return None
        board_id, title, language, epoch, status, created_at = (str(value) for value in row[:6])
        return BoardRecord(
            board_id, title, language, epoch, status, datetime.fromisoformat(created_at),
            case_id=None if row[6] is None else str(row[6]),
        )

    async def add_participant(
        self, participant_id: str, board_id: str, role: str, name: str, expires_at: datetime
    ) -> None:
        await self._run(
            self._execute,
            "INSERT INTO participants (id, board_id, role, name, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (participant_id, board_id, role, name, _now(), expires_at.isoformat()),
        )

    async def append(self, entries: Sequence[LogEntry]) -> list[int]:
        now = time.monotonic()
        alone = now - self._last_append >= ALONE_SECONDS and self._commits.idle
        self._last_append = now
        ids = self._append_inline(entries) if alone else None
        if ids is None:
            return await self._commits.append(entries)
        self.inline_commits += 1
        self._commits_since_checkpoint += 1
        if self._commits_since_checkpoint >= CHECKPOINT_EVERY and self._checkpoint is None:
            self._commits_since_checkpoint = 0
            loop = asyncio.get_running_loop()
            self._checkpoint = loop.run_in_executor(self._executor, self._checkpoint_sync)
            self._checkpoint.add_done_callback(self._checkpoint_done)
        return ids

    def _append_inline(self, entries: Sequence[LogEntry]) -> list[int] | None:
        """The ids, committed; None if the database is busy and nothing was written."""
        if self._inline is None:
            return None
        try:
            return self._insert(self._inline, entries)
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode & 0xFF not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                raise
            return None

    def _checkpoint_sync(self) -> None:
        self._db.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def _checkpoint_done(self, done: asyncio.Future[None]) -> None:
        self._checkpoint = None
        if not done.cancelled() and done.exception() is not None:
            log.error("WAL checkpoint failed", exc_info=done.exception())

    async def _append_in_thread(self, rows: Sequence[LogEntry]) -> list[int]:
        return await self._run(self._append_sync, rows)

    def _append_sync(self, rows: Sequence[LogEntry]) -> list[int]:
        return self._insert(self._db, rows)

    @staticmethod
    def _insert(connection: sqlite3.Connection, rows: Sequence[LogEntry]) -> list[int]:
        created = _now()
        with _Transaction(connection) as db:
            # `lastrowid`, not RETURNING: a statement that returns rows costs the sqlite3
            # module about 15% more per commit (python -m bench.commits, five boards).
            return [
                _last_id(
                    db.execute(
                        "INSERT INTO board_updates (board_id, data, author, created_at) "
                        "VALUES (?, ?, ?, ?)",
                        (row.board_id, row.data, row.author, created),
                    )
                )
                for row in rows
            ]

    async def load(self, board_id: str) -> BoardState:
        return await self._run(self._load_sync, board_id)

    def _load_sync(self, board_id: str) -> BoardState:
        with self._transaction() as db:
            return self._read_state(db, board_id)

    @staticmethod
    def _read_state(db: sqlite3.Connection, board_id: str) -> BoardState:
        snapshot = db.execute(
            "SELECT data, upto_id FROM board_snapshots WHERE board_id = ?", (board_id,)
        ).fetchone()
        rows = db.execute(
            "SELECT id, data FROM board_updates WHERE board_id = ? ORDER BY id", (board_id,)
        ).fetchall()
        last_id = rows[-1][0] if rows else (snapshot[1] if snapshot else 0)
        return BoardState(
            snapshot=snapshot[0] if snapshot else None,
            updates=[row[1] for row in rows],
            last_id=last_id,
        )

    async def compact(self, board_id: str) -> CompactionResult | None:
        return await self._run(self._compact_sync, board_id)

    def _compact_sync(self, board_id: str) -> CompactionResult | None:
        with self._transaction() as db:
            state = self._read_state(db, board_id)
            if not state.updates:
                return None
            previous = db.execute(
                "SELECT updates_compacted FROM board_snapshots WHERE board_id = ?", (board_id,)
            ).fetchone()
            snapshot = fold(state.snapshot, state.updates)
            total = (previous[0] if previous else 0) + len(state.updates)
            db.execute(
                "INSERT INTO board_snapshots (board_id, upto_id, data, updates_compacted, "
                "created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (board_id) DO UPDATE SET "
                "upto_id = excluded.upto_id, data = excluded.data, "
                "updates_compacted = excluded.updates_compacted, created_at = excluded.created_at",
                (board_id, state.last_id, snapshot, total, _now()),
            )
            db.execute(
                "INSERT INTO board_updates_archive (id, board_id, data, author, created_at) "
                "SELECT id, board_id, data, author, created_at FROM board_updates "
                "WHERE board_id = ? AND id <= ?",
                (board_id, state.last_id),
            )
            db.execute(
                "DELETE FROM board_updates WHERE board_id = ? AND id <= ?",
                (board_id, state.last_id),
            )
        return CompactionResult(board_id, state.last_id, len(state.updates), len(snapshot))

    async def log_length(self, board_id: str) -> int:
        row = await self._run(
            self._fetchone, "SELECT count(*) FROM board_updates WHERE board_id = ?", (board_id,)
        )
        return int(str(row[0])) if row else 0

    async def fetch_one(self, sql: str, params: Sequence[object] = ()) -> Row | None:
        return await self._run(self._fetchone, sql, params)

    async def fetch_all(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        return await self._run(self._fetchall, sql, params)

    async def execute(self, sql: str, params: Sequence[object] = ()) -> int:
        return await self._run(self._execute, sql, params)

    async def execute_all(self, statements: Sequence[tuple[str, Sequence[object]]]) -> None:
        await self._run(self._execute_all, statements)

    def _fetchall(self, sql: str, params: Sequence[object]) -> list[Row]:
        return list(self._db.execute(sql, params).fetchall())

    def _execute_all(self, statements: Sequence[tuple[str, Sequence[object]]]) -> None:
        with self._transaction() as db:
            for sql, params in statements:
                db.execute(sql, params)

    def _fetchone(self, sql: str, params: Sequence[object]) -> tuple[object, ...] | None:
        result: tuple[object, ...] | None = self._db.execute(sql, params).fetchone()
        return result

    def _execute(self, sql: str, params: Sequence[object]) -> int:
        with self._transaction() as db:
            return db.execute(sql, params).rowcount

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> sqlite3.Connection:
        self._db.execute("BEGIN IMMEDIATE")
        return self._db

    def __exit__(self, kind: object, error: object, traceback: object) -> None:
        self._db.execute("COMMIT" if kind is None else "ROLLBACK")
