"""A meeting's end: freeze the board, void every way in, and write the case record."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

from pycrdt import Map

from server import clock
from server.access.accounts import User
from server.access.roles import Role
from server.access.tokens import BoardGrant
from server.boards import create_board
from server.cases import Case
from server.errors import CloseCode, ConnectionClosed
from server.records.carry_over import carried_over_board
from server.records.manifest import RecordContent
from server.records.render import local
from server.services import Services
from server.store.base import BoardRecord
from server.sync.room import Room
from shared_schema import Language


@contextlib.asynccontextmanager
async def open_room(services: Services, board: BoardRecord) -> AsyncIterator[Room]:
    """The board's room, loaded for as long as the block needs it."""
    room = await services.rooms.acquire(board)
    try:
        yield room
    finally:
        services.rooms.release(room)


async def open_meeting(
    services: Services,
    by: User,
    case: Case,
    title: str,
    language: Language,
    *,
    carried_from: RecordContent | None = None,
) -> BoardRecord:
    """A new meeting board in `case`, with its join code; continuing `carried_from` if given."""
    first_update = None
    if carried_from is not None:
        first_update = carried_over_board(json.loads(carried_from.document), title)
    board = await create_board(
        services.store, title, language, case_id=case.id, first_update=first_update
    )
    if carried_from is not None:
        await services.store.execute(
            "UPDATE boards SET carried_from = ? WHERE id = ?", (carried_from.id, board.id)
        )
    await services.codes.issue(board.id)
    await services.audit.record(
        "meeting_opened",
        actor_id=by.id,
        actor_name=by.name,
        board_id=board.id,
        case_id=case.id,
        carried_from=carried_from.id if carried_from else None,
    )
    return board


def _not_facilitator(grant: BoardGrant) -> bool:
    return grant.role is not Role.FACILITATOR


async def end_meeting(services: Services, board: BoardRecord, by: User) -> RecordContent | None:
    """Close the board and, for a board of a case, write its record. Relatives' and
    viewers' connections close; codes and tokens stop working; facilitators stay, and
    the board refuses every change from now on."""

    def close(roots: dict[str, Any]) -> None:
        meta: Map[Any] = roots["meta"]
        meta["status"] = "closed"
        meta["locked"] = True

    async with open_room(services, board) as room:
        await room.change_as_server(close)
        state = await room.stored_state()
        now = clock.iso(clock.now())
        await services.store.execute_all(
            [
                (
                    "UPDATE boards SET status = 'closed', closed_at = ? WHERE id = ?",
                    (now, board.id),
                ),
                (
                    "UPDATE participants SET revoked_at = ? "
                    "WHERE board_id = ? AND revoked_at IS NULL",
                    (now, board.id),
                ),
            ]
        )
        await services.codes.revoke_all(board.id)
        room.disconnect(_not_facilitator, ConnectionClosed(CloseCode.BOARD_CLOSED))
    if board.case_id is None:
        return None
    case = await services.cases.get(board.case_id)
    row = await services.store.fetch_one(
        "SELECT corrects, correction_reason FROM boards WHERE id = ?", (board.id,)
    )
    record = await services.records.create(
        board,
        case.title if case else "",
        state,
        by,
        await who_took_part(services, board),
        corrects=row[0] if row else None,
        correction_reason=row[1] if row else None,
    )
    await services.audit.record(
        "record_written",
        actor_id=by.id,
        actor_name=by.name,
        board_id=board.id,
        case_id=board.case_id,
        record=record.id,
        sha256=record.digest(),
    )
    return record


async def who_took_part(services: Services, board: BoardRecord) -> list[dict[str, str]]:
    """Everyone who came in, with a name, except viewers: relatives and facilitators."""
    rows = await services.store.fetch_all(
        "SELECT a.actor_id, a.actor_name, coalesce(p.role, 'facilitator'), "
        "coalesce(p.relation, ''), min(a.at) FROM audit_log a "
        "LEFT JOIN participants p ON p.id = a.actor_id "
        "WHERE a.board_id = ? AND a.event = 'joined' "
        "GROUP BY a.actor_id, a.actor_name, p.role, p.relation ORDER BY min(a.at)",
        (board.id,),
    )
    return [
        {
            "id": r[0],
            "name": r[1] or "",
            "role": r[2],
            "relation": r[3],
            "joined": local(clock.parse(r[4])),
        }
        for r in rows
    ]
