"""Times as the store keeps them: timezone-aware UTC, written as ISO 8601 text."""

from __future__ import annotations

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
