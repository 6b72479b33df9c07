"""The fan-out contract, and the one-process implementation that does nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

UPDATE = 0  # a document update, already stored by the process that accepted it
AWARENESS = 1  # an awareness message, to pass on as it is

Receiver = Callable[[int, bytes], None]


class Fanout(Protocol):
    async def start(self, deployment: str, on_reconnect: Callable[[], Awaitable[None]]) -> None:
        """Begin, among the processes of `deployment` only (the store's identity: see
        Store.deployment); `on_reconnect` runs whenever the link comes back after a loss."""
        ...

    async def stop(self) -> None: ...

    @property
    def linked(self) -> bool:
        """Whether messages reach the other processes now (always, for one process)."""
        ...

    def publish(self, board_id: str, kind: int, payload: bytes) -> None:
        """Send without waiting; what is lost while the link is down the store still has."""
        ...

    def subscribe(self, board_id: str, receiver: Receiver) -> None: ...

    def unsubscribe(self, board_id: str) -> None: ...


class LocalFanout:
    """One process: nobody else to tell."""

    async def start(self, deployment: str, on_reconnect: Callable[[], Awaitable[None]]) -> None:
        return None

    async def stop(self) -> None:
        return None

    @property
    def linked(self) -> bool:
        return True

    def publish(self, board_id: str, kind: int, payload: bytes) -> None:
        return None

    def subscribe(self, board_id: str, receiver: Receiver) -> None:
        return None

    def unsubscribe(self, board_id: str) -> None:
        return None


class HistoryFanout:
    """One board's fan-out within one of its histories (its epoch): a board restored from
    a record starts a new history, and an update of the old one must never reach it."""

    def __init__(self, fanout: Fanout, epoch: str) -> None:
        self._fanout = fanout
        self._epoch = epoch

    def _key(self, board_id: str) -> str:
        return f"{board_id}:{self._epoch}"

    async def start(self, deployment: str, on_reconnect: Callable[[], Awaitable[None]]) -> None:
        raise RuntimeError("a board's fan-out is started with the process's, not alone")

    async def stop(self) -> None:
        return None

    @property
    def linked(self) -> bool:
        return self._fanout.linked

    def publish(self, board_id: str, kind: int, payload: bytes) -> None:
        self._fanout.publish(self._key(board_id), kind, payload)

    def subscribe(self, board_id: str, receiver: Receiver) -> None:
        self._fanout.subscribe(self._key(board_id), receiver)

    def unsubscribe(self, board_id: str) -> None:
        self._fanout.unsubscribe(self._key(board_id))
