"""Fan-out between server processes: what one process accepts, the others show."""

from server.fanout.base import AWARENESS, UPDATE, Fanout, HistoryFanout, LocalFanout, Receiver

__all__ = [
    "AWARENESS",
    "UPDATE",
    "Fanout",
    "HistoryFanout",
    "LocalFanout",
    "Receiver",
    "fanout_for",
]


def fanout_for(redis_url: str | None) -> Fanout:
    if redis_url:
        from server.fanout.redis import RedisFanout  # noqa: PLC0415 - only when used

        return RedisFanout(redis_url)
    return LocalFanout()
