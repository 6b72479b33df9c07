"""How many guesses each kind of guesser gets, counted where every process sees the count.

The numbers are a table (docs/security.md, "Access and the limits", says the same): a
limit is counted per something (an account and an address together, a known device, a
phone, a network address), and a guess counts against every row it belongs to. With Redis
configured the counts live there, shared by all processes and kept across restarts;
without it they live in this process's memory (one process only: docs/operations.md).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

from limits import RateLimitItem, RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError

log = logging.getLogger(__name__)
REDIS_SECONDS = 1.0
T = TypeVar("T")


class Per(Enum):
    """What a limit is counted per."""

    ACCOUNT_AND_ADDRESS = "account and address"
    ADDRESS = "network address"
    KNOWN_DEVICE = "known device"
    ACCOUNT = "account"
    PHONE = "phone"


@dataclass(frozen=True)
class Limit:
    name: str
    per: Per
    tries: int
    minutes: int

    @property
    def item(self) -> RateLimitItem:
        return RateLimitItemPerMinute(self.tries, self.minutes, namespace=self.name)


# Wrong passwords. A device that signed in to the account before (its cookie says so) has
# its own allowance and is never held up by what others try; any other device is counted
# per account and address, per address, and slowed per account (ACCOUNT_DELAYS).
SIGN_IN_PER_ACCOUNT_AND_ADDRESS = Limit("sign-in-pair", Per.ACCOUNT_AND_ADDRESS, 5, 15)
SIGN_IN_PER_ADDRESS = Limit("sign-in-address", Per.ADDRESS, 30, 15)
SIGN_IN_PER_KNOWN_DEVICE = Limit("sign-in-device", Per.KNOWN_DEVICE, 5, 15)
SIGN_IN_PER_ACCOUNT = Limit("sign-in-account", Per.ACCOUNT, 100, 15)
# Wrong passwords for an account in the last 15 minutes (from devices it does not know)
# -> seconds a device it does not know waits after the last one before it may try again.
ACCOUNT_DELAYS: tuple[tuple[int, int], ...] = ((5, 10), (10, 60), (20, 300), (40, 900))

# Wrong join codes. Each phone (the cookie its first join page gave it) has its own few;
# the address has many more, for a script that throws its cookie away. The same wrong code
# typed again is not counted again.
WRONG_CODES_PER_PHONE = Limit("code-phone", Per.PHONE, 5, 10)
WRONG_CODES_PER_ADDRESS = Limit("code-address", Per.ADDRESS, 50, 10)
LIMITS = (
    SIGN_IN_PER_ACCOUNT_AND_ADDRESS,
    SIGN_IN_PER_ADDRESS,
    SIGN_IN_PER_KNOWN_DEVICE,
    SIGN_IN_PER_ACCOUNT,
    WRONG_CODES_PER_PHONE,
    WRONG_CODES_PER_ADDRESS,
)
NO_PHONE = "-"


def storage_for(redis_url: str | None) -> Storage:
    """Redis when configured (shared by every process), else this process's memory."""
    if redis_url:
        return RedisStorage(
            f"async+{redis_url}",
            implementation="redispy",
            wrap_exceptions=True,
            socket_timeout=REDIS_SECONDS,
            socket_connect_timeout=REDIS_SECONDS,
        )
    return MemoryStorage()


class Counters:
    """Moving-window counts of guesses, in the storage every process shares. While that
    storage cannot be reached, this process counts alone (logged), so that a Redis outage
    slows nobody's sign-in or join; the shared counts are used again once it answers."""

    def __init__(self, storage: Storage) -> None:
        self._shared = MovingWindowRateLimiter(storage)
        self._alone = MovingWindowRateLimiter(MemoryStorage())
        self._counting_alone = False

    async def _ask(self, question: Callable[[MovingWindowRateLimiter], Awaitable[T]]) -> T:
        try:
            answer = await question(self._shared)
        except StorageError as error:
            if not self._counting_alone:
                log.warning(
                    "limits: shared counts unreachable, counting in this process: %s",
                    error.storage_error,
                )
                self._counting_alone = True
            return await question(self._alone)
        if self._counting_alone:
            log.info("limits: shared counts reachable again")
            self._counting_alone = False
        return answer

    async def used_up(self, limit: Limit, *keys: str) -> bool:
        return not await self._ask(lambda limiter: limiter.test(limit.item, *keys))

    async def count(self, limit: Limit, *keys: str) -> None:
        await self._ask(lambda limiter: limiter.hit(limit.item, *keys))

    async def counted(self, limit: Limit, *keys: str) -> int:
        stats = await self._ask(lambda limiter: limiter.get_window_stats(limit.item, *keys))
        return limit.tries - stats.remaining

    async def first_time(self, minutes: int, *keys: str) -> bool:
        """True the first time `keys` is seen within `minutes`."""
        seen = RateLimitItemPerMinute(1, minutes, namespace="seen")
        return await self._ask(lambda limiter: limiter.hit(seen, *keys))

    async def quiet_for(self, seconds: int, *keys: str) -> bool:
        """True when `keys` was not marked (see `mark`) within the last `seconds`."""
        return await self._ask(lambda limiter: limiter.test(_mark(seconds), *keys))

    async def mark(self, seconds: int, *keys: str) -> None:
        await self._ask(lambda limiter: limiter.hit(_mark(seconds), *keys))


def _mark(seconds: int) -> RateLimitItem:
    return RateLimitItemPerSecond(1, seconds, namespace="mark")


class SignInRefused(Exception):
    """Too many wrong passwords; `seconds` says how long to wait, at most."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"Too many wrong passwords; try again in {seconds} seconds.")
        self.seconds = seconds


class SignInLimits:
    def __init__(self, counters: Counters) -> None:
        self._counters = counters

    async def check(self, account: str, address: str, device: str | None) -> None:
        """Raises SignInRefused when this try may not even be checked."""
        counters = self._counters
        if device is not None:
            if await counters.used_up(SIGN_IN_PER_KNOWN_DEVICE, device):
                raise SignInRefused(SIGN_IN_PER_KNOWN_DEVICE.minutes * 60)
            return
        if await counters.used_up(SIGN_IN_PER_ACCOUNT_AND_ADDRESS, account, address):
            raise SignInRefused(SIGN_IN_PER_ACCOUNT_AND_ADDRESS.minutes * 60)
        if await counters.used_up(SIGN_IN_PER_ADDRESS, address):
            raise SignInRefused(SIGN_IN_PER_ADDRESS.minutes * 60)
        wait = delay_after(await counters.counted(SIGN_IN_PER_ACCOUNT, account))
        if wait and not await counters.quiet_for(wait, "sign-in-failed", account):
            raise SignInRefused(wait)

    async def failed(self, account: str, address: str, device: str | None) -> None:
        counters = self._counters
        if device is not None:
            await counters.count(SIGN_IN_PER_KNOWN_DEVICE, device)
            return
        await counters.count(SIGN_IN_PER_ACCOUNT_AND_ADDRESS, account, address)
        await counters.count(SIGN_IN_PER_ADDRESS, address)
        await counters.count(SIGN_IN_PER_ACCOUNT, account)
        for _, seconds in ACCOUNT_DELAYS:
            await counters.mark(seconds, "sign-in-failed", account)


def delay_after(failures: int) -> int:
    """Seconds between tries on an account after `failures` wrong passwords (ACCOUNT_DELAYS)."""
    wait = 0
    for at_least, seconds in ACCOUNT_DELAYS:
        if failures >= at_least:
            wait = seconds
    return wait


class CodeLimits:
    def __init__(self, counters: Counters) -> None:
        self._counters = counters

    async def used_up(self, address: str, phone: str | None) -> bool:
        """True when this phone (or, without its cookie, its address's cookieless phones
        together), or the address as a whole, has used up its wrong codes."""
        counters = self._counters
        return await counters.used_up(
            WRONG_CODES_PER_PHONE, address, phone or NO_PHONE
        ) or await counters.used_up(WRONG_CODES_PER_ADDRESS, address)

    async def wrong(self, code: str, address: str, phone: str | None) -> None:
        counters = self._counters
        minutes = WRONG_CODES_PER_PHONE.minutes
        if await counters.first_time(minutes, "code", address, phone or NO_PHONE, code):
            await counters.count(WRONG_CODES_PER_PHONE, address, phone or NO_PHONE)
        if await counters.first_time(WRONG_CODES_PER_ADDRESS.minutes, "code", address, code):
            await counters.count(WRONG_CODES_PER_ADDRESS, address)
