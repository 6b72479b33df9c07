"""One storage contract, run against every store: SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pycrdt import Array, Doc, Map, Text

from server.store.base import BoardRecord, LogEntry, Store
from server.store.compaction import CompactionRefused
from server.store.migrate import migrations
from server.store.postgres import PostgresStore
from server.store.sqlite import SQLiteStore
from shared_schema import board_schema, new_board_update
from tests.support.services import fresh_database

StoreFactory = Callable[[], Store]


@pytest.fixture(
    params=["sqlite", "sqlite-journal", pytest.param("postgres", marks=pytest.mark.postgres)]
)
async def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[StoreFactory]:
    """Opens stores on one fresh database: call it twice for two processes' view. With
    "sqlite-journal" the first is the server's store, writing the update journal, and any
    other is a command's beside it."""
    opened: list[Store] = []
    if request.param.startswith("sqlite"):
        path = tmp_path / "netwerkbord.sqlite3"
        journal = request.param == "sqlite-journal"
        factory: StoreFactory = lambda: SQLiteStore(path, journal=journal and not opened)  # noqa: E731
    else:
        url = fresh_database(request.getfixturevalue("postgres_url"))
        factory = lambda: PostgresStore(url, pool_size=4)  # noqa: E731

    def make() -> Store:
        store = factory()
        opened.append(store)
        return store

    yield make
    for store in opened:
        await store.close()


async def open_store(make_store: StoreFactory) -> Store:
    store = make_store()
    await store.open()
    return store


def board(board_id: str = "b1") -> BoardRecord:
    return BoardRecord(board_id, "Familie Jansen", "nl", "epoch1", "open", datetime.now(UTC))


def typing(count: int) -> tuple[bytes, list[bytes]]:
    """A board's first update, then a card and `count` keystrokes in it (count + 1 updates)."""
    first = new_board_update("Familie Jansen", "nl")
    doc: Doc[Any] = Doc()
    doc.apply_update(first)
    updates: list[bytes] = []
    doc.observe(lambda event: updates.append(event.update))
    worries = doc.get("worries", type=Array)
    worries.append(
        Map(
            {
                "id": "w",
                "text": Text(""),
                "kind": "harm",
                "author": "p",
                "created": "2026-11-23T10:00:00Z",
            }
        )
    )
    text = worries[0]["text"]
    for _ in range(count):
        text.insert(len(text), "x")
    return first, updates


def text_of(state: list[bytes]) -> str:
    doc: Doc[Any] = Doc()
    for update in state:
        doc.apply_update(update)
    return str(board_schema().roots_of(doc)["worries"].to_py()[0]["text"])


async def test_a_board_is_created_and_read_back(make_store: StoreFactory) -> None:
    store = await open_store(make_store)
    await store.create_board(board(), new_board_update("Familie Jansen", "nl"))
    found = await store.get_board("b1")
    assert found is not None
    assert (found.title, found.language, found.epoch, found.status) == (
        "Familie Jansen",
        "nl",
        "epoch1",
        "open",
    )
    assert await store.get_board("nope") is None


async def test_appended_updates_load_back_in_order(make_store: StoreFactory) -> None:
    store = await open_store(make_store)
    first, updates = typing(20)
    await store.create_board(board(), first)
    for update in updates:
        await store.append([LogEntry("b1", update, "p")])
    state = await store.load("b1")
    assert state.updates == [first, *updates]
    newest = await store.fetch_one("SELECT max(id) FROM board_updates WHERE board_id = ?", ("b1",))
    assert newest is not None and state.last_id == newest[0]
    assert text_of(list(state.updates)) == "x" * 20


async def test_concurrent_appends_share_commits_and_all_arrive(make_store: StoreFactory) -> None:
    store = await open_store(make_store)
    first, updates = typing(200)
    await store.create_board(board(), first)
    await asyncio.gather(*(store.append([LogEntry("b1", u, "p")]) for u in updates))
    assert await store.log_length("b1") == len(updates) + 1
    assert (await store.load("b1")).updates == [first, *updates]
    assert text_of(list((await store.load("b1")).updates)) == "x" * 200


async def test_compaction_folds_the_log_into_an_equal_snapshot(make_store: StoreFactory) -> None:
    store = await open_store(make_store)
    first, updates = typing(50)
    await store.create_board(board(), first)
    await store.append([LogEntry("b1", u, "p") for u in updates])
    result = await store.compact("b1")
    assert result is not None
    assert result.updates_compacted == len(updates) + 1
    assert await store.log_length("b1") == 0
    state = await store.load("b1")
    assert state.snapshot is not None
    assert text_of([state.snapshot]) == "x" * 50
    archived = await store.fetch_one(
        "SELECT count(*) FROM board_updates_archive WHERE board_id = ?", ("b1",)
    )
    assert archived is not None and archived[0] == len(updates) + 1
    await store.append([LogEntry("b1", updates[0], "p")])
    assert (await store.compact("b1")) is not None
    assert await store.compact("b1") is None


async def test_compaction_refuses_to_lose_an_update(make_store: StoreFactory) -> None:
    store = await open_store(make_store)
    first, updates = typing(3)
    await store.create_board(board(), first)
    # The middle keystroke never arrived: the last one cannot be integrated.
    await store.append([LogEntry("b1", updates[0], "p"), LogEntry("b1", updates[2], "p")])
    with pytest.raises(CompactionRefused):
        await store.compact("b1")
    assert await store.log_length("b1") == 3


async def test_two_processes_compacting_at_once_keep_everything(make_store: StoreFactory) -> None:
    one, two = await open_store(make_store), await open_store(make_store)
    first, updates = typing(100)
    await one.create_board(board(), first)
    await one.append([LogEntry("b1", u, "p") for u in updates[:60]])
    results = await asyncio.gather(
        one.compact("b1"),
        two.compact("b1"),
        two.append([LogEntry("b1", u, "p") for u in updates[60:]]),
    )
    assert any(r is not None for r in results[:2])
    state = await one.load("b1")
    assert text_of(state.in_order) == "x" * 100


async def test_opening_again_migrates_nothing_and_keeps_data(make_store: StoreFactory) -> None:
    store = await open_store(make_store)
    await store.create_board(board(), new_board_update("Familie Jansen", "nl"))
    again = await open_store(make_store)
    assert await again.get_board("b1") is not None
    versions = await again.fetch_all("SELECT version FROM schema_migrations ORDER BY version")
    dialect = "postgres" if isinstance(again, PostgresStore) else "sqlite"
    assert [v[0] for v in versions] == [m.version for m in migrations(dialect)]


async def test_statements_in_one_transaction_all_happen_or_none(make_store: StoreFactory) -> None:
    store = await open_store(make_store)
    await store.create_board(board(), new_board_update("Familie Jansen", "nl"))
    with pytest.raises(Exception):  # noqa: B017, PT011 - each driver names it its own way
        await store.execute_all(
            [
                ("UPDATE boards SET title = ? WHERE id = ?", ("Nieuw", "b1")),
                ("INSERT INTO boards (id) VALUES (?)", ("incomplete",)),
            ]
        )
    found = await store.get_board("b1")
    assert found is not None and found.title == "Familie Jansen"
    assert await store.execute("UPDATE boards SET title = ? WHERE id = ?", ("Nieuw", "b1")) == 1
    rows = await store.fetch_all("SELECT id, title FROM boards ORDER BY id")
    assert rows == [("b1", "Nieuw")]


async def test_every_process_on_one_database_has_the_same_deployment_and_it_is_ready(
    make_store: StoreFactory,
) -> None:
    """The fan-out between processes is scoped by the store's identity: processes on one
    database must agree on it (a copy's differs: tests/cluster/test_deployments.py)."""
    one, two = await open_store(make_store), await open_store(make_store)
    assert await one.deployment() == await two.deployment()
    assert len(await one.deployment()) == 16
    await one.ready()
