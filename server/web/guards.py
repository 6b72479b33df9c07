"""Who is asking, and may they: sessions, CSRF, case membership, rate limits, cookies."""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from server.access.accounts import Session
from server.access.admission import SESSION_COOKIE
from server.cases import Case
from server.services import services_of
from server.store.base import BoardRecord
from server.web.render import render

ANONYMOUS_CSRF_COOKIE = "nb_csrf"


class SignInRequired(Exception):
    """A page that needs a signed-in facilitator; the handler sends them to sign in."""


async def session_of(request: Request) -> Session | None:
    return await services_of(request).accounts.session(request.cookies.get(SESSION_COOKIE))


async def require_session(request: Request) -> Session:
    session = await session_of(request)
    if session is None:
        raise SignInRequired
    return session


def require_csrf(request: Request, session: Session, submitted: str | None) -> None:
    """Forms carry the session's token in a field, scripts in the X-CSRF-Token header."""
    candidate = submitted or request.headers.get("x-csrf-token")
    if not session.csrf_matches(candidate):
        raise HTTPException(403, "This form has expired. Reload the page and try again.")


async def facilitated_board(request: Request, board_id: str, session: Session) -> BoardRecord:
    """The board, if the signed-in facilitator works on its case. The same answer (404) for
    a board that does not exist and one they may not see: existence is not for strangers."""
    services = services_of(request)
    board = await services.store.get_board(board_id)
    if board is None or not await services.cases.is_member(board.case_id, session.user.id):
        raise HTTPException(404, "There is no such board, or it is not one of your cases.")
    return board


async def member_case(request: Request, session: Session) -> Case:
    """The case in the path, if the signed-in facilitator works on it; else 404."""
    services = services_of(request)
    case = await services.cases.get(request.path_params["case_id"])
    if case is None or not await services.cases.is_member(case.id, session.user.id):
        raise HTTPException(404, "There is no such case, or it is not one of yours.")
    return case


def client_address(request: Request) -> str:
    """The peer's address; a proxy's X-Forwarded-For only when the proxy is one the
    settings trust (NETWERKBORD_FORWARDED_ALLOW_IPS, read by the server before us)."""
    return request.client.host if request.client else "unknown"


def phone_of(request: Request) -> str | None:
    """The phone's own cookie (the anonymous form cookie its first join page gave it)."""
    return request.cookies.get(ANONYMOUS_CSRF_COOKIE)


def secure_cookies(request: Request) -> bool:
    return request.url.scheme == "https" or services_of(request).settings.secure_cookies


def set_private_cookie(
    request: Request,
    response: Response,
    name: str,
    value: str,
    *,
    max_age: int | None = None,
    same_site: str = "lax",
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite=same_site,  # type: ignore[arg-type]
        secure=secure_cookies(request),
        path="/",
    )


def anonymous_csrf_token(request: Request) -> str:
    """For forms before anyone is signed in (sign-in, join): a double-submit cookie."""
    return request.cookies.get(ANONYMOUS_CSRF_COOKIE) or secrets.token_urlsafe(24)


def remember_anonymous_csrf(request: Request, response: Response, token: str) -> None:
    set_private_cookie(request, response, ANONYMOUS_CSRF_COOKIE, token, same_site="strict")


def render_anonymous_form(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    """A page with a form for someone not signed in: its token in the form (`form_token`)
    and in the double-submit cookie."""
    token = anonymous_csrf_token(request)
    response = render(request, template, {**context, "form_token": token}, status_code=status_code)
    remember_anonymous_csrf(request, response, token)
    return response


def check_anonymous_csrf(request: Request, submitted: str | None) -> None:
    cookie = request.cookies.get(ANONYMOUS_CSRF_COOKIE)
    if not cookie or not submitted or not hmac.compare_digest(cookie, submitted):
        raise HTTPException(403, "This form has expired. Reload the page and try again.")
