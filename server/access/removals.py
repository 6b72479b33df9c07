"""Removing a person from a meeting so that it sticks, and letting them back.

A removed person is known again by their phone (the join cookie it still holds) or by the
name they were removed under; either keeps them out of that board until the facilitator
lets them back. Their rating leaves the scales with them, so that a person let back, or
coming back under another id, never has two ratings on one scale."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from server import clock
from server.access.tokens import TokenSigner
from server.errors import InvalidToken
from server.store.base import Database


def same_name(name: str) -> str:
    """A name as people mean it: case and spacing do not make another person."""
    return " ".join(name.casefold().split())


def phone_mark(phone: str) -> str:
    """What the audit keeps of a phone's cookie: enough to know it again, not to use it."""
    return hashlib.sha256(phone.encode()).hexdigest()[:32]


def take_ratings_of(participant_id: str) -> Any:
    """A server change that takes `participant_id`'s rating off every scale."""

    def change(roots: dict[str, Any]) -> None:
        for scale in roots["scales"].values():
            ratings = scale["ratings"]
            if participant_id in ratings:
                del ratings[participant_id]

    return change


class Removals:
    def __init__(self, db: Database, signer: TokenSigner) -> None:
        self._db = db
        self._signer = signer

    async def remove(self, board_id: str, participant_id: str) -> bool:
        changed = await self._db.execute(
            "UPDATE participants SET revoked_at = ? WHERE id = ? AND board_id = ? "
            "AND revoked_at IS NULL",
            (clock.iso(clock.now()), participant_id, board_id),
        )
        return bool(changed)

    async def let_back(self, board_id: str, participant_id: str) -> bool:
        changed = await self._db.execute(
            "UPDATE participants SET revoked_at = NULL WHERE id = ? AND board_id = ? "
            "AND revoked_at IS NOT NULL",
            (participant_id, board_id),
        )
        return bool(changed)

    async def removed_person(
        self, board_id: str, name: str | None, token: str | None
    ) -> str | None:
        """The id of the removed participant this phone or this name belongs to, if any."""
        if token:
            try:
                grant = self._signer.verify(token, board_id)
            except InvalidToken:
                grant = None
            if grant is not None and await self._is_removed(grant.participant_id):
                return grant.participant_id
        if name:
            rows = await self._db.fetch_all(
                "SELECT id, name FROM participants WHERE board_id = ? AND revoked_at IS NOT NULL",
                (board_id,),
            )
            for participant_id, removed_name in rows:
                if same_name(str(removed_name)) == same_name(name):
                    return str(participant_id)
        return None

    async def _is_removed(self, participant_id: str) -> bool:
        row = await self._db.fetch_one(
            "SELECT revoked_at FROM participants WHERE id = ?", (participant_id,)
        )
        return row is not None and row[0] is not None

    async def tried_to_come_back(self, board_id: str) -> dict[str, int]:
        """How often each removed participant was kept out (from the audit)."""
        rows = await self._db.fetch_all(
            "SELECT detail FROM audit_log WHERE board_id = ? AND event = 'rejoin_refused'",
            (board_id,),
        )
        counts: dict[str, int] = {}
        for (detail,) in rows:
            participant = json.loads(detail).get("participant")
            if isinstance(participant, str):
                counts[participant] = counts.get(participant, 0) + 1
        return counts

    async def joined_on_phone(self, board_id: str, phone: str, name: str) -> tuple[str, str] | None:
        """(id, name) of the person in this meeting who joined on this phone under this
        name, if any: giving their name again there makes them themselves again."""
        mark = phone_mark(phone)
        rows = await self._db.fetch_all(
            "SELECT detail FROM audit_log WHERE board_id = ? AND event = 'joined_with_code'",
            (board_id,),
        )
        for (detail,) in rows:
            joined = json.loads(detail)
            if joined.get("phone") != mark or not isinstance(joined.get("participant"), str):
                continue
            row = await self._db.fetch_one(
                "SELECT id, name FROM participants WHERE id = ? AND revoked_at IS NULL",
                (joined["participant"],),
            )
            if row is not None and same_name(str(row[1])) == same_name(name):
                return str(row[0]), str(row[1])
        return None
