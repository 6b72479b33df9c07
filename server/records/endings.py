"""The decision to end a meeting, stored before anything else happens, and how far writing
its record has got. A row here is the promise that the record will exist."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from server import clock
from server.store.base import Database


class RecordStatus(enum.StrEnum):
    WRITING = "writing"
    WRITTEN = "written"
    FAILED = "failed"


@dataclass(frozen=True)
class MeetingEnding:
    """Everything the record is made from, fixed when the meeting ended: writing it again
    after a crash gives the same record, with the same id."""

    board_id: str
    case_id: str
    record_id: str
    decided_at: str
    decided_by: str
    decided_by_name: str
    case_title: str
    state: bytes
    participants: str
    corrects: str | None
    correction_reason: str | None
    status: RecordStatus = RecordStatus.WRITING
    attempts: int = 0
    problem: str | None = None


_COLUMNS = (
    "board_id, case_id, record_id, decided_at, decided_by, decided_by_name, case_title, "
    "state, participants, corrects, correction_reason, status, attempts, problem"
)


class Endings:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def decide(self, ending: MeetingEnding) -> None:
        """Store the decision and close the board, in one transaction: either the board is
        open and nothing was decided, or it is closed and its record will be written. A
        decision already stored for the board stands; this one is dropped."""
        now = clock.iso(clock.now())
        await self._db.execute_all(
            [
                (
                    f"INSERT INTO meeting_endings ({_COLUMNS}, updated_at) "  # noqa: S608
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (board_id) DO NOTHING",
                    (*_values(ending), now),
                ),
                (
                    "UPDATE boards SET status = 'closed', closed_at = coalesce(closed_at, ?) "
                    "WHERE id = ?",
                    (now, ending.board_id),
                ),
                (
                    "UPDATE participants SET revoked_at = ? "
                    "WHERE board_id = ? AND revoked_at IS NULL",
                    (now, ending.board_id),
                ),
            ]
        )

    async def get(self, board_id: str) -> MeetingEnding | None:
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM meeting_endings WHERE board_id = ?",  # noqa: S608
            (board_id,),
        )
        return _ending(row) if row else None

    async def unwritten(self) -> list[MeetingEnding]:
        """Every decision whose record does not exist yet, oldest first."""
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM meeting_endings "  # noqa: S608
            "WHERE status <> 'written' ORDER BY decided_at",
        )
        return [_ending(row) for row in rows]

    async def attempt(self, board_id: str) -> None:
        await self._db.execute(
            "UPDATE meeting_endings SET status = 'writing', attempts = attempts + 1, "
            "problem = NULL, updated_at = ? WHERE board_id = ? AND status <> 'written'",
            (clock.iso(clock.now()), board_id),
        )

    async def failed(self, board_id: str, problem: str) -> None:
        await self._db.execute(
            "UPDATE meeting_endings SET status = 'failed', problem = ?, updated_at = ? "
            "WHERE board_id = ? AND status <> 'written'",
            (problem[:500], clock.iso(clock.now()), board_id),
        )

    @staticmethod
    def written(board_id: str) -> tuple[str, tuple[Any, ...]]:
        """The statement that marks the record written, for the record's own transaction."""
        return (
            "UPDATE meeting_endings SET status = 'written', problem = NULL, updated_at = ? "
            "WHERE board_id = ?",
            (clock.iso(clock.now()), board_id),
        )


def _values(ending: MeetingEnding) -> tuple[Any, ...]:
    return (
        ending.board_id,
        ending.case_id,
        ending.record_id,
        ending.decided_at,
        ending.decided_by,
        ending.decided_by_name,
        ending.case_title,
        ending.state,
        ending.participants,
        ending.corrects,
        ending.correction_reason,
        ending.status.value,
        ending.attempts,
        ending.problem,
    )


def _ending(row: tuple[Any, ...]) -> MeetingEnding:
    return MeetingEnding(
        board_id=row[0],
        case_id=row[1],
        record_id=row[2],
        decided_at=row[3],
        decided_by=row[4],
        decided_by_name=row[5],
        case_title=row[6],
        state=bytes(row[7]),
        participants=row[8],
        corrects=row[9],
        correction_reason=row[10],
        status=RecordStatus(row[11]),
        attempts=int(row[12]),
        problem=row[13],
    )
