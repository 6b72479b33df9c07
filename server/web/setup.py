"""The first-run page: make the first facilitator account from the link in the terminal."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from server.access.accounts import MIN_PASSWORD_LENGTH, AccountError
from server.access.setup import SETUP_PATH, FirstRun, Refusal, SetupRefused
from server.demo import add_demo_case
from server.services import services_of
from server.settings import Settings
from server.web.auth import signed_in
from server.web.guards import (
    check_anonymous_csrf,
    client_address,
    render_anonymous_form,
)
from server.web.render import render

# Already set up is the ordinary answer once an account exists: a page, never an error.
REFUSAL_STATUS = {
    Refusal.DONE: 200,
    Refusal.WRONG: 404,
    Refusal.EXPIRED: 410,
    Refusal.REMOTE: 403,
}


def first_run_of(request: Request) -> FirstRun:
    first_run: FirstRun = request.app.state.first_run
    return first_run


async def _refused(request: Request, refused: SetupRefused) -> Response:
    await services_of(request).audit.record(
        "setup_refused", reason=refused.refusal.value, address=client_address(request)
    )
    return render(
        request,
        "setup_refused.html",
        {"refusal": refused.refusal.value},
        status_code=REFUSAL_STATUS[refused.refusal],
    )


def _form(
    request: Request, fields: dict[str, str] | None = None, error: str | None = None
) -> Response:
    return render_anonymous_form(
        request,
        "setup.html",
        {
            "action": request.url.path,
            "fields": fields or {},
            "error": error,
            "min_length": MIN_PASSWORD_LENGTH,
        },
        status_code=400 if error else 200,
    )


async def setup_page(request: Request) -> Response:
    services = services_of(request)
    try:
        await first_run_of(request).check(
            services.store, request.path_params["secret"], client_address(request)
        )
    except SetupRefused as refused:
        return await _refused(request, refused)
    return _form(request)


async def create_first_account(request: Request) -> Response:
    services = services_of(request)
    form = await request.form()
    check_anonymous_csrf(request, str(form.get("form_token", "")))
    fields = {
        "name": str(form.get("name", "")).strip(),
        "email": str(form.get("email", "")).strip(),
    }
    password = str(form.get("password", ""))
    if password != str(form.get("password_again", "")):
        return _form(request, fields, "setup.passwords_differ")
    if len(password) < MIN_PASSWORD_LENGTH:
        return _form(request, fields, "setup.password_short")
    address = client_address(request)
    try:
        user = await first_run_of(request).create_first_account(
            services.store,
            services.accounts,
            request.path_params["secret"],
            address,
            email=fields["email"],
            name=fields["name"],
            password=password,
        )
    except SetupRefused as refused:
        return await _refused(request, refused)
    except AccountError:
        return _form(request, fields, "setup.email_invalid")
    demo = form.get("demo") == "yes"
    if demo:
        await add_demo_case(services.store, user)
    await services.audit.record(
        "first_account_created", actor_id=user.id, actor_name=user.name, address=address,
        demo_case=demo,
    )
    return await signed_in(request, user, None, "/?welcome=1")


def setup_routes() -> list[BaseRoute]:
    return [
        Route("/setup/{secret}", setup_page, methods=["GET"]),
        Route("/setup/{secret}", create_first_account, methods=["POST"]),
    ]


def setup_link(settings: Settings, secret: str) -> str:
    """The link to print: this process's own address (each process keeps its own secret);
    the public one only when the settings let the page open from elsewhere."""
    if settings.setup_from_anywhere and settings.public_url:
        return f"{settings.public_url.rstrip('/')}{SETUP_PATH}{secret}"
    listens_everywhere = settings.host in ("0.0.0.0", "::", "")  # noqa: S104
    host = "127.0.0.1" if listens_everywhere else settings.host
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{settings.port}{SETUP_PATH}{secret}"


def announce(settings: Settings, secret: str) -> str:
    """The lines for the terminal: the link, what it is for, and for how long."""
    minutes = max(1, round(settings.setup_link_seconds / 60))
    where = "from any machine" if settings.setup_from_anywhere else "on this machine only"
    return (
        f"No account yet. Open this link to create the first account ({where}, once, "
        f"within {minutes} min):\n  {setup_link(settings, secret)}"
    )
