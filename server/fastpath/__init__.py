"""The one door to uvicorn's and websockets' insides: the fast path, and whether to take it.

The fast path is three things that reach below the APIs uvicorn and websockets document:
the WebSocket protocol class that reads whole frames itself (`inbound.py`), the writer that
puts a broadcast's frame straight on each socket (`writer.py`), and the HTTP protocol that
gives request headers a deadline (`header_deadline.py`). They lean on attributes neither
project promises to keep, so they are used only with the versions they were tested with
(`TESTED_WITH`, the versions requirements.lock pins). With any other version, or with
`NETWERKBORD_FAST_PATH=off`, the server runs uvicorn's own protocols and every message goes
through ASGI (Starlette's WebSocket) both ways: the plain path, slower, and saying so in the
log. Those modules are imported only here, and only once the fast path is chosen, so a
uvicorn whose insides moved cannot stop the server from starting.

After testing a new uvicorn or websockets (the whole suite, which takes the fast path), add
its version here and to requirements.lock together (docs/architecture.md).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

from starlette.types import ASGIApp

from server.settings import Settings

log = logging.getLogger(__name__)

# The versions the fast path was tested with, by distribution name.
TESTED_WITH: Mapping[str, tuple[str, ...]] = {
    "uvicorn": ("0.55.0",),
    "websockets": ("17.4",),
}


@dataclass(frozen=True)
class SocketIO:
    """How `netwerkbord serve` runs uvicorn: its `http=` and `ws=` arguments, and what wraps
    the application."""

    fast: bool
    http: type[asyncio.Protocol] | str
    ws: type[asyncio.Protocol] | str
    wrap: Callable[[ASGIApp], ASGIApp]


def _as_is(app: ASGIApp) -> ASGIApp:
    return app


# uvicorn's own choices, its documented defaults: no subclass, nothing below ASGI.
PLAIN = SocketIO(fast=False, http="auto", ws="auto", wrap=_as_is)


def installed_version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def untested(installed: Callable[[str], str | None] = installed_version) -> list[str]:
    """Each of uvicorn and websockets installed at a version the fast path was not tested
    with, as "name version"."""
    found = {name: installed(name) for name in TESTED_WITH}
    return [
        f"{name} {found[name] or '(not installed)'}"
        for name, tested in TESTED_WITH.items()
        if found[name] not in tested
    ]


def socket_io(
    settings: Settings, installed: Callable[[str], str | None] = installed_version
) -> SocketIO:
    """The fast path if the settings allow it and the installed uvicorn and websockets are
    versions it was tested with; the plain path, said in the log, otherwise."""
    if not settings.fast_path:
        log.info(
            "NETWERKBORD_FAST_PATH is off: every message goes through ASGI (the plain path); "
            "request headers have no deadline of ours, only the proxy's"
        )
        return PLAIN
    mismatched = untested(installed)
    if mismatched:
        tested = ", ".join(f"{name} {' or '.join(v)}" for name, v in TESTED_WITH.items())
        log.warning(
            "the fast path was tested with %s, not %s: running the plain path instead (every "
            "message through ASGI; request headers have no deadline of ours, only the "
            "proxy's). Install the versions in requirements.lock to take the fast path.",
            tested,
            ", ".join(mismatched),
        )
        return PLAIN
    from server.fastpath.header_deadline import header_deadline_protocol  # noqa: PLC0415
    from server.fastpath.inbound import BoardSocketProtocol  # noqa: PLC0415
    from server.fastpath.writer import CaptureDirectWriter  # noqa: PLC0415

    return SocketIO(
        fast=True,
        http=header_deadline_protocol(settings.header_timeout_seconds),
        ws=BoardSocketProtocol,
        wrap=CaptureDirectWriter,
    )
