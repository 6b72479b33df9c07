"""Who may open a board connection now: a bound on connections per person and per token,
and a backoff for a token or network address whose connections keep being refused.

A refused update costs the server a rebuild of the board, an audit entry and a log line; a
client that reconnects and is refused as fast as it can would keep a core busy. After a few
refusals its token (and, past a larger number, its address) waits before it may connect
again, twice as long each time; the wait is checked before anything else is done for the
connection. Numbers: docs/security.md, "Limits"; settings: server/settings.py.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from server.access.admission import SESSION_COOKIE, join_cookie
from server.access.tokens import BoardGrant
from server.errors import CloseCode, ConnectionClosed

FIRST_WAIT_SECONDS = 1.0
LONGEST_WAIT_SECONDS = 60.0
# Turned away at admission for a cause that counts against the token and address, as the
# closes of server.errors.CLIENT_FAULTS do: a loop of them costs a lookup each.
TURNED_AWAY_FOR_CAUSE = frozenset({CloseCode.BAD_TOKEN, CloseCode.TOO_MANY_CONNECTIONS})
FORGET_AFTER_SECONDS = 600.0
TARPIT_SECONDS = 5.0  # the longest a connection is kept waiting before 4529
TARPIT_PER_KEY = 16  # refusals are forgotten after this long without one


def credential_of(
    board_id: str, query: Mapping[str, str], cookies: Mapping[str, str]
) -> str | None:
    """A short fingerprint of what the connection came in with (token, join cookie or
    session), the same each time it comes back with it; None if it brought nothing."""
    presented = (
        query.get("token") or cookies.get(join_cookie(board_id)) or cookies.get(SESSION_COOKIE)
    )
    if not presented:
        return None
    return hashlib.sha256(presented.encode()).hexdigest()[:32]


@dataclass
class _Strikes:
    count: int = 0
    last: float = 0.0
    wait_until: float = 0.0


@dataclass(frozen=True)
class Limits:
    refusals_before_backoff: int = 3  # per token
    address_refusals_before_backoff: int = 30
    connections_per_participant: int = 8
    connections_per_token: int = 4


class Turnstile:
    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self._limits = limits
        self._clock = clock
        self._strikes: dict[str, _Strikes] = {}
        self._open: dict[str, int] = {}
        self._waiting: dict[str, int] = {}  # connections kept waiting, by token or address

    async def check_backoff(self, credential: str | None, address: str | None) -> None:
        """While this token or address is backing off, keep the connection waiting (up to
        TARPIT_SECONDS, for at most TARPIT_PER_KEY connections at once), then raise
        ConnectionClosed (4529). A client that reconnects as fast as it can is slowed to
        the pace of its backoff instead of costing a handshake every millisecond."""
        keys = [f"t:{credential}" if credential else "", f"a:{address}" if address else ""]
        now = self._clock()
        waits = [s.wait_until - now for k in keys if k and (s := self._strikes.get(k))]
        wait = max(waits, default=0.0)
        if wait <= 0:
            return
        key = next(k for k in keys if k)
        if self._waiting.get(key, 0) < TARPIT_PER_KEY:
            self._waiting[key] = self._waiting.get(key, 0) + 1
            try:
                await asyncio.sleep(min(wait, TARPIT_SECONDS))
            finally:
                self._waiting[key] -= 1
                if not self._waiting[key]:
                    del self._waiting[key]
        raise ConnectionClosed(CloseCode.BACKING_OFF)

    def enter(self, grant: BoardGrant, credential: str | None) -> list[str]:
        """Count a connection in; raise ConnectionClosed (4530) past the caps. Returns the
        keys to hand back to `leave`."""
        limits = self._limits
        keys = [(f"p:{grant.board_id}:{grant.participant_id}", limits.connections_per_participant)]
        if credential:
            keys.append((f"t:{credential}", limits.connections_per_token))
        for key, cap in keys:
            if self._open.get(key, 0) >= cap:
                raise ConnectionClosed(CloseCode.TOO_MANY_CONNECTIONS)
        for key, _ in keys:
            self._open[key] = self._open.get(key, 0) + 1
        return [key for key, _ in keys]

    def leave(self, keys: list[str]) -> None:
        for key in keys:
            left = self._open.get(key, 1) - 1
            if left > 0:
                self._open[key] = left
            else:
                self._open.pop(key, None)

    def refused(self, credential: str | None, address: str | None) -> None:
        """A connection of this token and address was closed for what it sent."""
        if credential:
            self._strike(f"t:{credential}", self._limits.refusals_before_backoff)
        if address:
            self._strike(f"a:{address}", self._limits.address_refusals_before_backoff)

    def _strike(self, key: str, free: int) -> None:
        now = self._clock()
        strikes = self._strikes.get(key)
        if strikes is None or now - strikes.last > FORGET_AFTER_SECONDS:
            strikes = self._strikes[key] = _Strikes()
            self._forget_old(now)
        strikes.count += 1
        strikes.last = now
        if strikes.count >= free:
            wait = FIRST_WAIT_SECONDS * 2 ** min(strikes.count - free, 16)
            strikes.wait_until = now + min(wait, LONGEST_WAIT_SECONDS)

    def _forget_old(self, now: float) -> None:
        if len(self._strikes) > 10_000:  # bounded however many tokens and addresses come
            for key in [k for k, s in self._strikes.items() if now - s.last > FORGET_AFTER_SECONDS]:
                del self._strikes[key]
