"""A meeting's start and end: the end freezes the board, voids every way in, and decides
the case record, which is then written from that decision."""

from __future__ import annotations

import contextlib
import json
import secrets
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
from server.records.endings import MeetingEnding, RecordStatus
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


def _close(roots: dict[str, Any]) -> None:
    meta: Map[Any] = roots["meta"]
    meta["status"] = "closed"
    meta["locked"] = True


async def end_meeting(services: Services, board: BoardRecord, by: User) -> MeetingEnding | None:
    """End the meeting: a durable decision first, then its record, written in the
    background from the state stored with the decision (`services.record_writer`).

    The board refuses every change from the moment its document says closed; the decision,
    the board's closed status and the voided tokens are stored in one transaction, so a
    crash leaves either an open board (end it again) or a decided one whose record the next
    start writes. Ending again returns the stored decision and, if its record is not there
    yet, starts writing it again: one record, whoever asks how often. A board closed before
    decisions were stored (and so without a record) gets one from its frozen state."""
    ending = await services.endings.get(board.id)
    if ending is None and board.status != "open" and await services.records.of_board(board.id):
        return None  # ended, and its record written, before decisions were stored
    if ending is None:
        async with open_room(services, board) as room:
            await room.change_as_server(_close)
            state = await room.stored_state()
            if board.case_id is None:
                await _close_without_record(services, board)
            else:
                await services.endings.decide(await _decision(services, board, by, state))
            await services.codes.revoke_all(board.id)
            room.disconnect(_not_facilitator, ConnectionClosed(CloseCode.BOARD_CLOSED))
        ending = await services.endings.get(board.id)
    if ending is not None and ending.status is not RecordStatus.WRITTEN:
        services.record_writer.write(ending)
    return ending


async def _decision(
    services: Services, board: BoardRecord, by: User, state: bytes
) -> MeetingEnding:
    assert board.case_id is not None
    case = await services.cases.get(board.case_id)
    row = await services.store.fetch_one(
        "SELECT corrects, correction_reason FROM boards WHERE id = ?", (board.id,)
    )
    decided = clock.now()
    return MeetingEnding(
        board_id=board.id,
        case_id=board.case_id,
        record_id=f"r_{decided.strftime('%Y%m%d')}_{secrets.token_urlsafe(6)}",
        decided_at=clock.iso_exact(decided),
        decided_by=by.id,
        decided_by_name=by.name,
        case_title=case.title if case else "",
        state=state,
        participants=json.dumps(
            await who_took_part(services, board), ensure_ascii=False, sort_keys=True
        ),
        corrects=row[0] if row else None,
        correction_reason=row[1] if row else None,
    )


async def _close_without_record(services: Services, board: BoardRecord) -> None:
    """A board of no case (made with `netwerkbord board create`) has no record to write."""
    now = clock.iso(clock.now())
    await services.store.execute_all(
        [
            (
                "UPDATE boards SET status = 'closed', closed_at = coalesce(closed_at, ?) "
                "WHERE id = ?",
                (now, board.id),
            ),
            (
                "UPDATE participants SET revoked_at = ? WHERE board_id = ? AND revoked_at IS NULL",
                (now, board.id),
            ),
        ]
    )


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
