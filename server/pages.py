"""The live board's pages: the facilitator's board, the phone page, the projector view.

Each page is a small HTML shell: who you are and which board, as JSON the script reads
(never executed, so the Content-Security-Policy holds), and the bundled view module. Every
right is checked again by the board connection; the page only decides what to offer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from starlette.exceptions import HTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from server.access.admission import SESSION_COOKIE, join_cookie
from server.access.roles import Role
from server.access.tokens import BoardGrant
from server.errors import InvalidToken
from server.i18n import LANGUAGE_COOKIE, catalogue, language_of
from server.store.base import BoardRecord
from server.sync.identity import color_for

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
VIEWS = ("board", "phone", "projector")
TOKEN_HEADER = "x-board-token"  # noqa: S105 - the name of a header, not a secret


def templates() -> Jinja2Templates:
    return Jinja2Templates(directory=WEB_DIR / "templates")


_templates = templates()


async def _grant(
    request: Request, board_id: str, view: str, token: str | None
) -> tuple[BoardGrant, BoardRecord]:
    """Who is opening the page, as the board connection will see them."""
    from server.services import services_of  # noqa: PLC0415 - services import the pages

    services = services_of(request)
    board = await services.store.get_board(board_id)
    if board is None:
        raise HTTPException(404, "There is no such board.")
    query = {"token": token} if token else {}
    if view == "projector":
        query["view"] = "project"
    try:
        grant = await services.admission.grant(board, query, request.cookies)
    except InvalidToken as error:
        if view != "phone" and SESSION_COOKIE not in request.cookies and not token:
            raise _SignIn from error
        raise HTTPException(404, "There is no such board, or it is not yours.") from error
    return grant, board


class _SignIn(Exception):
    pass


def _board_config(board: BoardRecord, grant: BoardGrant) -> dict[str, Any]:
    """What the scripts need to know about the board and about the person at the screen."""
    return {
        "board": {
            "id": board.id,
            "title": board.title,
            "language": board.language,
            "epoch": board.epoch,
            "status": board.status,
            "case": board.case_id,
        },
        "me": {
            "id": grant.participant_id,
            "name": grant.name,
            "role": grant.role.value,
            "color": color_for(grant.participant_id),  # as the server shows them to others
        },
    }


async def page(request: Request) -> Response:
    board_id = request.path_params["board_id"]
    view = request.path_params.get("view", "board")
    if view not in VIEWS:
        raise HTTPException(404, "There is no such page.")
    token = request.query_params.get("token")
    try:
        grant, board = await _grant(request, board_id, view, token)
    except _SignIn:
        return RedirectResponse(f"/signin?next={request.url.path}", status_code=303)
    from server.services import services_of  # noqa: PLC0415

    services = services_of(request)
    if view == "board" and grant.role is Role.PARTICIPANT:
        return RedirectResponse(f"/boards/{board_id}/phone", status_code=303)
    session = await services.accounts.session(request.cookies.get(SESSION_COOKIE))
    # The language the person chose (on the join page, say) holds on the board too; without
    # a choice, the board's language.
    chosen = "lang" in request.query_params or LANGUAGE_COOKIE in request.cookies
    language = language_of(request) if chosen else board.language
    config = {
        "view": view,
        **_board_config(board, grant),
        # The script keeps the token in memory and takes it out of the address bar.
        "token": token,
        "csrf": session.csrf_token if session else None,
        "language": language,
    }
    return _templates.TemplateResponse(
        request,
        "live.html",
        {
            "view": view,
            "language": language,
            "title": board.title,
            "config": _script_json(config),
            "texts": _script_json(catalogue(language)),
        },
    )


async def board_now(request: Request) -> Response:
    """The board as it is now, for a page whose copy belongs to an earlier history (4409).

    The token comes in a header, never in the address, so it stays out of every log.
    """
    view = request.query_params.get("view", "board")
    token = request.headers.get(TOKEN_HEADER)
    try:
        grant, board = await _grant(request, request.path_params["board_id"], view, token)
    except _SignIn as error:
        raise HTTPException(404, "There is no such board, or it is not yours.") from error
    return JSONResponse(_board_config(board, grant), headers={"Cache-Control": "no-store"})


def _script_json(value: object) -> str:
    """JSON safe inside a <script> element: no '<' can end it or open a comment."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")


def page_routes() -> list[BaseRoute]:
    return [
        Route("/boards/{board_id}", page),
        Route("/boards/{board_id}/now.json", board_now),
        Route("/boards/{board_id}/{view}", page),
        # Only static files are compressed: pages carry CSRF tokens next to what people
        # typed, and compressing those together invites BREACH-style guessing.
        Mount(
            "/static",
            app=GZipMiddleware(
                StaticFiles(directory=WEB_DIR / "static", check_dir=False), minimum_size=512
            ),
            name="static",
        ),
    ]


__all__ = ["WEB_DIR", "join_cookie", "page_routes", "templates"]
