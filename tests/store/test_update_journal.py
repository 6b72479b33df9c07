"""The server's SQLite store writes each append to the update journal and folds the journal
into the database in batches: nothing acknowledged is lost, whatever stops the server."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from server.store import journal as journal_module
from server.store import sqlite as sqlite_store
from server.store.base import LogEntry
from server.store.sqlite import SQLiteStore
from tests.store.test_store_contract import board
from tests.support.sqlite_backup import copy_database

ROOT = Path(__file__).resolve().parents[2]


def entry(number: int) -> LogEntry:
    return LogEntry("b1", f"update {number}".encode(), "p_moeder")


def rows(path: Path) -> list[bytes]:
    """The board's updates in the database, as another process reads them."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as reader:
        found = reader.execute("SELECT data FROM board_updates ORDER BY id").fetchall()
    return [row[0] for row in found]


def journal_files(path: Path) -> list[Path]:
    return sorted(path.parent.glob(path.name + ".updates-*"))


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "netwerkbord.sqlite3"


@pytest.fixture
async def server_store(database: Path) -> AsyncIterator[SQLiteStore]:
    store = SQLiteStore(database, journal=True)
    await store.open()
    await store.create_board(board(), b"first")
    yield store
    await store.close()


async def board_in(database: Path) -> None:
    """A new database holding board b1 and its first update, closed again."""
    store = SQLiteStore(database)
    await store.open()
    await store.create_board(board(), b"first")
    await store.close()


def run_and_kill(database: Path, script: str) -> None:
    """Run `script` as a server process would (a store writing the journal, opened as
    `store`), then SIGKILL it: nothing is folded or closed on the way out."""
    program = (
        textwrap.dedent(
            """
        import asyncio, os, signal, sys
        from pathlib import Path
        from server.store import sqlite
        from server.store.base import LogEntry
        sqlite.FOLD_SECONDS = 3600

        def entry(number):
            return LogEntry("b1", f"update {number}".encode(), "p_moeder")

        async def main():
            store = sqlite.SQLiteStore(Path(sys.argv[1]), journal=True)
            await store.open()
        """
        )
        + textwrap.indent(textwrap.dedent(script), " " * 4)
        + textwrap.dedent(
            """
            os.kill(os.getpid(), signal.SIGKILL)

        asyncio.run(main())
        """
        )
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", program, str(database)], env=env, cwd=ROOT, timeout=60, check=False
    )
    assert done.returncode == -9, f"the script ended with {done.returncode}"


async def test_an_append_is_read_back_through_the_store_before_it_reaches_the_database(
    server_store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_store, "FOLD_SECONDS", 3600)
    await server_store.append([entry(1)])
    assert rows(server_store.path) == [b"first"]  # in the journal only, for now
    assert (await server_store.load("b1")).updates == [b"first", b"update 1"]
    assert rows(server_store.path) == [b"first", b"update 1"]  # folded in ahead of the read


async def test_the_journal_reaches_the_database_on_its_own(server_store: SQLiteStore) -> None:
    await server_store.append([entry(1), entry(2)])
    for _ in range(100):
        if len(rows(server_store.path)) == 3:
            break
        await asyncio.sleep(0.05)
    assert rows(server_store.path) == [b"first", b"update 1", b"update 2"]


async def test_a_killed_server_loses_no_append_and_none_is_folded_twice(database: Path) -> None:
    await board_in(database)
    run_and_kill(
        database,
        """
        for number in range(100):
            await store.append([entry(number)])
        await store.log_length("b1")  # the first hundred folded in
        for number in range(100, 300, 2):
            await store.append([entry(number), entry(number + 1)])
        """,
    )
    assert len(rows(database)) == 101
    kept = database.parent / "kept"
    kept.mkdir()
    for path in journal_files(database):
        shutil.copy(path, kept / path.name)

    command = SQLiteStore(database)  # `netwerkbord token`, say, run before the server is back
    await command.open()
    await command.close()
    expected = [b"first"] + [f"update {n}".encode() for n in range(300)]
    assert rows(database) == expected
    assert journal_files(database) == []  # a store stopped cleanly leaves none
    # The crashed run's files back again: the journal of a run before this one, whose
    # records the database has, so nothing of it is folded in again.
    for path in kept.iterdir():
        shutil.copy(path, database.parent / path.name)
    store = SQLiteStore(database, journal=True)
    await store.open()
    await store.close()
    assert rows(database) == expected


async def test_the_cut_off_end_of_a_write_is_dropped_and_the_rest_kept(
    database: Path, caplog: pytest.LogCaptureFixture
) -> None:
    await board_in(database)
    run_and_kill(
        database,
        """
        for number in range(50):
            await store.append([entry(number)])
        """,
    )
    newest = journal_files(database)[-1]
    whole = newest.read_bytes()
    with newest.open("ab") as journal:
        # Most of one more record, then zeros to the end of the block: what a crash of the
        # machine can leave at the end of a file whose size was written before its data.
        torn = whole[: len(whole) // 50 - 3]
        journal.write(torn + bytes(4096 - (len(whole) + len(torn)) % 4096))

    with caplog.at_level(logging.ERROR, logger="server.store.journal"):
        store = SQLiteStore(database, journal=True)
        await store.open()
    assert "an unreadable end skipped" in caplog.text
    await store.append([entry(50)])
    await store.close()
    assert rows(database) == [b"first"] + [f"update {n}".encode() for n in range(51)]


async def test_a_backup_restored_after_a_crash_takes_nothing_from_the_crashed_run(
    database: Path, caplog: pytest.LogCaptureFixture
) -> None:
    await board_in(database)
    backup = database.with_name("backup.sqlite3")
    copy_database(database, backup)
    run_and_kill(database, "await store.append([entry(1)])")
    left = journal_files(database)
    assert left

    copy_database(backup, database)  # the server is down; the operator restores
    with caplog.at_level(logging.ERROR, logger="server.store.journal"):
        store = SQLiteStore(database, journal=True)
        await store.open()
    await store.close()
    assert rows(database) == [b"first"]
    assert "another copy of the database left alone" in caplog.text
    assert all(path.exists() for path in left)


async def test_a_write_the_disk_refuses_is_an_error_and_later_ones_are_kept(
    server_store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(journal_module, "ROTATE_BYTES", 1)  # a new file after every write
    current = journal_files(server_store.path)[-1]
    name, generation = current.name.rsplit("-", 1)
    full = current.with_name(f"{name}-{int(generation) + 1:06d}")
    full.symlink_to("/dev/full")  # the next file: a disk with no room left

    await server_store.append([entry(1)])  # rotates to the full disk
    with pytest.raises(OSError, match="No space left"):
        await server_store.append([entry(2)])
    await server_store.append([entry(3)])
    assert (await server_store.load("b1")).updates == [b"first", b"update 1", b"update 3"]
    assert not full.is_symlink()  # folded past it, so forgotten


async def test_a_command_beside_the_server_leaves_its_journal_alone(
    server_store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_store, "FOLD_SECONDS", 3600)
    await server_store.append([entry(1)])
    before = [path.read_bytes() for path in journal_files(server_store.path)]
    command = SQLiteStore(server_store.path)  # as `netwerkbord token` opens it
    await command.open()
    try:
        assert [path.read_bytes() for path in journal_files(server_store.path)] == before
        assert (await command.load("b1")).updates == [b"first"]  # not folded in yet
        await server_store.log_length("b1")
        assert (await command.load("b1")).updates == [b"first", b"update 1"]
    finally:
        await command.close()


async def test_with_an_fsync_per_commit_there_is_no_journal(database: Path) -> None:
    store = SQLiteStore(database, synchronous="FULL", journal=True)
    await store.open()
    try:
        await store.create_board(board(), b"first")
        await store.append([entry(1)])
        assert rows(database) == [b"first", b"update 1"]
        assert journal_files(database) == []
    finally:
        await store.close()
