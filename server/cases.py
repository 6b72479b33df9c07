"""Cases: a family's file, shared by the facilitators working on it, holding its meetings."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from server import clock
from server.access.accounts import AccountError, User
from server.store.base import Database


@dataclass(frozen=True)
class Case:
    id: str
    title: str
    created_by: str
    created_at: datetime


@dataclass(frozen=True)
class BoardSummary:
    id: str
    title: str
    status: str
    created_at: datetime


class Cases:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(self, title: str, user: User) -> Case:
        title = title.strip()
        if not title or len(title) > 200:
            raise AccountError("A case needs a title of at most 200 characters.")
        case = Case(f"c_{secrets.token_urlsafe(9)}", title, user.id, clock.now())
        created = clock.iso(case.created_at)
        await self._db.execute_all(
            [
                (
                    "INSERT INTO cases (id, title, created_by, created_at) VALUES (?, ?, ?, ?)",
                    (case.id, case.title, user.id, created),
                ),
                (
                    "INSERT INTO case_members (case_id, user_id, added_by, added_at) "
                    "VALUES (?, ?, ?, ?)",
                    (case.id, user.id, user.id, created),
                ),
            ]
        )
        return case

    async def get(self, case_id: str) -> Case | None:
        row = await self._db.fetch_one(
            "SELECT id, title, created_by, created_at FROM cases WHERE id = ?", (case_id,)
        )
        return Case(row[0], row[1], row[2], clock.parse(row[3])) if row else None

    async def for_user(self, user_id: str) -> list[Case]:
        rows = await self._db.fetch_all(
            "SELECT c.id, c.title, c.created_by, c.created_at FROM cases c "
            "JOIN case_members m ON m.case_id = c.id WHERE m.user_id = ? "
            "ORDER BY c.created_at DESC",
            (user_id,),
        )
        return [Case(r[0], r[1], r[2], clock.parse(r[3])) for r in rows]

    async def is_member(self, case_id: str | None, user_id: str) -> bool:
        if case_id is None:
            return False
        row = await self._db.fetch_one(
            "SELECT 1 FROM case_members WHERE case_id = ? AND user_id = ?", (case_id, user_id)
        )
        return row is not None

    async def members(self, case_id: str) -> list[User]:
        rows = await self._db.fetch_all(
            "SELECT u.id, u.email, u.name FROM users u JOIN case_members m ON m.user_id = u.id "
            "WHERE m.case_id = ? ORDER BY u.name",
            (case_id,),
        )
        return [User(*row) for row in rows]

    async def share(self, case_id: str, colleague: User, by: User) -> None:
        await self._db.execute(
            "INSERT INTO case_members (case_id, user_id, added_by, added_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (case_id, user_id) DO NOTHING",
            (case_id, colleague.id, by.id, clock.iso(clock.now())),
        )

    async def boards(self, case_id: str) -> list[BoardSummary]:
        rows = await self._db.fetch_all(
            "SELECT id, title, status, created_at FROM boards WHERE case_id = ? "
            "ORDER BY created_at DESC",
            (case_id,),
        )
        return [BoardSummary(r[0], r[1], r[2], clock.parse(r[3])) for r in rows]

    async def open_boards_for(self, user_id: str) -> list[tuple[Case, BoardSummary]]:
        rows = await self._db.fetch_all(
            "SELECT c.id, c.title, c.created_by, c.created_at, b.id, b.title, b.status, "
            "b.created_at FROM boards b JOIN cases c ON c.id = b.case_id "
            "JOIN case_members m ON m.case_id = c.id "
            "WHERE m.user_id = ? AND b.status = 'open' ORDER BY b.created_at DESC",
            (user_id,),
        )
        return [
            (
                Case(r[0], r[1], r[2], clock.parse(r[3])),
                BoardSummary(r[4], r[5], r[6], clock.parse(r[7])),
            )
            for r in rows
        ]
