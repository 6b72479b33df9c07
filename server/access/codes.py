"""Join codes: six characters a grandmother can read off the wall and type on her phone."""

from __future__ import annotations

import secrets
from enum import Enum

from server import clock
from server.store.base import Database

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: nothing that reads as something else on a small screen.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
LENGTH = 6
CODE_SECONDS = 12 * 3600


class CodeProblem(Enum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    REVOKED = "revoked"
    CLOSED = "closed"


class CodeRefused(Exception):
    def __init__(self, problem: CodeProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def normalise_code(text: str) -> str:
    """What a person typed, as a code: case and spaces and dashes do not matter."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


class JoinCodes:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def current(self, board_id: str) -> str | None:
        row = await self._db.fetch_one(
            "SELECT code FROM join_codes WHERE board_id = ? AND revoked_at IS NULL "
            "AND expires_at > ? ORDER BY created_at DESC LIMIT 1",
            (board_id, clock.iso(clock.now())),
        )
        return str(row[0]) if row else None

    async def issue(self, board_id: str, seconds: float = CODE_SECONDS) -> str:
        """A fresh code for `board_id`; any earlier code stops working."""
        await self.revoke_all(board_id)
        for _ in range(20):
            code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
            if await self._db.fetch_one("SELECT 1 FROM join_codes WHERE code = ?", (code,)):
                continue
            await self._db.execute(
                "INSERT INTO join_codes (code, board_id, created_at, expires_at) "
                "VALUES (?, ?, ?, ?)",
                (code, board_id, clock.iso(clock.now()), clock.iso(clock.later(seconds))),
            )
            return code
        raise RuntimeError("no free join code found")  # 25^6 codes: practically never

    async def current_or_new(self, board_id: str) -> str:
        return await self.current(board_id) or await self.issue(board_id)

    async def revoke_all(self, board_id: str) -> None:
        await self._db.execute(
            "UPDATE join_codes SET revoked_at = ? WHERE board_id = ? AND revoked_at IS NULL",
            (clock.iso(clock.now()), board_id),
        )

    async def resolve(self, typed: str) -> str:
        """The board a code opens; raises CodeRefused saying why not."""
        row = await self._db.fetch_one(
            "SELECT j.board_id, j.expires_at, j.revoked_at, b.status FROM join_codes j "
            "JOIN boards b ON b.id = j.board_id WHERE j.code = ?",
            (normalise_code(typed),),
        )
        if row is None:
            raise CodeRefused(CodeProblem.UNKNOWN)
        board_id, expires_at, revoked_at, status = row
        if status != "open":
            raise CodeRefused(CodeProblem.CLOSED)
        if revoked_at is not None:
            raise CodeRefused(CodeProblem.REVOKED)
        if clock.parse(expires_at) <= clock.now():
            raise CodeRefused(CodeProblem.EXPIRED)
        return str(board_id)
