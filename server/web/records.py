"""Case records in the browser: read, download, compare, correct, continue."""

from __future__ import annotations

import json
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from server.access.accounts import Session
from server.boards import create_board
from server.i18n import Translator, language_of
from server.meetings import end_meeting, open_meeting
from server.records.carry_over import carried_over_board
from server.records.compare import compare
from server.records.endings import RecordStatus
from server.records.manifest import RecordContent
from server.records.page import with_navigation
from server.services import services_of
from server.web.guards import facilitated_board, member_case, require_csrf, require_session
from server.web.render import render


async def _record(request: Request, session: Session) -> tuple[RecordContent, str]:
    services = services_of(request)
    found = await services.records.get(request.path_params["record_id"])
    if found is None or not await services.cases.is_member(found[0].case_id, session.user.id):
        raise HTTPException(404, "There is no such record, or it is not one of your cases.")
    return found


async def record_page(request: Request) -> Response:
    """The record exactly as it was written (the stored HTML, with its own stylesheet), with
    the way back to the case and the dashboard, and its downloads, above it."""
    session = await require_session(request)
    record, _ = await _record(request, session)
    page, styles = with_navigation(record, Translator(language_of(request)))
    policy = (
        f"default-src 'none'; style-src {' '.join(styles)}; img-src 'self' data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )
    return Response(page, media_type="text/html", headers={"content-security-policy": policy})


async def meeting_record(request: Request) -> Response:
    """Where ending a meeting leads: its record once written; until then, that it is being
    written, or that writing it failed, with a button to try again."""
    services = services_of(request)
    session = await require_session(request)
    board = await facilitated_board(request, request.path_params["board_id"], session)
    record = await services.records.of_board(board.id)
    if record is not None:
        return RedirectResponse(f"/records/{record}", status_code=303)
    if board.status == "open" or board.case_id is None:
        return RedirectResponse(f"/boards/{board.id}", status_code=303)
    ending = await services.endings.get(board.id)
    writing = ending is not None and (
        ending.status is RecordStatus.WRITING or services.record_writer.is_writing(board.id)
    )
    return render(
        request,
        "record_writing.html",
        {"board": board, "writing": writing, "problem": ending.problem if ending else None},
        session=session,
    )


async def write_meeting_record(request: Request) -> Response:
    """Try again: ending an ended meeting writes its record if it is missing, never twice."""
    services = services_of(request)
    session = await require_session(request)
    board = await facilitated_board(request, request.path_params["board_id"], session)
    form = await request.form()
    require_csrf(request, session, str(form.get("csrf_token", "")))
    if board.status != "open":
        await end_meeting(services, board, session.user)
    return RedirectResponse(f"/boards/{board.id}/record", status_code=303)


async def record_pdf(request: Request) -> Response:
    session = await require_session(request)
    record, _ = await _record(request, session)
    return Response(
        record.pdf,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="{record.id}.pdf"'},
    )


async def record_json(request: Request) -> Response:
    session = await require_session(request)
    record, sha256 = await _record(request, session)
    body = {
        "record": {
            **json.loads(record.manifest()),
            "sha256": sha256,
            "participants": json.loads(record.participants),
        },
        "board": json.loads(record.document),
    }
    return JSONResponse(
        body, headers={"content-disposition": f'attachment; filename="{record.id}.json"'}
    )


async def comparison(request: Request) -> Response:
    services = services_of(request)
    session = await require_session(request)
    case = await member_case(request, session)
    documents: list[tuple[RecordContent, dict[str, Any]]] = []
    for key in ("a", "b"):
        found = await services.records.get(request.query_params.get(key, ""))
        if found is None or found[0].case_id != case.id:
            raise HTTPException(404, "Choose two records of this case.")
        documents.append((found[0], json.loads(found[0].document)))
    (first, before), (second, after) = sorted(documents, key=lambda pair: pair[0].created_at)
    return render(
        request,
        "compare.html",
        {
            "case": case,
            "first": first,
            "second": second,
            "changes": compare(before, after),
        },
        session=session,
    )


async def correct(request: Request) -> Response:
    """A correction is a new meeting board holding the record's content; closing it writes
    a new record that names the one it corrects and why. Nothing is overwritten."""
    services = services_of(request)
    session = await require_session(request)
    record, _ = await _record(request, session)
    form = await request.form()
    require_csrf(request, session, str(form.get("csrf_token", "")))
    reason = " ".join(str(form.get("reason", "")).split())[:500]
    if not reason:
        raise HTTPException(400, "Say why the record needs correcting.")
    document = json.loads(record.document)
    board = await create_board(
        services.store,
        record.title,
        document["meta"]["language"],
        case_id=record.case_id,
        first_update=carried_over_board(document, record.title, correction=True),
    )
    await services.store.execute(
        "UPDATE boards SET corrects = ?, correction_reason = ? WHERE id = ?",
        (record.id, reason, board.id),
    )
    await services.audit.record(
        "correction_opened",
        actor_id=session.user.id,
        actor_name=session.user.name,
        board_id=board.id,
        case_id=record.case_id,
        record=record.id,
        reason=reason,
    )
    return RedirectResponse(f"/boards/{board.id}", status_code=303)


async def next_meeting(request: Request) -> Response:
    services = services_of(request)
    session = await require_session(request)
    case = await member_case(request, session)
    form = await request.form()
    require_csrf(request, session, str(form.get("csrf_token", "")))
    latest = await services.records.latest(case.id)
    if latest is None:
        raise HTTPException(409, "This case has no record yet to continue from.")
    title = " ".join(str(form.get("title", "")).split())[:200] or case.title
    board = await open_meeting(
        services,
        session.user,
        case,
        title,
        "en" if latest.language == "en" else "nl",
        carried_from=latest,
    )
    return RedirectResponse(f"/boards/{board.id}", status_code=303)


def record_routes() -> list[BaseRoute]:
    return [
        Route("/records/{record_id}.pdf", record_pdf),
        Route("/records/{record_id}.json", record_json),
        Route("/records/{record_id}", record_page),
        Route("/boards/{board_id}/record", meeting_record),
        Route("/boards/{board_id}/record", write_meeting_record, methods=["POST"]),
        Route("/records/{record_id}/correct", correct, methods=["POST"]),
        Route("/cases/{case_id}/compare", comparison),
        Route("/cases/{case_id}/next", next_meeting, methods=["POST"]),
    ]
