"""Ending a meeting never loses its record: the decision is stored first, and the record is
written from it until it exists, through a crash, a restart and a failed render."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import print_log_if_failed
from tests.records.ending import (
    a_renderer,
    alive,
    end_meeting,
    press_try_again,
    record_page,
    record_written,
)
from tests.support.node import NodeClients
from tests.support.server import Admin, ServerProcess
from tests.support.waiting import until
from tests.support.web import Facilitator, sign_in
from tests.sync.helpers import card

LONG_WORD = "Kinderbeschermingsmaatregel" * 148  # 3996 characters, not one break


async def a_meeting_with_long_words(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> tuple[Facilitator, str, str]:
    sanne = await sign_in(server, admin, "sanne@jeugdzorg.example", "Sanne de Boer")
    case = await sanne.new_case("Familie Jansen")
    board = await sanne.new_meeting(case, "Eerste netwerkbijeenkomst")
    assert await nodes.connect("sanne", server.ws_url, board, None, cookie=sanne.cookie_header) == {
        "synced": True
    }
    await nodes.call("wait_me", name="sanne", person="Sanne de Boer")
    for index in range(4):
        await nodes.call(
            "add", name="sanne", part="worries", item=card(f"w{index}", f"{index}{LONG_WORD}")
        )
    await nodes.call("wait_length", name="sanne", part="worries", length=4)
    return sanne, case, board


def records_of(server: ServerProcess, board: str) -> list[tuple[str, str]]:
    with sqlite3.connect(server.data_dir / "netwerkbord.sqlite3") as db:
        return db.execute(
            "SELECT id, document FROM case_records WHERE board_id = ?", (board,)
        ).fetchall()


def board_status(server: ServerProcess, board: str) -> str:
    with sqlite3.connect(server.data_dir / "netwerkbord.sqlite3") as db:
        return str(db.execute("SELECT status FROM boards WHERE id = ?", (board,)).fetchone()[0])


@pytest.fixture
async def slow_server(
    tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[ServerProcess]:
    """A server whose record renders may take 20 s: enough for any small board on a busy
    host, and short enough to see a render that never ends fail."""
    process = ServerProcess(tmp_path / "data", record_render_seconds="20")
    await process.start()
    yield process
    await process.stop()
    print_log_if_failed(request, process)


async def test_a_crash_while_the_record_renders_still_gives_the_record(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    sanne, _, board = await a_meeting_with_long_words(server, admin, nodes)
    await end_meeting(sanne, board)

    # The render is as slow as can be: its worker is stopped. Meanwhile the facilitator is
    # told the record is being written, and the board is closed.
    worker = await a_renderer(server)
    os.kill(worker, signal.SIGSTOP)
    page = await record_page(sanne, board)
    assert page.status_code == 200
    assert "Het verslag wordt geschreven" in page.text
    before_the_crash = page
    assert board_status(server, board) == "closed"

    await server.kill()
    os.kill(worker, signal.SIGCONT)  # killed with its server, or ends as it wakes without it

    async def worker_gone() -> bool:
        return not alive(worker)

    await until(worker_gone, "the PDF worker ended with its server")
    assert records_of(server, board) == []

    # Nobody asks again: the restarted server writes the record from the stored decision.
    await server.start()
    record = await record_written(sanne, board)
    [(stored, document)] = records_of(server, board)
    assert stored == record
    assert f"0{LONG_WORD}" in document
    assert '"status": "closed"' in document
    assert board_status(server, board) == "closed"

    # Trying again, from the page shown before the crash, and ending again: one record.
    again = await press_try_again(sanne, before_the_crash)
    assert again.status_code == 303
    ended = await sanne.api(f"/api/boards/{board}/end")
    assert ended.json()["record"] == record
    assert await record_written(sanne, board) == record
    assert [r[0] for r in records_of(server, board)] == [record]


async def test_a_record_that_fails_to_render_can_be_written_again(
    slow_server: ServerProcess, nodes: NodeClients
) -> None:
    admin = Admin(slow_server.data_dir)
    await admin.store.open()
    sanne, _, board = await a_meeting_with_long_words(slow_server, admin, nodes)
    await end_meeting(sanne, board)
    os.kill(await a_renderer(slow_server), signal.SIGSTOP)

    async def failed() -> bool:
        page = await record_page(sanne, board)
        return "Het schrijven van het verslag is mislukt" in page.text

    await until(failed, "the facilitator told that writing the record failed", 60)
    page = await record_page(sanne, board)
    assert "Probeer het opnieuw" in page.text
    assert "20 seconds" in page.text  # what went wrong
    assert records_of(slow_server, board) == []

    retried = await press_try_again(sanne, page)
    assert retried.status_code == 303
    assert retried.headers["location"] == f"/boards/{board}/record"
    record = await record_written(sanne, board)
    assert [r[0] for r in records_of(slow_server, board)] == [record]
    await admin.store.close()


def pdf_lines(pdf: bytes) -> list[str]:
    result = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode().splitlines()


async def test_a_board_of_long_words_is_recorded_whole_while_other_meetings_carry_on(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    sanne = await sign_in(server, admin, "sanne@jeugdzorg.example", "Sanne de Boer")
    case = await sanne.new_case("Familie Jansen")
    board = await sanne.new_meeting(case, "Lange woorden")
    other = await sanne.new_meeting(case, "Een andere bijeenkomst")
    for name, on in (("sanne", board), ("typist", other), ("wall", other)):
        assert await nodes.connect(name, server.ws_url, on, None, cookie=sanne.cookie_header) == {
            "synced": True
        }
        await nodes.call("wait_me", name=name, person="Sanne de Boer")
    words = [f"{chr(65 + index)}{LONG_WORD}" for index in range(11)]
    for index, word in enumerate(words):
        await nodes.call("add", name="sanne", part="worries", item=card(f"w{index}", word))
    await nodes.call("add", name="typist", part="worries", item=card("t", "Zorg"))
    await nodes.call("wait_length", name="sanne", part="worries", length=11)
    await nodes.call("wait_length", name="wall", part="worries", length=1)

    await end_meeting(sanne, board)
    worker = await a_renderer(server)
    typed = time.perf_counter()
    await nodes.call("storm", name="typist", part="worries", index=0, count=200, interval=5)
    await nodes.call(
        "wait_text_length", name="wall", part="worries", index=0, length=204, timeout=60000
    )
    arrived = time.perf_counter() - typed
    print(f"200 keystrokes in another meeting arrived in {arrived:.2f} s", end=" ")
    print(f"(the render {'still' if alive(worker) else 'no longer'} running)")

    record = await record_written(sanne, board)
    print((await server.wait_for_log('"record written"'))[-120:])
    pdf = (await sanne.client.get(f"/records/{record}.pdf")).content
    lines = pdf_lines(pdf)
    footer = re.compile(r"^(Lange woorden|\d+ / \d+)$")
    text = "".join(line for line in lines if not footer.match(line.strip()))
    for word in words:
        assert word in text.replace("\u200b", "")
    assert max(len(line) for line in lines) < 120  # wrapped, not cut off at the margin


async def test_a_meeting_closed_without_its_record_before_this_fix_can_still_get_one(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    """What the old code left after a crash mid-render: the board closed, its tokens void,
    no record, and "already ended" on every try. Now its page offers to write the record."""
    sanne, _, board = await a_meeting_with_long_words(server, admin, nodes)
    await admin.store.execute("UPDATE boards SET status = 'closed' WHERE id = ?", (board,))
    page = await record_page(sanne, board)
    assert "Het schrijven van het verslag is mislukt" in page.text
    assert (await press_try_again(sanne, page)).status_code == 303
    record = await record_written(sanne, board)
    [(stored, document)] = records_of(server, board)
    assert stored == record
    assert f"3{LONG_WORD}" in document
    assert '"status": "closed"' in document
