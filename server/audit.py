"""The audit trail: who signed in, joined, left, was refused, and what they changed."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from server import clock
from server.store.base import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AuditEntry:
    at: str
    event: str
    actor_id: str | None
    actor_name: str | None
    board_id: str | None
    detail: dict[str, Any]


class Audit:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(
        self,
        event: str,
        *,
        actor_id: str | None = None,
        actor_name: str | None = None,
        board_id: str | None = None,
        case_id: str | None = None,
        **detail: Any,
    ) -> None:
        try:
            await self._db.execute(
                "INSERT INTO audit_log (at, event, actor_id, actor_name, board_id, case_id, "
                "detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    clock.iso(clock.now()),
                    event,
                    actor_id,
                    actor_name,
                    board_id,
                    case_id,
                    json.dumps(detail, ensure_ascii=False, default=str),
                ),
            )
        except Exception:
            # An audit row that cannot be written is an incident, but never a reason to
            # drop a meeting; the log line carries the same facts.
            log.exception("audit write failed", extra={"event": event, "board": board_id})

    async def for_board(self, board_id: str, limit: int = 1000) -> list[AuditEntry]:
        """Events, and accepted changes summarised per person per minute, newest first."""
        rows = await self._db.fetch_all(
            "SELECT at, event, actor_id, actor_name, board_id, detail, 0 FROM audit_log "
            "WHERE board_id = ? "
            "UNION ALL "
            "SELECT substr(u.created_at, 1, 16) AS minute, 'changes_accepted', u.author, "
            "p.name, u.board_id, '{}', count(*) "
            "FROM (SELECT board_id, author, created_at FROM board_updates WHERE board_id = ? "
            "      UNION ALL "
            "      SELECT board_id, author, created_at FROM board_updates_archive "
            "      WHERE board_id = ?) u "
            "LEFT JOIN participants p ON p.id = u.author "
            "GROUP BY minute, u.author, p.name, u.board_id "
            "ORDER BY 1 DESC LIMIT ?",
            (board_id, board_id, board_id, limit),
        )
        return [
            AuditEntry(
                r[0], r[1], r[2], r[3], r[4], json.loads(r[5]) | ({"count": r[6]} if r[6] else {})
            )
            for r in rows
        ]
