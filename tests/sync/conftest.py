"""Fixtures of the in-process room tests (tests/sync/in_room.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from server.services import Services
from server.settings import Settings
from tests.sync.in_room import running


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    """The server's services on its SQLite store in `tmp_path`."""
    async with running(Settings.from_env().with_overrides(data_dir=tmp_path)) as started:
        yield started
