"""The embedded store: one SQLite file and one thread for its work; the server's appends go
to the update journal first and reach the file in batches."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import sqlite3
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from server import clock
from server.store.base import BoardRecord, BoardState, CompactionResult, LogEntry, Row
from server.store.compaction import fold
from server.store.group_commit import GroupCommit
from server.store.journal import JournalLocked, Position, Record, UpdateJournal
from server.store.migrate import migrate_sqlite

T = TypeVar("T")
log = logging.getLogger(__name__)


_now = clock.exact_now_text


def _nothing() -> None:
    """A job for the store's thread that only folds the journal in."""


_INSERT_UPDATE = (
    "INSERT INTO board_updates (board_id, data, author, created_at) VALUES (?, ?, ?, ?)"
)


# Journal records are folded into the database at most this long after they are written,
# or as soon as this many wait; and always before anything else the store's thread does.
FOLD_SECONDS = 0.5
FOLD_ROWS = 2000
# How long a starting server waits for the journal's lock (a command folding what a crash
# left, say) before it runs without a journal.
LOCK_WAIT_SECONDS = 10.0


class SQLiteStore:
    """Every call runs on one thread that owns the connection.

    With `journal` (the server, with `synchronous=NORMAL`), an append is written to the
    update journal on the event loop and returns; the thread folds the journal into the
    database in batches, before every other job it runs, so every read sees every append
    (server/store/journal.py). Without it, appends share commits on the thread
    (server/store/group_commit.py).
    """

    def __init__(self, path: Path, *, synchronous: str = "NORMAL", journal: bool = False) -> None:
        self.path = path
        self._synchronous = synchronous
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        self._connection: sqlite3.Connection | None = None
        self._commits = GroupCommit(self._append_in_thread, "sqlite-group-commit")
        self._journal: UpdateJournal | None = None
        self._wants_journal = journal and synchronous == "NORMAL"
        self._unfolded: list[Record] = []
        self._unfolded_to: Position | None = None
        self._unfolded_lock = threading.Lock()  # the loop appends, the thread folds
        self._oldest_generation = 0  # of the journal's files still there (the thread's)
        self._fold_timer: asyncio.TimerHandle | None = None
        self._fold_task: asyncio.Task[None] | None = None

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
        self._take_journal()

    def _take_journal(self) -> None:
        """Fold in whatever a server that stopped without folding left in the journal,
        unless another process holds it; keep it for writing if this store writes one."""
        journal = UpdateJournal(self.path)
        try:
            journal.lock(LOCK_WAIT_SECONDS if self._wants_journal else 0.0)
        except JournalLocked:
            if self._wants_journal:
                log.warning("update journal held by another process; appends go to the database")
            return
        try:
            row = self._db.execute(
                "SELECT journal, generation, folded_to FROM update_journal WHERE id = 1"
            ).fetchone()
            records, end = journal.leftovers(Position(*row))
            if records:
                self._fold_sync(records, end)
                log.warning(
                    "update journal folded in after a stop", extra={"updates": len(records)}
                )
            journal.forget_before(end._replace(generation=end.generation + 1))
            if self._wants_journal:
                name = secrets.token_hex(4)
                self._db.execute(
                    "UPDATE update_journal SET journal = ?, generation = 1, folded_to = 0 "
                    "WHERE id = 1",
                    (name,),
                )
                journal.start(name)
                self._journal = journal
        finally:
            if self._journal is None:
                journal.close()

    async def close(self) -> None:
        await self._commits.drain()
        if self._fold_timer is not None:
            self._fold_timer.cancel()
            self._fold_timer = None
        if self._fold_task is not None:
            await self._fold_task
        if self._connection is not None:
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(self._executor, self._close_sync)
        self._executor.shutdown(wait=True)

    def _close_sync(self) -> None:
        folded = False
        try:
            self._fold_waiting()
            folded = True
        except Exception:
            log.exception("update journal not folded at close; the next start folds it in")
        finally:
            self._db.close()
            self._connection = None
            if self._journal is not None:
                self._journal.close(all_folded=folded)
                self._journal = None

    @property
    def _db(self) -> sqlite3.Connection:
        if self._connection is None:
            raise RuntimeError("the store is not open")
        return self._connection

    async def _run(self, function: Callable[..., T], *args: object) -> T:
        """`function` on the store's thread, after the journal's waiting records are folded
        in: whatever it reads includes every append made before it was asked."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._after_folding, function, args)

    def _after_folding(self, function: Callable[..., T], args: tuple[object, ...]) -> T:
        self._fold_waiting()
        return function(*args)

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
            db.execute(_INSERT_UPDATE, (board.id, first_update, "server", _now()))

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
            board_id,
            title,
            language,
            epoch,
            status,
            datetime.fromisoformat(created_at),
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

    @property
    def appends_at_once(self) -> bool:
        return self._journal is not None  # one write() to the journal, no waiting

    async def append(self, entries: Sequence[LogEntry]) -> None:
        if self._journal is None:
            await self._commits.append(entries)
            return
        self.append_now(entries)

    def append_now(self, entries: Sequence[LogEntry]) -> None:
        if self._journal is None:
            raise RuntimeError("the update journal is not open: use append")
        rows, position = self._journal.write(entries, _now())
        with self._unfolded_lock:
            self._unfolded += rows
            self._unfolded_to = position
            waiting = len(self._unfolded)
        if waiting >= FOLD_ROWS:
            self._fold_soon()
        elif self._fold_task is None:
            self._fold_later()

    def _fold_later(self) -> None:
        if self._fold_timer is None:
            self._fold_timer = asyncio.get_running_loop().call_later(FOLD_SECONDS, self._fold_soon)

    def _fold_soon(self) -> None:
        if self._fold_timer is not None:
            self._fold_timer.cancel()
            self._fold_timer = None
        if self._fold_task is None:
            self._fold_task = asyncio.create_task(self._fold(), name="sqlite-fold")

    async def _fold(self) -> None:
        try:
            await self._run(_nothing)
        except Exception:
            log.exception("folding the update journal into the database failed; trying again")
        finally:
            self._fold_task = None
        if self._unfolded:
            self._fold_later()

    def _fold_waiting(self) -> None:
        """On the store's thread: the journal's records not yet in the database, in one
        commit. If that fails they wait at the front for the next try, and the job that
        asked fails with it: nothing reads the database without them."""
        with self._unfolded_lock:
            rows, position = self._unfolded, self._unfolded_to
            self._unfolded = []
        if not rows or position is None:
            return
        try:
            self._fold_sync(rows, position)
        except BaseException:
            with self._unfolded_lock:
                self._unfolded = rows + self._unfolded
            raise
        if self._journal is not None and position.generation > self._oldest_generation:
            self._journal.forget_before(position)
            self._oldest_generation = position.generation

    def _fold_sync(self, rows: Sequence[Record], position: Position) -> None:
        with _Transaction(self._db) as db:
            db.executemany(_INSERT_UPDATE, rows)
            db.execute(
                "UPDATE update_journal SET journal = ?, generation = ?, folded_to = ? WHERE id = 1",
                position,
            )

    async def _append_in_thread(self, entries: Sequence[LogEntry]) -> None:
        await self._run(self._append_sync, entries)

    def _append_sync(self, entries: Sequence[LogEntry]) -> None:
        created = _now()
        with _Transaction(self._db) as db:
            db.executemany(
                _INSERT_UPDATE, [(e.board_id, e.data, e.author, created) for e in entries]
            )

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

    async def deployment(self) -> str:
        """The database file's full path: one process, one file."""
        return hashlib.sha256(str(self.path.resolve()).encode()).hexdigest()[:16]

    async def ready(self) -> None:
        await self.fetch_one("SELECT 1")

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
