"""The web: pages and JSON endpoints around the live board."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute

from server.web.auth import auth_routes
from server.web.controls import control_routes
from server.web.dashboard import dashboard_routes
from server.web.guards import SignInRequired
from server.web.join import join_routes
from server.web.records import record_routes
from server.web.render import render
from server.web.setup import setup_routes


def web_routes() -> list[BaseRoute]:
    return [
        *auth_routes(),
        *dashboard_routes(),
        *join_routes(),
        *control_routes(),
        *record_routes(),
        *setup_routes(),
    ]


async def sign_in_required(request: Request, error: Exception) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": "Sign in first."}, status_code=401)
    return RedirectResponse(f"/signin?next={request.url.path}", status_code=303)


async def http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if request.url.path.startswith("/api/") or error.status_code == 405:
        return JSONResponse({"error": error.detail}, status_code=error.status_code)
    key = {403: "error.forbidden", 404: "error.not_found"}.get(error.status_code, "error.title")
    return render(request, "error.html", {"message": key}, status_code=error.status_code)


EXCEPTION_HANDLERS = {SignInRequired: sign_in_required, HTTPException: http_error}
