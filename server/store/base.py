"""The storage contract every store (SQLite, PostgreSQL) fulfils."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class BoardRecord:
    id: str
    title: str
    language: str
    epoch: str
    status: str
    created_at: datetime


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class CompactionResult:
    board_id: str
    upto_id: int
    updates_compacted: int
    snapshot_bytes: int


class Store(Protocol):
    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def create_board(self, board: BoardRecord, first_update: bytes) -> None: ...

    async def get_board(self, board_id: str) -> BoardRecord | None: ...

    async def add_participant(
        self, participant_id: str, board_id: str, role: str, name: str, expires_at: datetime
    ) -> None: ...

    async def append(self, entries: Sequence[LogEntry]) -> list[int]:
        """Make `entries` durable, in order, before returning their log ids."""
        ...

    async def load(self, board_id: str) -> BoardState: ...

    async def compact(self, board_id: str) -> CompactionResult | None:
        """Fold the log into the snapshot, after checking the result equals the log."""
        ...

    async def log_length(self, board_id: str) -> int: ...
