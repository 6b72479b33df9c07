"""Times as the store keeps them: timezone-aware UTC, written as ISO 8601 text."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta


def now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def iso_exact(moment: datetime) -> str:
    """To the microsecond: for what must sort in the order it happened even within one
    second (two meetings of a case closed one after the other)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def later(seconds: float) -> datetime:
    return now() + timedelta(seconds=seconds)


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


class _ExactNow:
    """`iso_exact(now())`, for the clock read with every keystroke: the date and the time of
    day are formatted once a second, only the microseconds every time."""

    __slots__ = ("_formatted",)

    def __init__(self) -> None:
        self._formatted: tuple[int, str] = (-1, "")  # a second and its text, swapped whole

    def __call__(self) -> str:
        second, fraction = divmod(round(time.time() * 1_000_000), 1_000_000)
        formatted_second, text = self._formatted
        if second != formatted_second:
            text = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S")
            self._formatted = (second, text)
        return f"{text}.{fraction:06d}+00:00"


exact_now_text = _ExactNow()
