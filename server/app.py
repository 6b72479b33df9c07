"""create_app(settings): the application, its routes and its lifetime."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute

from server.access.tokens import TokenSigner, load_secret_key
from server.metrics import Metrics
from server.pages import page_routes
from server.security import SecurityHeaders
from server.settings import Settings
from server.store.sqlite import SQLiteStore
from server.sync.endpoint import BoardEndpoint
from server.sync.rooms import Rooms
from shared_schema import board_schema


@dataclass
class Services:
    """Everything a request handler may need, built once per application."""

    settings: Settings
    store: SQLiteStore
    rooms: Rooms
    signer: TokenSigner
    metrics: Metrics


def create_app(settings: Settings) -> Starlette:
    metrics = Metrics()
    store = SQLiteStore(settings.database_path, synchronous=settings.sqlite_synchronous)
    rooms = Rooms(store, board_schema(), settings, metrics)
    signer = TokenSigner(load_secret_key(settings.data_dir, settings.secret_key))
    services = Services(settings, store, rooms, signer, metrics)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok", "open_rooms": len(rooms)})

    async def metrics_endpoint(request: Request) -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await store.open()
        try:
            yield
        finally:
            await rooms.close_all()
            await store.close()

    routes = [
        Route("/healthz", healthz),
        Route("/metrics", metrics_endpoint),
        WebSocketRoute(
            "/ws/boards/{board_id}", BoardEndpoint(settings, store, rooms, signer, metrics).serve
        ),
        *page_routes(),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.add_middleware(SecurityHeaders)
    app.state.services = services
    return app
