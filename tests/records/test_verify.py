"""`records verify` finds a record rewritten by someone who also computed its digests again:
the seal is keyed with the server's secret key, which is not in the database."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

from server.records.manifest import RecordContent
from tests.records.test_case_record import end, hold_meeting
from tests.support.node import NodeClients
from tests.support.server import Admin, ServerProcess

FIELDS = (
    "id, case_id, board_id, created_at, closed_by, closed_by_name, language, title, "
    "participants, state, document, html, pdf, corrects, correction_reason"
)


def verify(server: ServerProcess, case: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server.cli", "records", "verify", case],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**server.env, "NETWERKBORD_DATA_DIR": str(server.data_dir)},
    )


def rewrite(db: sqlite3.Connection, record: str, old: str, new: str) -> RecordContent:
    """What someone with the database file and this project's code can do: change the
    words, and store the manifest and SHA-256 of the changed record."""
    row = db.execute(f"SELECT {FIELDS} FROM case_records WHERE id = ?", (record,)).fetchone()
    content = RecordContent(*row)
    changed = RecordContent(
        **{
            **content.__dict__,
            "document": content.document.replace(old, new),
            "html": content.html.replace(old, new),
        }
    )
    db.execute("DROP TRIGGER IF EXISTS case_records_are_not_changed")
    db.execute(
        "UPDATE case_records SET document = ?, html = ?, manifest = ?, sha256 = ? WHERE id = ?",
        (changed.document, changed.html, changed.manifest(), changed.digest(), record),
    )
    db.commit()
    return changed


async def test_a_record_rewritten_with_its_digests_computed_again_fails_verification(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    meeting = await hold_meeting(server, admin, nodes)
    record = await end(meeting, nodes)
    clean = verify(server, meeting.case)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert f"OK        {record}" in clean.stdout

    db = sqlite3.connect(server.data_dir / "netwerkbord.sqlite3")
    rewrite(db, record, "Vader drinkt niet", "Vader drinkt soms")
    rewritten = verify(server, meeting.case)
    assert rewritten.returncode == 1
    assert f"MISMATCH  {record}" in rewritten.stdout
    assert "the seal does not match" in rewritten.stdout

    # Taking the seal away does not pass either: the record is reported as unsealed.
    db.execute("UPDATE case_records SET seal = NULL WHERE id = ?", (record,))
    db.commit()
    db.close()
    unsealed = verify(server, meeting.case)
    assert unsealed.returncode == 3
    assert f"UNSEALED  {record}" in unsealed.stdout
    for phone in meeting.phones:
        await phone.aclose()
    await meeting.sanne.close()
