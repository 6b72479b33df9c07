"""Who is asking to open a board, and as what: from a token, a session or a join cookie."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from server import clock
from server.access.accounts import Accounts
from server.access.roles import Role
from server.access.tokens import BoardGrant, TokenSigner
from server.cases import Cases
from server.errors import AccessRevoked, InvalidToken
from server.store.base import BoardRecord, Database

SESSION_COOKIE = "nb_session"


def join_cookie(board_id: str) -> str:
    """The cookie that holds a relative's token for one board (HttpOnly: never in script)."""
    return f"nb_join_{board_id}"


class Admission:
    def __init__(self, db: Database, signer: TokenSigner, accounts: Accounts, cases: Cases) -> None:
        self._db = db
        self._signer = signer
        self._accounts = accounts
        self._cases = cases

    async def grant(
        self, board: BoardRecord, query: Mapping[str, str], cookies: Mapping[str, str]
    ) -> BoardGrant:
        """The strongest grant the request carries for `board`; InvalidToken if none."""
        token = query.get("token") or cookies.get(join_cookie(board.id))
        if token:
            grant = self._signer.verify(token, board.id)
            await self._check_not_revoked(grant)
        else:
            grant = await self._facilitator_grant(board, cookies.get(SESSION_COOKIE))
        if query.get("view") == "project":
            grant = replace(grant, role=Role.VIEWER)  # the projector only ever shows
        return grant

    async def _check_not_revoked(self, grant: BoardGrant) -> None:
        row = await self._db.fetch_one(
            "SELECT revoked_at FROM participants WHERE id = ?", (grant.participant_id,)
        )
        if row is not None and row[0] is not None:
            raise AccessRevoked("This person was removed from the meeting.")

    async def _facilitator_grant(self, board: BoardRecord, session_token: str | None) -> BoardGrant:
        session = await self._accounts.session(session_token)
        if session is None:
            raise InvalidToken("Not signed in, and no token.")
        if not await self._cases.is_member(board.case_id, session.user.id):
            raise InvalidToken("This board belongs to a case you are not part of.")
        user = session.user
        expires = int(clock.later(3600).timestamp())
        return BoardGrant(board.id, Role.FACILITATOR, user.id, user.name, expires)
