"""Someone joining while an update is being stored is shown it only once it is stored, and
never if storing it fails. With PostgreSQL, where storing waits for the database."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import psycopg
import pytest
from pycrdt import Doc

from server.errors import CloseCode
from server.services import Services
from server.settings import Settings
from server.sync import protocol
from server.sync.connection import Connection
from server.sync.room import Room
from tests.support.services import fresh_database
from tests.support.waiting import until
from tests.sync.in_room import Socket, connect, oma_typing, running, settled, stored_doc, worry_text


@pytest.fixture
async def database(postgres_url: str) -> str:
    return fresh_database(postgres_url)


@pytest.fixture
async def on_postgres(tmp_path: Path, database: str) -> AsyncIterator[Services]:
    settings = Settings.from_env().with_overrides(data_dir=tmp_path, database_url=database)
    async with running(settings) as started:
        yield started


@contextlib.asynccontextmanager
async def tante_joins_while_omas_o_is_stored(
    services: Services, database: str
) -> AsyncIterator[tuple[Room, Connection, asyncio.Task[None], Socket, psycopg.AsyncConnection]]:
    """Oma's card is stored; her "O" then waits for a lock another connection holds on the
    log, and Tante asks for the board meanwhile. Yields the room, Oma, Tante's answer still
    to come, Tante's socket, and the connection holding the lock (in its transaction)."""
    room, oma, phone = await oma_typing(services, "O")
    await room.receive(oma, protocol.sync_update(phone.sent[0]))
    await settled(room)
    async with await psycopg.AsyncConnection.connect(database) as locker:
        await locker.execute("LOCK TABLE board_updates IN EXCLUSIVE MODE")
        await room.receive(oma, protocol.sync_update(phone.sent[1]))
        await until(lambda: storing_waits(locker), "the room's insert waiting for the lock")
        answer, tante = await tante_asks_for_the_board(room, services)
        assert not answer.done()
        assert tante.frames == []
        yield room, oma, answer, tante, locker


async def storing_waits(locker: psycopg.AsyncConnection) -> bool:
    cursor = await locker.execute(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE wait_event_type = 'Lock' AND datname = current_database()"
    )
    row = await cursor.fetchone()
    return row is not None and row[0] > 0


async def tante_asks_for_the_board(
    room: Room, services: Services
) -> tuple[asyncio.Task[None], Socket]:
    tante, socket = connect(room, services, "tante", synced=False)
    empty: Doc[object] = Doc()
    answer = asyncio.create_task(room.receive(tante, protocol.sync_step1(empty.get_state())))
    for _ in range(20):  # every turn of the loop the answer could take
        await asyncio.sleep(0)
    return answer, socket


def board_sent_to(socket: Socket) -> Doc[object]:
    (step2,) = [m for m in socket.messages() if isinstance(m, protocol.SyncUpdate)]
    assert step2.is_step2
    doc: Doc[object] = Doc()
    doc.apply_update(step2.update)
    return doc


async def test_a_joiner_is_answered_once_the_update_is_stored(
    on_postgres: Services, database: str
) -> None:
    async with tante_joins_while_omas_o_is_stored(on_postgres, database) as joining:
        _, _, answer, tante, locker = joining
        await locker.commit()
        await answer
    assert worry_text(board_sent_to(tante)) == "O"


async def test_a_joiner_never_sees_an_update_that_could_not_be_stored(
    on_postgres: Services, database: str
) -> None:
    async with tante_joins_while_omas_o_is_stored(on_postgres, database) as joining:
        room, oma, answer, tante, locker = joining
        await locker.execute(  # the database drops the room's connection mid-insert
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        await answer
        await locker.rollback()
    assert worry_text(board_sent_to(tante)) == ""
    assert worry_text(room.doc) == ""
    assert oma._closing is not None and oma._closing.code is CloseCode.INTERNAL_ERROR
    assert worry_text(await stored_doc(on_postgres, room.board_id)) == ""
