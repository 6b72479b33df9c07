"""A request's headers must arrive within a deadline, or the connection is closed.

Uvicorn (0.55) times out only a keep-alive connection that is idle, and every byte that
arrives cancels that timer: a client that sends its headers a byte at a time holds a
socket for ever (slowloris). This is uvicorn's own HTTP protocol with one timer added: it
runs from the moment a connection opens (or its previous response is complete) until the
request's headers are complete. The one module of ours that knows uvicorn's HTTP insides,
part of the fast path (server/fastpath/__init__.py): on the plain path, or without
httptools, the server runs uvicorn's choice and the proxy's timeout (docs/deploy.md) is the
only guard.
"""

from __future__ import annotations

import asyncio
import logging

log = logging.getLogger(__name__)


def header_deadline_protocol(seconds: float) -> type[asyncio.Protocol] | str:
    """uvicorn's `http=` argument: its httptools protocol with the deadline, or "auto"."""
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol  # noqa: PLC0415
    except ImportError:  # pragma: no cover - uvicorn[standard] installs httptools
        log.warning("httptools missing: request headers have no deadline here")
        return "auto"

    class HeaderDeadlineProtocol(HttpToolsProtocol):
        _deadline: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._start_deadline()

        def on_headers_complete(self) -> None:
            self._stop_deadline()
            super().on_headers_complete()

        def on_response_complete(self) -> None:
            waiting_for_next = not self.pipeline
            super().on_response_complete()
            if waiting_for_next and not self.transport.is_closing():
                self._start_deadline()

        def connection_lost(self, exc: Exception | None) -> None:
            self._stop_deadline()
            super().connection_lost(exc)

        def _start_deadline(self) -> None:
            self._stop_deadline()
            self._deadline = self.loop.call_later(seconds, self._headers_too_slow)

        def _stop_deadline(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _headers_too_slow(self) -> None:
            self._deadline = None
            if not self.transport.is_closing():
                log.info("closed a connection: no complete request headers in %s s", seconds)
                self.transport.close()

    return HeaderDeadlineProtocol
