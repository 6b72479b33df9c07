"""Writing, reading and verifying case records."""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from server import clock
from server.records.document import board_document
from server.records.endings import Endings, MeetingEnding
from server.records.manifest import RecordContent, seal, sha256
from server.records.pdf import render_pdf_within
from server.records.render import RecordFacts, render_html
from server.store.base import Database

_COLUMNS = (
    "id, case_id, board_id, created_at, closed_by, closed_by_name, language, title, "
    "participants, state, document, html, pdf, corrects, correction_reason"
)


@dataclass(frozen=True)
class RecordSummary:
    id: str
    board_id: str
    title: str
    created_at: datetime
    closed_by_name: str
    sha256: str
    corrects: str | None
    correction_reason: str | None


@dataclass(frozen=True)
class Verification:
    record_id: str
    case_id: str
    problems: tuple[str, ...]
    sealed: bool

    @property
    def ok(self) -> bool:
        return not self.problems


class Records:
    def __init__(self, db: Database, key: str) -> None:
        self._db = db
        self._key = key

    async def write(self, ending: MeetingEnding, render_seconds: float) -> RecordContent:
        """The record of `ending`, made from the state stored with the decision and stored
        once: writing it again (after a crash, or a retry) gives the same id, and a record
        that is already there is kept as it is."""
        document = board_document(ending.state)
        participants = json.loads(ending.participants)
        facts = RecordFacts(
            ending.record_id,
            ending.case_title,
            ending.decided_by_name,
            clock.parse(ending.decided_at),
            participants,
            ending.corrects,
            ending.correction_reason,
        )
        html = render_html(document, facts)
        pdf = await render_pdf_within(render_html(document, facts, for_print=True), render_seconds)
        content = RecordContent(
            id=ending.record_id,
            case_id=ending.case_id,
            board_id=ending.board_id,
            created_at=ending.decided_at,
            closed_by=ending.decided_by,
            closed_by_name=ending.decided_by_name,
            language=document["meta"]["language"],
            title=document["meta"]["title"],
            participants=json.dumps(participants, ensure_ascii=False, sort_keys=True),
            state=ending.state,
            document=json.dumps(document, ensure_ascii=False, sort_keys=True),
            html=html,
            pdf=pdf,
            corrects=ending.corrects,
            correction_reason=ending.correction_reason,
        )
        manifest = content.manifest()
        await self._db.execute_all(
            [
                (
                    f"INSERT INTO case_records ({_COLUMNS}, manifest, sha256, seal) "  # noqa: S608
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (id) DO NOTHING",
                    (*_values(content), manifest, content.digest(), seal(manifest, self._key)),
                ),
                Endings.written(ending.board_id),
            ]
        )
        return content

    async def for_case(self, case_id: str) -> list[RecordSummary]:
        rows = await self._db.fetch_all(
            "SELECT id, board_id, title, created_at, closed_by_name, sha256, corrects, "
            "correction_reason FROM case_records WHERE case_id = ? ORDER BY created_at",
            (case_id,),
        )
        return [
            RecordSummary(r[0], r[1], r[2], clock.parse(r[3]), r[4], r[5], r[6], r[7]) for r in rows
        ]

    async def of_board(self, board_id: str) -> str | None:
        """The id of the record written when `board`'s meeting ended, if there is one."""
        row = await self._db.fetch_one(
            "SELECT id FROM case_records WHERE board_id = ? ORDER BY created_at DESC",
            (board_id,),
        )
        return str(row[0]) if row else None

    async def get(self, record_id: str) -> tuple[RecordContent, str] | None:
        """The record and its stored SHA-256."""
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS}, sha256 FROM case_records WHERE id = ?",  # noqa: S608
            (record_id,),
        )
        if row is None:
            return None
        return _content(row[:15]), str(row[15])

    async def latest(self, case_id: str) -> RecordContent | None:
        summaries = await self.for_case(case_id)
        if not summaries:
            return None
        found = await self.get(summaries[-1].id)
        return found[0] if found else None

    async def verify(self, case_id: str | None = None) -> list[Verification]:
        """Recompute every record's digests from its content and compare with what is stored."""
        where, params = ("WHERE case_id = ?", (case_id,)) if case_id else ("", ())
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS}, manifest, sha256, seal FROM case_records {where} "  # noqa: S608
            "ORDER BY created_at",
            params,
        )
        return [
            _verify(_content(row[:15]), str(row[15]), str(row[16]), row[17], self._key)
            for row in rows
        ]


def _verify(
    content: RecordContent,
    stored_manifest: str,
    stored_sha256: str,
    stored_seal: str | None,
    key: str,
) -> Verification:
    problems = []
    if stored_seal is not None and not hmac.compare_digest(
        stored_seal, seal(content.manifest(), key)
    ):
        problems.append(
            "the seal does not match: the record was changed and its digests computed again, "
            "or it was sealed with another key"
        )
    try:
        stored = json.loads(stored_manifest)
    except ValueError:
        stored = {}
        problems.append("the stored manifest is unreadable")
    now = json.loads(content.manifest())
    for name, value in now.items():
        if name in stored and stored[name] != value:
            part = name.removesuffix("_sha256")
            problems.append(f"{part} differs from what was recorded")
    if sha256(stored_manifest) != stored_sha256:
        problems.append("the stored SHA-256 does not match the stored manifest")
    if content.digest() != stored_sha256 and not problems:
        problems.append("the content does not match the stored SHA-256")
    return Verification(
        content.id, content.case_id, tuple(problems), sealed=stored_seal is not None
    )


def _values(content: RecordContent) -> tuple[Any, ...]:
    return (
        content.id,
        content.case_id,
        content.board_id,
        content.created_at,
        content.closed_by,
        content.closed_by_name,
        content.language,
        content.title,
        content.participants,
        content.state,
        content.document,
        content.html,
        content.pdf,
        content.corrects,
        content.correction_reason,
    )


def _content(row: tuple[Any, ...]) -> RecordContent:
    return RecordContent(
        id=row[0],
        case_id=row[1],
        board_id=row[2],
        created_at=row[3],
        closed_by=row[4],
        closed_by_name=row[5],
        language=row[6],
        title=row[7],
        participants=row[8],
        state=bytes(row[9]),
        document=row[10],
        html=row[11],
        pdf=bytes(row[12]),
        corrects=row[13],
        correction_reason=row[14],
    )
