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
from server.meetings import open_meeting
from server.records.carry_over import carried_over_board
from server.records.compare import compare
from server.records.manifest import RecordContent
from server.records.render import style_hash
from server.services import services_of
from server.web.guards import member_case, require_csrf, require_session
from server.web.render import render


async def _record(request: Request, session: Session) -> tuple[RecordContent, str]:
    services = services_of(request)
    found = await services.records.get(request.path_params["record_id"])
    if found is None or not await services.cases.is_member(found[0].case_id, session.user.id):
        raise HTTPException(404, "There is no such record, or it is not one of your cases.")
    return found


async def record_page(request: Request) -> Response:
    """The record exactly as it was written: the stored HTML, with its own stylesheet."""
    session = await require_session(request)
    record, _ = await _record(request, session)
    policy = (
        f"default-src 'none'; style-src {style_hash()}; img-src 'self' data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )
    return Response(
        record.html, media_type="text/html", headers={"content-security-policy": policy}
    )


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
        Route("/records/{record_id}/correct", correct, methods=["POST"]),
        Route("/cases/{case_id}/compare", comparison),
        Route("/cases/{case_id}/next", next_meeting, methods=["POST"]),
    ]
