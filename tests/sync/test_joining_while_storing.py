"""Someone joining while an update is being stored is shown it only once it is stored, and
never if storing it fails. With PostgreSQL, where storing waits for the database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import psycopg
import pytest
from pycrdt import Doc

from server.boards import create_board
from server.errors import CloseCode
from server.services import Services, build_services
from server.settings import Settings
from server.sync import protocol
from server.sync.connection import Connection
from server.sync.room import Room
from tests.support.services import fresh_database
from tests.support.waiting import until
from tests.sync.in_room import Phone, Socket, connect, settled, stored_doc, worry_text


@pytest.fixture
async def database(postgres_url: str) -> str:
    return fresh_database(postgres_url)


@pytest.fixture
async def on_postgres(tmp_path: Path, database: str) -> AsyncIterator[Services]:
    settings = Settings.from_env().with_overrides(data_dir=tmp_path, database_url=database)
    started = build_services(settings)
    await started.store.open()
    yield started
    await started.rooms.close_all()
    await started.store.close()


async def oma_types_o_while_the_log_is_locked(
    services: Services, locker: psycopg.AsyncConnection
) -> tuple[Room, Connection]:
    """Oma's card is stored; then her "O" waits for the lock another connection holds."""
    board = await create_board(services.store, "Familie Jansen", "nl")
    room = await services.rooms.acquire(board)
    oma, _ = connect(room, services, "oma")
    phone = Phone(room, "p_oma")
    phone.add_worry()
    phone.type("O")
    await room.receive(oma, protocol.sync_update(phone.sent[0]))
    await settled(room)
    await locker.execute("LOCK TABLE board_updates IN EXCLUSIVE MODE")
    await room.receive(oma, protocol.sync_update(phone.sent[1]))
    await until(lambda: storing_waits(locker), "the room's insert waiting for the lock")
    return room, oma


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
    services = on_postgres
    async with await psycopg.AsyncConnection.connect(database) as locker:
        room, _ = await oma_types_o_while_the_log_is_locked(services, locker)
        answer, tante = await tante_asks_for_the_board(room, services)
        assert not answer.done()
        assert tante.frames == []
        await locker.commit()
    await answer
    assert worry_text(board_sent_to(tante)) == "O"


async def test_a_joiner_never_sees_an_update_that_could_not_be_stored(
    on_postgres: Services, database: str
) -> None:
    services = on_postgres
    async with await psycopg.AsyncConnection.connect(database) as locker:
        room, oma = await oma_types_o_while_the_log_is_locked(services, locker)
        answer, tante = await tante_asks_for_the_board(room, services)
        assert not answer.done()
        await locker.execute(  # the database drops the room's connection mid-insert
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        await answer
        await locker.rollback()
    assert worry_text(board_sent_to(tante)) == ""
    assert worry_text(room.doc) == ""
    assert oma._closing is not None and oma._closing.code is CloseCode.INTERNAL_ERROR
    assert worry_text(await stored_doc(services, room.board_id)) == ""
