"""What the join-code and sign-in limits cost per guess: in this process's memory, and in
a Redis on loopback (the store every process shares). `python -m bench.limits`.

A wrong join code asks the store six times (two tests, two first-seen marks, two counts);
a right one twice. Times are medians of many guesses on this host, whatever it is doing.
"""

from __future__ import annotations

import asyncio
import statistics
import time

from server.access.limits import CodeLimits, Counters, SignInLimits, storage_for
from tests.support.services import RedisServer

GUESSES = 2000


async def per_guess(counters: Counters) -> dict[str, float]:
    codes, sign_in = CodeLimits(counters), SignInLimits(counters)
    wrong, right, password = [], [], []
    for i in range(GUESSES):
        address, phone = f"10.0.{i % 250}.{i // 250}", f"phone-{i}"
        start = time.perf_counter()
        await codes.used_up(address, phone)
        await codes.wrong(f"W{i:05d}", address, phone)
        wrong.append(time.perf_counter() - start)
        start = time.perf_counter()
        await codes.used_up(address, phone)
        right.append(time.perf_counter() - start)
        start = time.perf_counter()
        await sign_in.check(f"user{i}@example.org", address, None)
        await sign_in.failed(f"user{i}@example.org", address, None)
        password.append(time.perf_counter() - start)
    return {
        "wrong code": statistics.median(wrong) * 1e6,
        "right code": statistics.median(right) * 1e6,
        "wrong password": statistics.median(password) * 1e6,
    }


async def main() -> None:
    redis = RedisServer()
    redis.start()
    try:
        for where, url in (("memory", None), ("redis", redis.url)):
            figures = await per_guess(Counters(storage_for(url)))
            line = ", ".join(f"{what} {us:.0f} us" for what, us in figures.items())
            print(f"{where:7} median per guess: {line}")
    finally:
        redis.stop()


if __name__ == "__main__":
    asyncio.run(main())
