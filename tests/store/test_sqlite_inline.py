"""The SQLite store commits a lone append on the event loop, and anything else on its thread."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from server.store import sqlite as sqlite_store
from server.store.base import LogEntry
from server.store.sqlite import ALONE_SECONDS, SQLiteStore
from tests.store.test_store_contract import board


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SQLiteStore]:
    opened = SQLiteStore(tmp_path / "netwerkbord.sqlite3")
    await opened.open()
    await opened.create_board(board(), b"first")
    yield opened
    await opened.close()


def entry(number: int) -> LogEntry:
    return LogEntry("b1", f"update {number}".encode(), "p_moeder")


def rows(path: Path, *, wal: bool = True) -> list[bytes]:
    """The board's updates as another process reads them; without the WAL, only what a
    checkpoint has copied into the database file."""
    uri = f"file:{path}?mode=ro" if wal else f"file:{path}?immutable=1"
    with sqlite3.connect(uri, uri=True) as reader:
        found = reader.execute("SELECT data FROM board_updates ORDER BY id").fetchall()
    return [row[0] for row in found]


async def test_a_lone_append_is_committed_on_the_loop_before_it_returns(
    store: SQLiteStore,
) -> None:
    await asyncio.sleep(ALONE_SECONDS)
    await store.append([entry(1)])
    assert store.inline_commits == 1
    assert rows(store.path)[-1] == b"update 1"


async def test_appends_that_come_together_share_commits_on_the_thread_in_order(
    store: SQLiteStore,
) -> None:
    await asyncio.sleep(ALONE_SECONDS)
    results = await asyncio.gather(*(store.append([entry(n)]) for n in range(20)))
    ids = [found[0] for found in results]
    assert ids == sorted(ids) and len(set(ids)) == 20
    assert store.inline_commits == 1  # the first came alone; the rest were right behind it
    assert rows(store.path)[1:] == [f"update {n}".encode() for n in range(20)]


async def test_a_database_locked_by_another_writer_does_not_stop_the_loop(
    store: SQLiteStore,
) -> None:
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    ticker = asyncio.create_task(tick())
    await asyncio.sleep(ALONE_SECONDS)
    ticks_before = ticks
    appending = asyncio.create_task(store.append([entry(1)]))
    await asyncio.sleep(0.3)
    ticks_while_locked = ticks - ticks_before  # about 30; one or none if the append waits
    assert not appending.done()
    other.execute("COMMIT")
    other.close()
    await asyncio.wait_for(appending, 10)
    ticker.cancel()
    assert ticks_while_locked >= 5
    assert store.inline_commits == 0
    assert rows(store.path)[-1] == b"update 1"


async def test_the_loop_leaves_checkpoints_to_the_thread(
    store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_store, "CHECKPOINT_EVERY", 5)
    for number in range(5):
        await asyncio.sleep(ALONE_SECONDS * 2)
        await store.append([entry(number)])
    assert store.inline_commits == 5
    await store.fetch_one("SELECT 1")  # behind the checkpoint on the store's thread
    assert rows(store.path, wal=False)[-1] == b"update 4"


async def test_with_an_fsync_per_commit_every_append_goes_to_the_thread(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "netwerkbord.sqlite3", synchronous="FULL")
    await store.open()
    try:
        await store.create_board(board(), b"first")
        await asyncio.sleep(ALONE_SECONDS)
        await store.append([entry(1)])
        assert store.inline_commits == 0
        assert rows(store.path)[-1] == b"update 1"
    finally:
        await store.close()
