"""Waiting, in tests, for what another process or client will show: ask again until it does."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

PAUSE_SECONDS = 0.05


async def until(check: Callable[[], Awaitable[bool]], what: str, seconds: float = 5.0) -> None:
    """Return once `check()` is true; fail, naming `what`, if it is not within `seconds`."""
    for _ in range(int(seconds / PAUSE_SECONDS)):
        if await check():
            return
        await asyncio.sleep(PAUSE_SECONDS)
    if not await check():
        raise AssertionError(f"not within {seconds} s: {what}")
