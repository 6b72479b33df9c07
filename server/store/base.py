"""The storage contract every store (SQLite, PostgreSQL) fulfils."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

Row = tuple[Any, ...]


@dataclass(frozen=True)
class BoardRecord:
    id: str
    title: str
    language: str
    epoch: str
    status: str
    created_at: datetime
    case_id: str | None = None


@dataclass(slots=True)  # not frozen: one is made for every keystroke, three times as fast
class LogEntry:
    """One accepted update, as it goes into the log."""

    board_id: str
    data: bytes
    author: str


@dataclass(frozen=True)
class BoardState:
    """What a room needs to start: the snapshot and the log after it."""

    snapshot: bytes | None
    updates: Sequence[bytes]
    last_id: int

    @property
    def in_order(self) -> list[bytes]:
        """The snapshot, if any, then the log: every update, in the order to apply them."""
        return ([self.snapshot] if self.snapshot else []) + list(self.updates)


@dataclass(frozen=True)
class CompactionResult:
    board_id: str
    upto_id: int
    updates_compacted: int
    snapshot_bytes: int


class Database(Protocol):
    """Plain queries, for everything but the update log: accounts, cases, codes, audit.

    SQL is written once with `?` placeholders and portable types (text times, ISO format);
    each store runs it in its own dialect.
    """

    async def fetch_one(self, sql: str, params: Sequence[object] = ()) -> Row | None: ...

    async def fetch_all(self, sql: str, params: Sequence[object] = ()) -> list[Row]: ...

    async def execute(self, sql: str, params: Sequence[object] = ()) -> int:
        """Run one statement in its own transaction; returns the number of rows changed."""
        ...

    async def execute_all(self, statements: Sequence[tuple[str, Sequence[object]]]) -> None:
        """Run several statements in one transaction: all of them, or none."""
        ...


class Store(Database, Protocol):
    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def deployment(self) -> str:
        """Who this store is, in hex: the same for every process on this database, and
        different for any other database, a restored copy of this one included. The
        fan-out between processes is scoped by it."""
        ...

    async def ready(self) -> None:
        """Return if the store answers now; StoreUnavailable if not."""
        ...

    async def create_board(self, board: BoardRecord, first_update: bytes) -> None: ...

    async def get_board(self, board_id: str) -> BoardRecord | None: ...

    async def add_participant(
        self, participant_id: str, board_id: str, role: str, name: str, expires_at: datetime
    ) -> None: ...

    async def append(self, entries: Sequence[LogEntry]) -> None:
        """Make `entries` durable, in order, before returning."""
        ...

    @property
    def appends_at_once(self) -> bool:
        """Whether `append` returns without ever giving up the event loop; `append_now`
        then does the same without a coroutine."""
        ...

    def append_now(self, entries: Sequence[LogEntry]) -> None:
        """`append`, for a store that `appends_at_once` (RuntimeError for any other)."""
        ...

    async def load(self, board_id: str) -> BoardState: ...

    async def compact(self, board_id: str) -> CompactionResult | None:
        """Fold the log into the snapshot, after checking the result equals the log."""
        ...

    async def log_length(self, board_id: str) -> int: ...
