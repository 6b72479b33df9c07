"""Times as the store keeps them: timezone-aware UTC, written as ISO 8601 text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def later(seconds: float) -> datetime:
    return now() + timedelta(seconds=seconds)


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text)
