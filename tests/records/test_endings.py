"""The stored decision to end a meeting, and writing its record from it, on every store."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from server.access.accounts import Accounts
from server.boards import create_board
from server.cases import Cases
from server.records.endings import Endings, MeetingEnding, RecordStatus
from server.records.service import Records
from server.store.base import Store
from server.store.postgres import PostgresStore
from server.store.sqlite import SQLiteStore
from shared_schema import new_board_update
from tests.support.services import fresh_database

KEY = "the server's secret key"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    if request.param == "sqlite":
        opened: Store = SQLiteStore(tmp_path / "netwerkbord.sqlite3")
    else:
        opened = PostgresStore(fresh_database(request.getfixturevalue("postgres_url")), pool_size=2)
    await opened.open()
    yield opened
    await opened.close()


async def decision(store: Store, record_id: str = "r_1") -> MeetingEnding:
    sanne = await Accounts(store).create_user("sanne@jeugdzorg.example", "Sanne", "x" * 12)
    case = await Cases(store).create("Familie Jansen", sanne)
    board = await create_board(store, "Eerste bijeenkomst", "nl", case_id=case.id)
    return MeetingEnding(
        board_id=board.id,
        case_id=case.id,
        record_id=record_id,
        decided_at="2026-11-23T11:45:00.000001+00:00",
        decided_by=sanne.id,
        decided_by_name=sanne.name,
        case_title=case.title,
        state=new_board_update("Eerste bijeenkomst", "nl"),
        participants=json.dumps([]),
        corrects=None,
        correction_reason=None,
    )


async def test_the_first_decision_stands_and_closes_the_board(store: Store) -> None:
    endings = Endings(store)
    first = await decision(store)
    await endings.decide(first)
    await endings.decide(MeetingEnding(**{**first.__dict__, "record_id": "r_2"}))
    stored = await endings.get(first.board_id)
    assert stored is not None
    assert stored.record_id == "r_1"
    assert stored.state == first.state
    board = await store.get_board(first.board_id)
    assert board is not None and board.status == "closed"
    assert [e.board_id for e in await endings.unwritten()] == [first.board_id]

    await endings.attempt(first.board_id)
    await endings.failed(first.board_id, "Making the PDF took longer than 20 seconds.")
    failed = await endings.get(first.board_id)
    assert failed is not None
    assert failed.status is RecordStatus.FAILED
    assert failed.attempts == 1
    assert failed.problem == "Making the PDF took longer than 20 seconds."


async def test_writing_a_record_twice_stores_it_once(store: Store) -> None:
    endings = Endings(store)
    ending = await decision(store)
    await endings.decide(ending)
    records = Records(store, KEY)
    first = await records.write(ending, 120)
    second = await records.write(ending, 120)  # a retry, or a second process, after the first
    assert first.id == second.id == "r_1"
    assert [r.id for r in await records.for_case(ending.case_id)] == ["r_1"]
    written = await endings.get(ending.board_id)
    assert written is not None and written.status is RecordStatus.WRITTEN
    assert await endings.unwritten() == []
    assert [v.ok and v.sealed for v in await records.verify(ending.case_id)] == [True]
    assert [v.ok for v in await Records(store, "another key").verify(ending.case_id)] == [False]
