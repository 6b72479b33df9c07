"""Signing in and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from server.access.accounts import SESSION_SECONDS, User, normalise_email
from server.access.admission import SESSION_COOKIE
from server.access.devices import DEVICE_COOKIE, DEVICE_SECONDS
from server.access.limits import SignInRefused
from server.access.setup import has_accounts
from server.services import services_of
from server.web.guards import (
    check_anonymous_csrf,
    client_address,
    render_anonymous_form,
    require_csrf,
    session_of,
    set_private_cookie,
)


def safe_next(target: str | None) -> str:
    """Only ever send someone on to a page of ours."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


async def sign_in_page(
    request: Request, error: str | None = None, status: int = 200, wait: int = 0
) -> Response:
    return render_anonymous_form(
        request,
        "signin.html",
        {
            "error": error,
            "wait_minutes": max(1, -(-wait // 60)),
            "next": safe_next(request.query_params.get("next")),
            "setup_pending": not await has_accounts(services_of(request).store),
        },
        status_code=status,
    )


async def sign_in(request: Request) -> Response:
    services = services_of(request)
    form = await request.form()
    check_anonymous_csrf(request, str(form.get("form_token", "")))
    email = normalise_email(str(form.get("email", "")))
    address = client_address(request)
    account = await services.accounts.find_by_email(email)
    device = services.devices.device(
        request.cookies.get(DEVICE_COOKIE), account.id if account else None
    )
    try:
        await services.sign_in_limits.check(email, address, device)
    except SignInRefused as refused:
        await services.audit.record(
            "sign_in_limited", actor_name=email, address=address, known_device=bool(device)
        )
        return await sign_in_page(request, "signin.limited", 429, wait=refused.seconds)
    user = await services.accounts.authenticate(email, str(form.get("password", "")))
    if user is None:
        await services.sign_in_limits.failed(email, address, device)
        await services.audit.record(
            "sign_in_failed", actor_name=email, address=address, known_device=bool(device)
        )
        return await sign_in_page(request, "signin.failed", 401)
    await services.audit.record(
        "signed_in", actor_id=user.id, actor_name=user.name, address=address
    )
    return await signed_in(request, user, device, safe_next(str(form.get("next", ""))))


async def signed_in(request: Request, user: User, device: str | None, to: str) -> Response:
    """Start `user`'s session and send them on to `to`, with their session cookie and the
    cookie that makes this browser a device their account knows."""
    services = services_of(request)
    token = await services.accounts.start_session(user)
    response = RedirectResponse(to, status_code=303)
    set_private_cookie(request, response, SESSION_COOKIE, token, max_age=SESSION_SECONDS)
    set_private_cookie(
        request,
        response,
        DEVICE_COOKIE,
        services.devices.issue(user.id, device),
        max_age=DEVICE_SECONDS,
        same_site="strict",
    )
    return response


async def sign_out(request: Request) -> Response:
    services = services_of(request)
    session = await session_of(request)
    response = RedirectResponse("/signin", status_code=303)
    if session is not None:
        form = await request.form()
        require_csrf(request, session, str(form.get("csrf_token", "")))
        await services.accounts.end_session(request.cookies.get(SESSION_COOKIE))
        await services.audit.record(
            "signed_out", actor_id=session.user.id, actor_name=session.user.name
        )
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def auth_routes() -> list[BaseRoute]:
    return [
        Route("/signin", sign_in_page, methods=["GET"]),
        Route("/signin", sign_in, methods=["POST"]),
        Route("/signout", sign_out, methods=["POST"]),
    ]
