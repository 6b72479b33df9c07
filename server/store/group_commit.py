"""Group commit: appends that arrive while a commit is under way wait for the next commit
together, so many rooms share one transaction and nothing is acknowledged early."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

from server.store.base import LogEntry

Write = Callable[[Sequence[LogEntry]], Awaitable[None]]


class GroupCommit:
    def __init__(self, write: Write, name: str) -> None:
        self._write = write
        self._name = name
        self._pending: list[tuple[Sequence[LogEntry], asyncio.Future[None]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def append(self, entries: Sequence[LogEntry]) -> None:
        """Returns once the transaction holding `entries` has committed."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((entries, future))
        if self._flusher is None:
            self._flusher = asyncio.create_task(self._flush(), name=self._name)
        return await future

    async def drain(self) -> None:
        if self._flusher is not None:
            await asyncio.shield(self._flusher)

    async def _flush(self) -> None:
        try:
            while self._pending:
                batch, self._pending = self._pending, []
                rows = [entry for entries, _ in batch for entry in entries]
                try:
                    await self._write(rows)
                except Exception as error:
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(error)
                    continue
                for _, future in batch:
                    if not future.done():
                        future.set_result(None)
        finally:
            self._flusher = None
