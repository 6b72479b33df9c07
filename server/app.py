"""create_app(settings): the application, its routes and its lifetime."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute

from server.pages import page_routes
from server.security import SecurityHeaders
from server.services import Services, build_services
from server.settings import Settings
from server.sync.endpoint import BoardEndpoint
from server.sync.wire import CaptureDirectWriter
from server.web import EXCEPTION_HANDLERS, web_routes


def create_app(settings: Settings) -> Starlette:
    services = build_services(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await services.store.open()
        await services.fanout.start(services.rooms.catch_up_all)
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
        exception_handlers=EXCEPTION_HANDLERS,
    )
    app.add_middleware(SecurityHeaders)
    app.add_middleware(CaptureDirectWriter)
    app.state.services = services
    return app


def routes(services: Services) -> list[BaseRoute]:
    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok", "open_rooms": len(services.rooms)})

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
        Route("/metrics", metrics),
        WebSocketRoute("/ws/boards/{board_id}", board_endpoint.serve),
        *web_routes(),
        *page_routes(),
    ]
