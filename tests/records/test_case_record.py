"""Ending a meeting writes the agreed board into the case record, unchanged and attributable."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from dataclasses import dataclass

import httpx
import pytest
from jsonschema import Draft202012Validator

from server.errors import CloseCode
from server.records.document import board_document
from shared_schema import board_schema
from tests.records.ending import end_and_wait
from tests.support.node import NodeClients
from tests.support.server import Admin, ServerProcess
from tests.support.waiting import until
from tests.support.web import Facilitator, cookie_header, join_by_code, sign_in
from tests.sync.helpers import card, statement

RULE = {
    "id": "r1",
    "rule": "Max en Ash zijn nooit alleen met vader",
    "who": "Oma Riet en oom Kees",
    "when": "Bij elk bezoek",
    "check": "Juf Anja vraagt het de kinderen op maandag",
    "if_broken": "Moeder belt Sanne dezelfde dag",
    "review_date": "2027-01-15",
    "status": "proposed",
    "author": "$me",
    "created": "2026-11-23T10:00:00Z",
}


@dataclass
class Meeting:
    sanne: Facilitator
    case: str
    board: str
    phones: list[httpx.AsyncClient]


async def hold_meeting(server: ServerProcess, admin: Admin, nodes: NodeClients) -> Meeting:
    """A first network meeting of the Jansen family, filled in by the people in it."""
    sanne = await sign_in(server, admin, "sanne@jeugdzorg.example", "Sanne de Boer")
    case = await sanne.new_case("Familie Jansen")
    board = await sanne.new_meeting(case, "Eerste netwerkbijeenkomst")
    code = await sanne.code(board)
    assert await nodes.connect("sanne", server.ws_url, board, None, cookie=sanne.cookie_header) == {
        "synced": True
    }
    await nodes.call("wait_me", name="sanne", person="Sanne de Boer")
    phones = []
    for name, relation in (("Oma Riet", "oma"), ("Juf Anja", "juf van Max")):
        phone, _ = await join_by_code(server, code, name, relation)
        phones.append(phone)
        assert await nodes.connect(
            name, server.ws_url, board, None, cookie=cookie_header(phone)
        ) == {"synced": True}
    add = nodes.call
    await add(
        "add",
        name="Oma Riet",
        part="worries",
        item=card("w1", "Vader schreeuwt als hij gedronken heeft", "harm"),
    )
    await add(
        "add",
        name="Juf Anja",
        part="worries",
        item=card("w2", "Max komt vaak moe op school", "complicating"),
    )
    await add(
        "add",
        name="Oma Riet",
        part="working_well",
        item=card("g1", "Oma haalt de kinderen elke woensdag op", "strength"),
    )
    await add(
        "add",
        name="Juf Anja",
        part="next_steps",
        item=card("n1", "Een vast plan voor de weekenden", "goal"),
    )
    await add(
        "add",
        name="sanne",
        part="danger_statements",
        item=statement("d1", "Wij maken ons zorgen dat Max en Ash bang worden thuis"),
    )
    await add(
        "add",
        name="sanne",
        part="safety_goals",
        item=statement("s1", "Iedereen weet dat de kinderen veilig slapen"),
    )
    await add(
        "add",
        name="sanne",
        part="bottom_lines",
        item=statement("b1", "Vader drinkt niet als de kinderen er zijn"),
    )
    await add("add", name="Oma Riet", part="plan", item=RULE)
    await add(
        "add",
        name="sanne",
        part="network",
        item={
            "id": "m1",
            "name": "Kees",
            "relation": "oom",
            "circle": "inner",
            "safety_person": True,
            "author": "$me",
            "created": "2026-11-23T10:00:00Z",
        },
    )
    await add("rate", name="Oma Riet", value=4)
    await add("rate", name="Juf Anja", value=6)
    await add("wait_length", name="sanne", part="plan", length=1)
    for part, length in (
        ("worries", 2),
        ("working_well", 1),
        ("next_steps", 1),
        ("danger_statements", 1),
        ("network", 1),
    ):
        await add("wait_length", name="sanne", part=part, length=length)
    await add("set_field", name="sanne", part="plan", index=0, key="status", value="agreed")
    return Meeting(sanne, case, board, phones)


async def end(meeting: Meeting, nodes: NodeClients) -> str:
    async def sanne_has_everything() -> bool:
        seen = await nodes.call("json", name="sanne")
        agreed = seen["plan"][0]["status"] == "agreed"
        return len(seen["scales"]["safety"]["ratings"]) == 2 and agreed

    await until(sanne_has_everything, "the facilitator's screen with both ratings and the rule")
    return await end_and_wait(meeting.sanne, meeting.board)


def pdf_text(pdf: bytes) -> str:
    result = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


async def test_the_agreed_board_goes_into_the_case_record(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    meeting = await hold_meeting(server, admin, nodes)
    record = await end(meeting, nodes)
    client = meeting.sanne.client

    downloaded = (await client.get(f"/records/{record}.json")).json()
    board = downloaded["board"]
    Draft202012Validator(board_schema().definition).validate(board)
    assert board["meta"]["status"] == "closed"
    assert downloaded["record"]["closed_by_name"] == "Sanne de Boer"
    assert len(downloaded["record"]["sha256"]) == 64
    names = {p["name"]: p for p in downloaded["record"]["participants"]}
    assert names["Oma Riet"]["relation"] == "oma"
    assert names["Sanne de Boer"]["role"] == "facilitator"

    pdf = await client.get(f"/records/{record}.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(pdf.content)
    for words in (
        "Vader schreeuwt als hij gedronken heeft",
        "Max komt vaak moe op school",
        "Oma haalt de kinderen elke woensdag op",
        "Een vast plan voor de weekenden",
        "Wij maken ons zorgen dat Max en Ash bang worden thuis",
        "Iedereen weet dat de kinderen veilig slapen",
        "Vader drinkt niet als de kinderen er zijn",
        "Max en Ash zijn nooit alleen met vader",
        "Juf Anja vraagt het de kinderen",
        "Moeder belt Sanne dezelfde dag",
        "Kees",
        "Oma Riet 4",
        "Juf Anja 6",
        "door Oma Riet",
        "door Juf Anja",
        "Sanne de Boer",
        "Familie Jansen",
        "Waar maken we ons zorgen over?",
        "afgesproken",
    ):
        assert words in text, words

    row = (
        sqlite3.connect(server.data_dir / "netwerkbord.sqlite3")
        .execute("SELECT state, document FROM case_records WHERE id = ?", (record,))
        .fetchone()
    )
    assert board_document(row[0]) == json.loads(row[1]) == board

    page = await client.get(f"/records/{record}")
    assert page.status_code == 200
    assert "style-src 'sha256-" in page.headers["content-security-policy"]
    assert "Vader schreeuwt" in page.text

    await nodes.call("add", name="sanne", part="worries", item=card("late", "Nog iets"))
    closed = await nodes.call("wait_closed", name="sanne")
    assert closed["code"] == CloseCode.UPDATE_REFUSED
    assert "ended" in closed["reason"]
    for phone in meeting.phones:
        await phone.aclose()
    await meeting.sanne.close()


async def test_records_cannot_be_changed_and_tampering_is_found(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    meeting = await hold_meeting(server, admin, nodes)
    record = await end(meeting, nodes)
    database = server.data_dir / "netwerkbord.sqlite3"

    def verify() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "server.cli",
                "records",
                "verify",
                meeting.case,
                "--data-dir",
                str(server.data_dir),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    clean = verify()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert f"OK        {record}" in clean.stdout

    db = sqlite3.connect(database)
    with pytest.raises(sqlite3.IntegrityError, match="immutable"):
        db.execute("UPDATE case_records SET title = 'x' WHERE id = ?", (record,))
    with pytest.raises(sqlite3.IntegrityError, match="immutable"):
        db.execute("DELETE FROM case_records WHERE id = ?", (record,))

    # Someone with the database file in hand removes the guard and changes one byte.
    pdf = bytearray(
        db.execute("SELECT pdf FROM case_records WHERE id = ?", (record,)).fetchone()[0]
    )
    pdf[len(pdf) // 2] ^= 0x01
    db.execute("DROP TRIGGER case_records_are_not_changed")
    db.execute("UPDATE case_records SET pdf = ? WHERE id = ?", (bytes(pdf), record))
    db.commit()
    db.close()

    tampered = verify()
    assert tampered.returncode == 1
    assert f"MISMATCH  {record}" in tampered.stdout
    assert "pdf differs from what was recorded" in tampered.stdout
    for phone in meeting.phones:
        await phone.aclose()
    await meeting.sanne.close()


async def test_the_next_meeting_starts_from_the_record_and_the_two_compare(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    meeting = await hold_meeting(server, admin, nodes)
    first = await end(meeting, nodes)
    sanne = meeting.sanne
    started = await sanne.post(f"/cases/{meeting.case}/next", title="Tweede bijeenkomst")
    assert started.status_code == 303
    board = started.headers["location"].rsplit("/", 1)[-1]

    assert await nodes.connect(
        "sanne2", server.ws_url, board, None, cookie=sanne.cookie_header
    ) == {"synced": True}
    await nodes.call("wait_me", name="sanne2", person="Sanne de Boer")
    carried = await nodes.call("json", name="sanne2")
    worries = [c["text"] for c in carried["worries"]]
    assert sorted(worries) == [
        "Max komt vaak moe op school",
        "Vader schreeuwt als hij gedronken heeft",
    ]
    shouting = worries.index("Vader schreeuwt als hij gedronken heeft")
    assert all(c["carried_over"] for c in carried["worries"] + carried["plan"])
    assert carried["worries"][shouting]["author_name"] == "Oma Riet"
    assert carried["plan"][0]["status"] == "agreed"
    assert carried["scales"]["safety"]["ratings"] == {}
    assert carried["meta"]["title"] == "Tweede bijeenkomst"

    code = await sanne.code(board)
    phone, _ = await join_by_code(server, code, "Oma Riet", "oma")
    assert await nodes.connect("oma2", server.ws_url, board, None, cookie=cookie_header(phone)) == {
        "synced": True
    }
    await nodes.call("type", name="sanne2", part="worries", index=shouting, text=" (minder vaak)")
    await nodes.call("remove", name="sanne2", part="worries", index=1 - shouting)
    await nodes.call(
        "add",
        name="sanne2",
        part="working_well",
        item=card("g2", "Vader is naar de huisarts gegaan", "strength"),
    )
    await nodes.call("rate", name="oma2", value=7)
    await nodes.call("wait_length", name="oma2", part="working_well", length=2)

    async def sanne_has_the_rating() -> bool:
        return bool((await nodes.call("json", name="sanne2"))["scales"]["safety"]["ratings"])

    await until(sanne_has_the_rating, "the facilitator's screen with Oma's rating")
    second = await end_and_wait(sanne, board)

    page = await sanne.client.get(
        f"/cases/{meeting.case}/compare", params={"a": second, "b": first}
    )
    assert page.status_code == 200
    text = " ".join(page.text.split())
    assert "Vader is naar de huisarts gegaan" in text  # added
    assert "Max komt vaak moe op school" in text  # removed
    assert "Vader schreeuwt als hij gedronken heeft (minder vaak)" in text  # changed
    assert "Oma Riet" in text
    assert "eerst: 4" in text
    assert "nu: 7" in text
    assert "Juf Anja" in text  # rated 6 the first time, not the second
    case_page = await sanne.client.get(f"/cases/{meeting.case}")
    assert first in case_page.text
    assert second in case_page.text
    await phone.aclose()
    for client in meeting.phones:
        await client.aclose()
    await sanne.close()
