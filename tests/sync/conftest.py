"""Fixtures of the in-process room tests (tests/sync/in_room.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from server.services import Services, build_services
from server.settings import Settings


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    """The server's services on its SQLite store in `tmp_path`."""
    started = build_services(Settings.from_env().with_overrides(data_dir=tmp_path))
    await started.store.open()
    yield started
    await started.rooms.close_all()
    await started.store.close()
