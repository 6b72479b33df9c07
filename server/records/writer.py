"""Writing the records of ended meetings, in the background, from their stored decisions.

One task per ending at most in this process; it owns the PDF worker it starts. A restart
writes every record whose decision is stored and whose record is not (`resume`). Writing
twice (two processes, a retry while one is under way) stores one record: its id was fixed
when the meeting ended."""

from __future__ import annotations

import asyncio
import logging
import time

from server.audit import Audit
from server.records.endings import Endings, MeetingEnding
from server.records.pdf import RecordNotRendered
from server.records.service import Records
from shared_schema import SchemaViolation

log = logging.getLogger(__name__)


class RecordWriter:
    def __init__(
        self, endings: Endings, records: Records, audit: Audit, render_seconds: float
    ) -> None:
        self._endings = endings
        self._records = records
        self._audit = audit
        self._render_seconds = render_seconds
        self._writing: dict[str, asyncio.Task[None]] = {}

    def write(self, ending: MeetingEnding) -> asyncio.Task[None]:
        """Start writing `ending`'s record, unless this process is already at it."""
        task = self._writing.get(ending.board_id)
        if task is None or task.done():
            task = asyncio.create_task(self._write(ending), name=f"record {ending.record_id}")
            self._writing[ending.board_id] = task
        return task

    def is_writing(self, board_id: str) -> bool:
        task = self._writing.get(board_id)
        return task is not None and not task.done()

    async def resume(self) -> int:
        """Write every record decided and not yet written (after a restart)."""
        unwritten = await self._endings.unwritten()
        for ending in unwritten:
            log.info(
                "resuming a record", extra={"board": ending.board_id, "record": ending.record_id}
            )
            self.write(ending)
        return len(unwritten)

    async def close(self) -> None:
        """Stop writing: the decisions stay stored, and the next start writes them."""
        tasks = list(self._writing.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._writing.clear()

    async def _write(self, ending: MeetingEnding) -> None:
        await self._endings.attempt(ending.board_id)
        log.info("writing a record", extra={"board": ending.board_id, "record": ending.record_id})
        started = time.perf_counter()
        try:
            record = await self._records.write(ending, self._render_seconds)
        except (RecordNotRendered, SchemaViolation, OSError) as error:
            log.warning(
                "writing a record failed",
                extra={"board": ending.board_id, "record": ending.record_id, "problem": str(error)},
            )
            await self._endings.failed(ending.board_id, str(error))
            return
        except asyncio.CancelledError:
            raise
        except Exception as error:
            log.exception("writing a record failed", extra={"board": ending.board_id})
            await self._endings.failed(ending.board_id, f"{type(error).__name__}: {error}")
            return
        seconds = round(time.perf_counter() - started, 2)
        log.info(
            "record written",
            extra={"board": ending.board_id, "record": ending.record_id, "seconds": seconds},
        )
        await self._audit.record(
            "record_written",
            actor_id=ending.decided_by,
            actor_name=ending.decided_by_name,
            board_id=ending.board_id,
            case_id=ending.case_id,
            record=ending.record_id,
            sha256=record.digest(),
        )
