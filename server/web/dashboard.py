"""The facilitator's own pages: their cases, a case's meetings, sharing a case."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from server.access.accounts import AccountError
from server.meetings import open_meeting
from server.services import services_of
from server.web.guards import member_case, require_csrf, require_session
from server.web.render import render
from shared_schema import Language


async def dashboard(request: Request) -> Response:
    services = services_of(request)
    session = await require_session(request)
    return render(
        request,
        "dashboard.html",
        {
            "cases": await services.cases.for_user(session.user.id),
            "open_boards": await services.cases.open_boards_for(session.user.id),
        },
        session=session,
    )


async def create_case(request: Request) -> Response:
    services = services_of(request)
    session = await require_session(request)
    form = await request.form()
    require_csrf(request, session, str(form.get("csrf_token", "")))
    try:
        case = await services.cases.create(str(form.get("title", "")), session.user)
    except AccountError:
        return RedirectResponse("/", status_code=303)
    await services.audit.record(
        "case_created", actor_id=session.user.id, actor_name=session.user.name, case_id=case.id
    )
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


async def case_page(request: Request, notice: str | None = None, status: int = 200) -> Response:
    services = services_of(request)
    session = await require_session(request)
    case = await member_case(request, session)
    return render(
        request,
        "case.html",
        {
            "case": case,
            "boards": await services.cases.boards(case.id),
            "members": await services.cases.members(case.id),
            "records": await services.records.for_case(case.id),
            "notice": notice,
        },
        session=session,
        status_code=status,
    )


async def create_meeting(request: Request) -> Response:
    services = services_of(request)
    session = await require_session(request)
    case = await member_case(request, session)
    form = await request.form()
    require_csrf(request, session, str(form.get("csrf_token", "")))
    language: Language = "en" if form.get("language") == "en" else "nl"
    title = str(form.get("title", "")).strip()[:200] or case.title
    board = await open_meeting(services, session.user, case, title, language)
    return RedirectResponse(f"/boards/{board.id}", status_code=303)


async def share_case(request: Request) -> Response:
    services = services_of(request)
    session = await require_session(request)
    case = await member_case(request, session)
    form = await request.form()
    require_csrf(request, session, str(form.get("csrf_token", "")))
    colleague = await services.accounts.find_by_email(str(form.get("email", "")))
    if colleague is None:
        return await case_page(request, notice="case.share_unknown", status=400)
    await services.cases.share(case.id, colleague, session.user)
    await services.audit.record(
        "case_shared",
        actor_id=session.user.id,
        actor_name=session.user.name,
        case_id=case.id,
        colleague=colleague.id,
    )
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


def dashboard_routes() -> list[BaseRoute]:
    return [
        Route("/", dashboard),
        Route("/cases", create_case, methods=["POST"]),
        Route("/cases/{case_id}", case_page, methods=["GET"]),
        Route("/cases/{case_id}/boards", create_meeting, methods=["POST"]),
        Route("/cases/{case_id}/share", share_case, methods=["POST"]),
    ]
