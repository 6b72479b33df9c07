"""The audit trail: who signed in, joined, left, was refused, and what they changed."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
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


REFUSALS_WINDOW_SECONDS = 60.0


@dataclass
class _Repeats:
    since: str  # when the window began, as the audit log writes times
    started: float
    facts: dict[str, Any] = field(default_factory=dict)
    count: int = 0


class RefusalDigest:
    """Refused updates in the audit log, summarised: a person's first refusal for a reason
    is written at once; the same refusal again within a minute is counted, and the count is
    written as one entry (`update_refused`, with `repeated` and `since`) once the minute is
    over: at the next refusal on the board, or when its room closes. A client refused as
    fast as it can reconnect writes a few entries a minute, not one per attempt."""

    def __init__(
        self,
        audit: Audit,
        window_seconds: float = REFUSALS_WINDOW_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._audit = audit
        self._window = window_seconds
        self._clock = monotonic
        self._open: dict[tuple[str | None, str | None, str], _Repeats] = {}

    async def record(
        self,
        *,
        actor_id: str,
        actor_name: str,
        board_id: str,
        case_id: str | None,
        role: str,
        reason: str,
    ) -> None:
        now = self._clock()
        await self.flush(older_than=now - self._window)
        key = (board_id, actor_id, reason)
        repeats = self._open.get(key)
        if repeats is not None:
            repeats.count += 1
            return
        facts = {
            "actor_id": actor_id,
            "actor_name": actor_name,
            "board_id": board_id,
            "case_id": case_id,
            "role": role,
            "reason": reason,
        }
        self._open[key] = _Repeats(clock.iso(clock.now()), now, facts)
        await self._audit.record("update_refused", **facts)

    async def flush(self, older_than: float | None = None) -> None:
        """Write the counts of the windows that began before `older_than` (all if None)."""
        over = [
            key
            for key, repeats in self._open.items()
            if older_than is None or repeats.started <= older_than
        ]
        for key in over:
            repeats = self._open.pop(key)
            if repeats.count:
                await self._audit.record(
                    "update_refused", **repeats.facts, repeated=repeats.count, since=repeats.since
                )
