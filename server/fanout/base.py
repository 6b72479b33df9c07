"""The fan-out contract, and the one-process implementation that does nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

UPDATE = 0  # a document update, already stored by the process that accepted it
AWARENESS = 1  # an awareness message, to pass on as it is

Receiver = Callable[[int, bytes], None]


class Fanout(Protocol):
    async def start(self, on_reconnect: Callable[[], Awaitable[None]]) -> None:
        """Begin; `on_reconnect` runs whenever the link comes back after a loss."""
        ...

    async def stop(self) -> None: ...

    def publish(self, board_id: str, kind: int, payload: bytes) -> None:
        """Send without waiting; what is lost while the link is down the store still has."""
        ...

    def subscribe(self, board_id: str, receiver: Receiver) -> None: ...

    def unsubscribe(self, board_id: str) -> None: ...


class LocalFanout:
    """One process: nobody else to tell."""

    async def start(self, on_reconnect: Callable[[], Awaitable[None]]) -> None:
        return None

    async def stop(self) -> None:
        return None

    def publish(self, board_id: str, kind: int, payload: bytes) -> None:
        return None

    def subscribe(self, board_id: str, receiver: Receiver) -> None:
        return None

    def unsubscribe(self, board_id: str) -> None:
        return None
