"""The facilitator's controls over a meeting: lock, code, who is in, remove, end; audit."""

from __future__ import annotations

import io
from typing import Any

import segno
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from server import clock
from server.access.removals import Removals, take_ratings_of
from server.errors import CloseCode, ConnectionClosed
from server.meetings import end_meeting, open_room
from server.services import Services, services_of
from server.store.base import BoardRecord
from server.web.guards import facilitated_board, require_csrf, require_session


def join_url(request: Request, code: str) -> str:
    base = services_of(request).settings.public_url or str(request.base_url)
    return f"{base.rstrip('/')}/j/{code}"


async def _facilitator(request: Request, *, write: bool) -> tuple[Any, BoardRecord]:
    session = await require_session(request)
    board = await facilitated_board(request, request.path_params["board_id"], session)
    if write:
        require_csrf(request, session, None)
    return session, board


async def meeting(request: Request) -> Response:
    """Everything the facilitator's controls show: code, link, who is in."""
    services = services_of(request)
    _, board = await _facilitator(request, write=False)
    code = await services.codes.current_or_new(board.id) if board.status == "open" else None
    return JSONResponse(
        {
            "board": {
                "id": board.id,
                "title": board.title,
                "status": board.status,
                "case_id": board.case_id,
            },
            "code": code,
            "join_url": join_url(request, code) if code else None,
            "participants": await _participants(services, board),
        }
    )


async def _participants(services: Services, board: BoardRecord) -> list[dict[str, Any]]:
    kept_out = await Removals(services.store, services.signer).tried_to_come_back(board.id)
    room = services.rooms.get(board.id)
    connected = {grant.participant_id for grant in room.connected()} if room else set()
    rows = await services.store.fetch_all(
        "SELECT id, name, relation, role, created_at, revoked_at FROM participants "
        "WHERE board_id = ? ORDER BY created_at",
        (board.id,),
    )
    return [
        {
            "id": r[0],
            "name": r[1],
            "relation": r[2],
            "role": r[3],
            "joined": r[4],
            "removed": r[5] is not None,
            "connected": r[0] in connected,
            "tried_to_come_back": kept_out.get(r[0], 0) if r[5] is not None else 0,
        }
        for r in rows
    ]


async def lock(request: Request) -> Response:
    services = services_of(request)
    session, board = await _facilitator(request, write=True)
    locked = bool((await request.json()).get("locked"))
    if board.status != "open":
        return JSONResponse(
            {"error": "This meeting has ended: its board can no longer be locked or unlocked."},
            status_code=409,
        )

    def set_lock(roots: dict[str, Any]) -> None:
        roots["meta"]["locked"] = locked

    async with open_room(services, board) as room:
        await room.change_as_server(set_lock)
    await services.audit.record(
        "board_locked" if locked else "board_unlocked",
        actor_id=session.user.id,
        actor_name=session.user.name,
        board_id=board.id,
        case_id=board.case_id,
    )
    return JSONResponse({"locked": locked})


async def rotate_code(request: Request) -> Response:
    services = services_of(request)
    session, board = await _facilitator(request, write=True)
    if board.status != "open":
        return JSONResponse({"error": "This meeting has ended."}, status_code=409)
    return JSONResponse(await _new_code(request, services, session, board))


async def _new_code(
    request: Request, services: Services, session: Any, board: BoardRecord
) -> dict[str, str]:
    code = await services.codes.issue(board.id)
    await _tell_the_wall(services, board)
    await services.audit.record(
        "code_rotated",
        actor_id=session.user.id,
        actor_name=session.user.name,
        board_id=board.id,
        case_id=board.case_id,
    )
    return {"code": code, "join_url": join_url(request, code)}


async def _tell_the_wall(services: Services, board: BoardRecord) -> None:
    """Note in the board that a new code was issued, so the projector shows it at once."""
    issued = clock.iso(clock.now())

    def note(roots: dict[str, Any]) -> None:
        roots["meta"]["code_issued"] = issued

    async with open_room(services, board) as room:
        await room.change_as_server(note)


async def remove_participant(request: Request) -> Response:
    """Remove a person: out now, kept out (by phone and name) until let back, their rating
    off the scales; in the same step the meeting gets a new code if the facilitator asks
    (`new_code`), and is otherwise offered one."""
    services = services_of(request)
    session, board = await _facilitator(request, write=True)
    if board.status != "open":
        return JSONResponse({"error": "This meeting has ended."}, status_code=409)
    body = await request.json() if await request.body() else {}
    participant = request.path_params["participant_id"]
    removed = await Removals(services.store, services.signer).remove(board.id, participant)
    room = services.rooms.get(board.id)
    if room is not None:
        room.disconnect(
            lambda grant: grant.participant_id == participant,
            ConnectionClosed(CloseCode.BAD_TOKEN, "You were removed from the meeting."),
        )
    if removed:
        async with open_room(services, board) as open_board:
            await open_board.change_as_server(take_ratings_of(participant))
    await services.audit.record(
        "participant_removed",
        actor_id=session.user.id,
        actor_name=session.user.name,
        board_id=board.id,
        case_id=board.case_id,
        participant=participant,
    )
    answer: dict[str, Any] = {"removed": removed}
    if isinstance(body, dict) and body.get("new_code") is True:
        answer.update(await _new_code(request, services, session, board))
    else:
        answer["offer_new_code"] = True
    return JSONResponse(answer)


async def let_back(request: Request) -> Response:
    """Let a removed person back: their phone and their name work again."""
    services = services_of(request)
    session, board = await _facilitator(request, write=True)
    if board.status != "open":
        return JSONResponse({"error": "This meeting has ended."}, status_code=409)
    participant = request.path_params["participant_id"]
    let_in = await Removals(services.store, services.signer).let_back(board.id, participant)
    await services.audit.record(
        "participant_let_back",
        actor_id=session.user.id,
        actor_name=session.user.name,
        board_id=board.id,
        case_id=board.case_id,
        participant=participant,
    )
    return JSONResponse({"let_back": let_in})


async def end(request: Request) -> Response:
    """End the meeting: answered once the decision is stored, while its record is written.
    Ending an ended meeting again answers the same, and writes a record still missing."""
    services = services_of(request)
    session, board = await _facilitator(request, write=True)
    if board.status == "open":
        await services.audit.record(
            "meeting_ended",
            actor_id=session.user.id,
            actor_name=session.user.name,
            board_id=board.id,
            case_id=board.case_id,
        )
    ending = await end_meeting(services, board, session.user)
    record = ending.record_id if ending else await services.records.of_board(board.id)
    return JSONResponse(
        {
            "status": "closed",
            "record": record,
            "record_url": f"/boards/{board.id}/record" if record else None,
        }
    )


async def audit_trail(request: Request) -> Response:
    services = services_of(request)
    _, board = await _facilitator(request, write=False)
    entries = await services.audit.for_board(board.id)
    return JSONResponse([entry.__dict__ for entry in entries])


async def join_qr(request: Request) -> Response:
    """The QR code of the join link, as SVG, for the facilitator's screen and the projector."""
    services = services_of(request)
    _, board = await _facilitator(request, write=False)
    code = await services.codes.current(board.id)
    if code is None:
        return Response(status_code=404)
    qr = segno.make(join_url(request, code), error="m")
    svg = io.BytesIO()
    qr.save(svg, kind="svg", scale=8, border=2, dark="#111", light="#fff", xmldecl=False)
    return Response(svg.getvalue(), media_type="image/svg+xml")


def control_routes() -> list[BaseRoute]:
    base = "/api/boards/{board_id}"
    return [
        Route(base, meeting),
        Route(f"{base}/lock", lock, methods=["POST"]),
        Route(f"{base}/code", rotate_code, methods=["POST"]),
        Route(
            f"{base}/participants/{{participant_id}}/remove", remove_participant, methods=["POST"]
        ),
        Route(f"{base}/participants/{{participant_id}}/let-back", let_back, methods=["POST"]),
        Route(f"{base}/end", end, methods=["POST"]),
        Route(f"{base}/audit", audit_trail),
        Route("/boards/{board_id}/qr.svg", join_qr),
    ]
