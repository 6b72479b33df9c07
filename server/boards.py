"""Creating boards and granting access to them: shared by the CLI and the web API."""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime

from server.access.roles import Role
from server.access.tokens import BoardGrant, TokenSigner, new_participant_id
from server.errors import BoardNotFound
from server.store import BoardRecord, Store
from shared_schema import Language, new_board_update


def new_board_id() -> str:
    """Prefixed like the other ids, and so never starting with "-": a board id is typed
    on the command line (`netwerkbord token <board_id>`), where that reads as an option."""
    return f"b_{secrets.token_urlsafe(12)}"


async def create_board(
    store: Store,
    title: str,
    language: Language,
    *,
    case_id: str | None = None,
    first_update: bytes | None = None,
) -> BoardRecord:
    title = title.strip()
    if not title:
        raise ValueError("A board needs a title.")
    board = BoardRecord(
        id=new_board_id(),
        title=title,
        language=language,
        epoch=secrets.token_urlsafe(9),
        status="open",
        created_at=datetime.now(UTC),
        case_id=case_id,
    )
    await store.create_board(board, first_update or new_board_update(title, language))
    return board


async def grant_access(
    store: Store,
    signer: TokenSigner,
    board_id: str,
    role: Role,
    name: str,
    ttl_seconds: int,
    *,
    relation: str = "",
) -> str:
    """A signed token for `board_id`, recorded as a participant so the log can name them."""
    if await store.get_board(board_id) is None:
        raise BoardNotFound(board_id)
    if ttl_seconds <= 0:
        raise ValueError("The time to live must be positive.")
    expires_at = int(time.time()) + ttl_seconds
    grant = BoardGrant(board_id, role, new_participant_id(), name, expires_at)
    await store.add_participant(
        grant.participant_id, board_id, role.value, name, datetime.fromtimestamp(expires_at, UTC)
    )
    if relation:
        await store.execute(
            "UPDATE participants SET relation = ? WHERE id = ?", (relation, grant.participant_id)
        )
    return signer.issue(grant)
