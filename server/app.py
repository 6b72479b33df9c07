"""create_app(settings): the application, its routes and its lifetime."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute

from server.access.setup import FirstRun
from server.errors import StoreUnavailable
from server.pages import page_routes
from server.security import SecurityHeaders
from server.services import Services, build_services
from server.settings import Settings
from server.sync.endpoint import BoardEndpoint
from server.web import EXCEPTION_HANDLERS, web_routes
from server.web.setup import announce

log = logging.getLogger(__name__)
READY_WAIT_SECONDS = 3.0

def create_app(settings: Settings) -> Starlette:
    services = build_services(settings)
    first_run = FirstRun(settings.setup_link_seconds, settings.setup_from_anywhere)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await services.store.open()
        secret = await first_run.begin(services.store)
        if secret is not None:
            # the terminal, not the log: the link is a way in until it is used
            print(announce(settings, secret), flush=True)
        await services.fanout.start(await services.store.deployment(), services.rooms.catch_up_all)
        await services.record_writer.resume()
        try:
            yield
        finally:
            await services.record_writer.close()
            await services.rooms.close_all()
            await services.fanout.stop()
            await services.store.close()

    app = Starlette(
        routes=routes(services),
        lifespan=lifespan,
        exception_handlers={**EXCEPTION_HANDLERS, StoreUnavailable: store_unavailable},
    )
    app.add_middleware(SecurityHeaders)
    app.state.services = services
    app.state.first_run = first_run
    return app


async def store_unavailable(request: Request, error: Exception) -> Response:
    """The database is away (restarting, unreachable): say so, and that it passes."""
    log.warning("database unavailable", extra={"path": request.url.path, "error": str(error)})
    return JSONResponse(
        {"error": "De database antwoordt niet; probeer het zo opnieuw. "
         "The database is not answering; try again shortly."},
        status_code=503,
        headers={"Retry-After": "5"},
    )


async def readiness(services: Services) -> dict[str, str]:
    """Each part a meeting needs, and whether it answers now: "ok" or what is wrong."""
    checks: dict[str, str] = {}
    try:
        async with asyncio.timeout(READY_WAIT_SECONDS):
            await services.store.ready()
        checks["store"] = "ok"
    except (StoreUnavailable, TimeoutError) as error:
        checks["store"] = str(error) or "no answer in time"
    if services.settings.redis_url:
        checks["redis"] = "ok" if services.fanout.linked else "not connected"
    return checks


def routes(services: Services) -> list[BaseRoute]:
    async def healthz(request: Request) -> Response:
        """Liveness: the process runs and answers (restart it if not)."""
        return JSONResponse({"status": "ok", "open_rooms": len(services.rooms)})

    async def readyz(request: Request) -> Response:
        """Readiness: the store (and Redis, when configured) answer; send meetings here."""
        checks = await readiness(services)
        ready = all(state == "ok" for state in checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "unavailable", "checks": checks},
            status_code=200 if ready else 503,
            headers={"Cache-Control": "no-store"},
        )

    async def metrics(request: Request) -> Response:
        return Response(generate_latest(services.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    board_endpoint = BoardEndpoint(
        services.settings,
        services.store,
        services.rooms,
        services.signer,
        services.admission,
        services.audit,
        services.metrics,
    )
    return [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics),
        WebSocketRoute("/ws/boards/{board_id}", board_endpoint.serve),
        *web_routes(),
        *page_routes(),
    ]
