"""Relatives joining from their phones: the code, a name, and in."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from server import clock
from server.access.admission import join_cookie
from server.access.codes import CodeProblem, CodeRefused, normalise_code
from server.access.removals import Removals, phone_mark, same_name
from server.access.roles import Role
from server.access.tokens import BoardGrant
from server.boards import grant_access
from server.errors import InvalidToken
from server.services import services_of
from server.web.guards import (
    check_anonymous_csrf,
    client_address,
    phone_of,
    render_anonymous_form,
    set_private_cookie,
)

JOIN_SECONDS = 12 * 3600
_STATUS = {
    CodeProblem.UNKNOWN: 404,
    CodeProblem.EXPIRED: 410,
    CodeProblem.REVOKED: 410,
    CodeProblem.CLOSED: 410,
}


def code_page(request: Request, context: dict[str, str], status_code: int = 200) -> Response:
    """The page that asks for the code; it gives the phone its own cookie, so that its
    wrong codes are counted for it and not for every phone on the same network."""
    return render_anonymous_form(request, "join_code.html", context, status_code)


async def code_form(request: Request) -> Response:
    return code_page(request, {})


async def code_submitted(request: Request) -> Response:
    form = await request.form()
    code = normalise_code(str(form.get("code", "")))
    return RedirectResponse(f"/j/{code or '-'}", status_code=303)


async def _board_for(request: Request, code: str) -> tuple[str | None, Response | None]:
    """The board the code opens, or the page that says, plainly, why it does not."""
    services = services_of(request)
    address, phone = client_address(request), phone_of(request)
    if await services.code_limits.used_up(address, phone):
        # A phone without its cookie yet (a QR code just scanned) shares its address's
        # cookieless allowance with any script that throws cookies away: it is asked to
        # press once more, with the cookie this page gives it, and is then counted alone.
        error = "join.confirm" if phone is None else "join.limited"
        return None, code_page(request, {"error": error, "code": code}, status_code=429)
    try:
        return await services.codes.resolve(code), None
    except CodeRefused as refused:
        if refused.problem is CodeProblem.UNKNOWN:
            await services.code_limits.wrong(normalise_code(code), address, phone)
        return None, code_page(
            request,
            {"error": f"join.{refused.problem.value}", "code": code},
            status_code=_STATUS[refused.problem],
        )


async def _kept_out(request: Request, board_id: str, name: str | None) -> Response | None:
    """The page for a removed person coming back (by this phone or this name), or, for a
    person in already giving their name again on the same phone, their way back to the
    board as themselves: never a second identity (nor a second rating). Another name on the
    same phone is another person: two relatives may share a phone."""
    services = services_of(request)
    token = request.cookies.get(join_cookie(board_id))
    removals = Removals(services.store, services.signer)
    removed = await removals.removed_person(board_id, name, token)
    if removed is not None:
        board = await services.store.get_board(board_id)
        await services.audit.record(
            "rejoin_refused",
            actor_name=name,
            board_id=board_id,
            case_id=board.case_id if board else None,
            participant=removed,
            address=client_address(request),
        )
        return code_page(request, {"error": "join.removed"}, status_code=403)
    if token and name:
        try:
            grant = services.signer.verify(token, board_id)
        except InvalidToken:
            return None
        if same_name(grant.name) == same_name(name):
            return RedirectResponse(f"/boards/{board_id}/phone", status_code=303)
    return None


async def name_form(request: Request, error: str | None = None) -> Response:
    code = request.path_params["code"]
    board_id, problem = await _board_for(request, code)
    if problem is not None:
        return problem
    assert board_id is not None
    kept_out = await _kept_out(request, board_id, None)
    if kept_out is not None:
        return kept_out
    board = await services_of(request).store.get_board(str(board_id))
    return render_anonymous_form(
        request,
        "join_name.html",
        {"code": normalise_code(code), "board": board, "error": error},
        status_code=400 if error else 200,
    )


async def join(request: Request) -> Response:
    services = services_of(request)
    form = await request.form()
    check_anonymous_csrf(request, str(form.get("form_token", "")))
    board_id, problem = await _board_for(request, request.path_params["code"])
    if problem is not None:
        return problem
    assert board_id is not None
    name = " ".join(str(form.get("name", "")).split())[:80]
    relation = " ".join(str(form.get("relation", "")).split())[:80]
    if not name:
        return await name_form(request, error="join.name_missing")
    kept_out = await _kept_out(request, board_id, name)
    if kept_out is not None:
        return kept_out
    phone = phone_of(request)
    token, participant, again = await _token_for(request, board_id, name, relation, phone)
    if again:
        name = services.signer.verify(token, board_id).name
    board = await services.store.get_board(board_id)
    await services.audit.record(
        "rejoined_with_code" if again else "joined_with_code",
        actor_name=name,
        board_id=board_id,
        case_id=board.case_id if board else None,
        relation=relation,
        address=client_address(request),
        participant=participant,
        phone=phone_mark(phone) if phone else None,
    )
    response = RedirectResponse(f"/boards/{board_id}/phone", status_code=303)
    set_private_cookie(request, response, join_cookie(board_id), token, same_site="strict")
    return response


async def _token_for(
    request: Request, board_id: str, name: str, relation: str, phone: str | None
) -> tuple[str, str, bool]:
    """(token, participant id, whether they are someone who joined on this phone before):
    the same person, giving their name again on the same phone, stays one participant."""
    services = services_of(request)
    removals = Removals(services.store, services.signer)
    again = await removals.joined_on_phone(board_id, phone, name) if phone else None
    if again is not None:
        participant, known_name = again
        expires = int(clock.later(JOIN_SECONDS).timestamp())
        grant = BoardGrant(board_id, Role.PARTICIPANT, participant, known_name, expires)
        return services.signer.issue(grant), participant, True
    token = await grant_access(
        services.store,
        services.signer,
        board_id,
        Role.PARTICIPANT,
        name,
        JOIN_SECONDS,
        relation=relation,
    )
    return token, services.signer.verify(token, board_id).participant_id, False


def join_routes() -> list[BaseRoute]:
    return [
        Route("/j", code_form, methods=["GET"]),
        Route("/j", code_submitted, methods=["POST"]),
        Route("/j/{code}", name_form, methods=["GET"]),
        Route("/j/{code}", join, methods=["POST"]),
    ]
