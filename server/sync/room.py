"""A room: one open board in memory, its connections, and the update pipeline.

Every update goes through the same steps, in order, one batch at a time:
decode -> stage (apply, schema) -> policy (role) -> store (durable) -> settle -> broadcast.
Nothing is broadcast, or shown to a client that joins, before it is stored; what is refused
or not stored is taken back out of the document (server/sync/staging.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from pycrdt import Doc, Map

from server import policy
from server.access.roles import Role
from server.access.tokens import BoardGrant
from server.audit import Audit, RefusalDigest
from server.crdt import needs_unknown
from server.errors import (
    CloseCode,
    ConnectionClosed,
    MalformedMessage,
    MissingHistory,
    StoreUnavailable,
    UpdateRefused,
)
from server.fanout import AWARENESS, UPDATE, Fanout
from server.metrics import Metrics
from server.settings import Settings
from server.store import BoardRecord, LogEntry, Store
from server.sync import protocol
from server.sync.connection import Connection, DocumentUpdate
from server.sync.identity import ClientIds
from server.sync.presence import RENEWAL_DELAY_SECONDS, Presence
from server.sync.protocol import AwarenessEntry
from server.sync.staging import Staging
from server.sync.wire import binary_frame
from shared_schema import BoardSchema

log = logging.getLogger(__name__)

SERVER_AUTHOR = "server"
REMOTE_AUTHOR = ""  # marks an update another process stored: shown here, not stored again
ANOTHER_PROCESS = None  # owns the awareness states of other processes' clients
_BATCH = 256


class RoomState(Enum):
    LOADING = "loading"
    OPEN = "open"
    CLOSING = "closing"
    CLOSED = "closed"
    FAILED = "failed"


_TRANSITIONS = {
    RoomState.LOADING: {RoomState.OPEN, RoomState.FAILED},
    RoomState.OPEN: {RoomState.CLOSING, RoomState.FAILED},
    RoomState.CLOSING: {RoomState.CLOSED, RoomState.FAILED},
    RoomState.CLOSED: set(),
    RoomState.FAILED: set(),
}

ServerChange = Callable[[dict[str, Any]], None]


@dataclass
class _Submission:
    connection: Connection | None
    update: bytes | None = None
    server_change: ServerChange | None = None
    done: asyncio.Future[None] | None = None  # for a server change someone waits on
    remote: bool = False  # accepted and stored by another process; here only to show

    @property
    def is_stop(self) -> bool:
        return self.update is None and self.server_change is None


class Room:
    def __init__(
        self,
        board: BoardRecord,
        store: Store,
        schema: BoardSchema,
        settings: Settings,
        metrics: Metrics,
        audit: Audit,
        fanout: Fanout,
    ) -> None:
        self.board = board
        self._audit = audit
        self._refusal_digest = RefusalDigest(audit)  # refusals, summarised per minute
        self._fanout = fanout
        self._store = store
        self._settings = settings
        self._metrics = metrics
        self._schema = schema
        self._staging = Staging(schema)
        # Asked for every update; read again from the board only after "meta" changed.
        self._status: policy.BoardStatus | None = None
        self._status_of = -1  # the staging's count of meta changes `_status` was read at
        # Clear while a batch is in the document but not yet stored (only a store that
        # waits, such as PostgreSQL, lets anyone else run then).
        self._settled = asyncio.Event()
        self._settled.set()
        self.members: set[Connection] = set()
        self._presence: Presence[Connection | None] = Presence()
        self._client_ids = ClientIds()
        self._renewals: dict[int, AwarenessEntry] = {}
        self._renewing: asyncio.TimerHandle | None = None
        self._sweeping: asyncio.TimerHandle | None = None
        self._inbox: asyncio.Queue[_Submission] = asyncio.Queue(maxsize=4096)
        self._worker: asyncio.Task[None] | None = None
        self._compaction: asyncio.Task[None] | None = None
        self._updates_since_compaction = 0
        self._refusals: list[tuple[BoardGrant, str]] = []
        self._catching_up: asyncio.Task[None] | None = None
        self._recordings: set[asyncio.Task[None]] = set()  # refusals on their way to the audit log
        self.state = RoomState.LOADING
        self.references = 0  # connections holding the room, counted by the registry

    @property
    def board_id(self) -> str:
        return self.board.id

    @property
    def doc(self) -> Doc[Any]:
        """The live board. Between a batch's staging and its storing it may hold what is
        not stored yet: read it through `stored_state` unless in the room's own pipeline."""
        return self._staging.doc

    async def stored_state(self) -> bytes:
        """The whole board as stored: waits while a batch is being stored."""
        await self._until_settled()
        return self.doc.get_update()

    async def _until_settled(self) -> None:
        while not self._settled.is_set():  # another batch may have begun before we woke
            await self._settled.wait()

    def _move_to(self, state: RoomState) -> None:
        if state not in _TRANSITIONS[self.state]:
            raise RuntimeError(f"room {self.board_id}: {self.state.value} -> {state.value}")
        self.state = state

    async def load(self) -> None:
        started = time.perf_counter()
        saved = await self._store.load(self.board_id)
        self._staging = Staging(self._schema, saved.in_order)
        self._updates_since_compaction = len(saved.updates)
        self._worker = asyncio.create_task(self._work(), name=f"room-{self.board_id}")
        self._fanout.subscribe(self.board_id, self._from_elsewhere)
        self._move_to(RoomState.OPEN)
        self._metrics.room_load_seconds.observe(time.perf_counter() - started)
        self._metrics.open_rooms.inc()
        log.info(
            "room opened",
            extra={
                "board": self.board_id,
                "updates": len(saved.updates),
                "seconds": round(time.perf_counter() - started, 4),
            },
        )

    def status(self) -> policy.BoardStatus:
        """What the facilitator has decided, as the board says it now."""
        if self._status is None or self._status_of != self._staging.meta_changes:
            meta = self.doc.get("meta", type=Map)
            self._status = policy.BoardStatus(
                closed=meta.get("status") == "closed", locked=meta.get("locked") is True
            )
            self._status_of = self._staging.meta_changes
        return self._status

    async def change_as_server(self, change: ServerChange) -> None:
        """Make `change` through the same pipeline; returns once it is stored and sent."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        await self._inbox.put(_Submission(None, server_change=change, done=done))
        await done

    def disconnect(self, who: Callable[[BoardGrant], bool], reason: ConnectionClosed) -> int:
        """Close the connections of everyone `who` picks; returns how many."""
        chosen = [member for member in self.members if who(member.grant)]
        for member in chosen:
            member.close(reason)
        return len(chosen)

    def connected(self) -> list[BoardGrant]:
        return [member.grant for member in self.members if not member.closed]

    # connections

    def join(self, connection: Connection) -> None:
        self.members.add(connection)
        connection.send(protocol.sync_step1(self.doc.get_state()))
        present = self._presence.present()
        if present:
            connection.send(protocol.awareness(present))
        if not connection.grant.role.may_edit:
            connection.send(protocol.permission_denied("read-only: you can watch this board"))
        if connection.grant.role is not Role.VIEWER:
            self._record_participant(connection)

    def leave(self, connection: Connection) -> None:
        self.members.discard(connection)
        removals = self._presence.remove_owner(connection)
        if removals:
            message = protocol.awareness(removals)
            self._broadcast(message, exclude=connection)
            self._fanout.publish(self.board_id, AWARENESS, message)

    async def receive(self, connection: Connection, data: bytes) -> None:
        """Handle one message from `connection`; raises ConnectionClosed to close it."""
        message = protocol.decode(data)
        if self._can_answer_now(message):
            self._answer_now(connection, message)
        elif isinstance(message, protocol.SyncStep1):
            await self._until_settled()
            self._answer_step1(connection, message.state_vector)
        elif isinstance(message, protocol.SyncUpdate):
            await self._inbox.put(_Submission(connection, update=message.update))

    def receive_now(
        self, connection: Connection, data: bytes, admit: Callable[[bytes], None]
    ) -> bool:
        """`receive`, for a message that needs no waiting, after `admit(data)` (which raises
        ConnectionClosed to refuse it). False, with nothing done, for a message that would
        have to wait: the caller then hands it to `receive`."""
        message = protocol.decode(data)
        if not self._can_answer_now(message):
            return False
        admit(data)
        self._answer_now(connection, message)
        return True

    def _can_answer_now(self, message: protocol.Message) -> bool:
        """Everything but an update that finds the room busy (or a store that waits), and a
        sync step 1 while a batch is being stored."""
        if isinstance(message, protocol.SyncUpdate):
            return self._idle() and self._store.appends_at_once
        if isinstance(message, protocol.SyncStep1):
            return self._settled.is_set()
        return True

    def _answer_now(self, connection: Connection, message: protocol.Message) -> None:
        if isinstance(message, protocol.SyncUpdate):
            self._process_now(_Submission(connection, update=message.update))
        elif isinstance(message, protocol.SyncStep1):
            self._answer_step1(connection, message.state_vector)
        else:
            self._answer_presence(connection, message)

    def _answer_presence(self, connection: Connection, message: protocol.Message) -> None:
        if isinstance(message, protocol.AwarenessUpdate):
            if connection.grant.role.may_edit:
                entries = self._client_ids.presence_of(connection, message.entries)
                accepted = self._presence.apply(connection, entries)
                self._client_ids.taken(connection, accepted.changes + accepted.renewals)
                if accepted.changes:
                    self._relay_awareness(accepted.changes, exclude=connection)
                if accepted.renewals:
                    self._renew_later(accepted.renewals)
        else:
            connection.send(protocol.awareness(self._presence.present()))

    def _relay_awareness(
        self, entries: list[AwarenessEntry], exclude: Connection | None = None
    ) -> None:
        relayed = protocol.awareness(entries)
        self._broadcast(relayed, exclude=exclude)
        self._fanout.publish(self.board_id, AWARENESS, relayed)

    def _renew_later(self, renewals: list[AwarenessEntry]) -> None:
        for entry in renewals:
            self._renewals[entry.client_id] = entry
        if self._renewing is None:
            self._renewing = asyncio.get_running_loop().call_later(
                RENEWAL_DELAY_SECONDS, self._send_renewals
            )

    def _send_renewals(self) -> None:
        """The renewals of the last moments, in one message to everyone: its sender's own
        renewal in it is no newer than what that client holds, so it changes nothing there."""
        self._renewing = None
        current = self._presence.current(list(self._renewals.values()))
        self._renewals.clear()
        if current and self.state is RoomState.OPEN:
            self._relay_awareness(current)

    def _stop_timers(self) -> None:
        for timer in (self._renewing, self._sweeping):
            if timer is not None:
                timer.cancel()
        self._renewing = self._sweeping = None

    def _answer_step1(self, connection: Connection, state_vector: bytes) -> None:
        try:
            missing = self.doc.get_update(state_vector)
        except Exception as error:
            raise ConnectionClosed(CloseCode.MALFORMED_MESSAGE, "Bad state vector.") from error
        connection.send(protocol.sync_step2(missing))
        # From here on this client gets every update applied to the live document.
        connection.synced = True

    def _broadcast(
        self, message: bytes | DocumentUpdate, exclude: Connection | None = None
    ) -> None:
        frame = message.frame if isinstance(message, DocumentUpdate) else binary_frame(message)
        direct = Connection.send_to_each(self.members, message, frame, exclude)
        if direct:
            self._metrics.sent_direct.inc(direct)
            self._metrics.bytes_out.inc(direct * len(frame))

    def _record_participant(self, connection: Connection) -> None:
        grant = connection.grant

        def add(roots: dict[str, Any]) -> None:
            participants = roots["participants"]
            if grant.participant_id not in participants:
                participants[grant.participant_id] = Map(
                    {
                        "name": grant.name[:200],
                        "role": grant.role.value,
                        "joined": datetime.now(UTC).isoformat(timespec="seconds"),
                    }
                )

        self._inbox.put_nowait(_Submission(None, server_change=add))

    # the pipeline

    async def _work(self) -> None:
        try:
            stopping = False
            while not stopping:
                batch = [await self._inbox.get()]
                while not self._inbox.empty() and len(batch) < _BATCH:
                    batch.append(self._inbox.get_nowait())
                stopping = any(s.is_stop for s in batch)
                await self._process([s for s in batch if not s.is_stop])
        except Exception:
            self._failed_processing()

    def _idle(self) -> bool:
        """Open, nothing waiting for the worker, no batch between staging and storing."""
        return self.state is RoomState.OPEN and self._inbox.empty() and self._settled.is_set()

    def _process_now(self, submission: _Submission) -> None:
        """Take an update that finds the room idle through the pipeline at once, sparing the
        hand-over to the worker. Nothing in it waits when the store appends at once, so it
        runs whole before any other update, as in the worker."""
        try:
            self._accept_now([submission])
        except Exception:
            self._failed_processing()
            return
        if self._refusals:
            recording = asyncio.create_task(self._record_refusals(), name="refusals")
            self._recordings.add(recording)
            recording.add_done_callback(self._recordings.discard)

    def _failed_processing(self) -> None:
        """What went wrong in the pipeline is not one update's fault: the room stops."""
        log.exception("room failed", extra={"board": self.board_id})
        self.fail()

    async def _process(self, batch: list[_Submission]) -> None:
        try:
            await self._accept(batch)
        except Exception as error:
            for submission in batch:
                if submission.done is not None and not submission.done.done():
                    submission.done.set_exception(error)
            raise
        for submission in batch:
            if submission.done is not None and not submission.done.done():
                submission.done.set_result(None)
        await self._record_refusals()

    async def _record_refusals(self) -> None:
        refusals, self._refusals = self._refusals, []
        for grant, reason in refusals:
            await self._refusal_digest.record(
                actor_id=grant.participant_id,
                actor_name=grant.name,
                board_id=self.board_id,
                case_id=self.board.case_id,
                role=grant.role.value,
                reason=reason,
            )

    async def _accept(self, batch: list[_Submission]) -> None:
        self._settled.clear()
        try:
            accepted = self._stage_batch(batch)
            started = time.perf_counter()
            local = self._log_entries(accepted)
            try:
                if local:
                    await self._store.append(local)
            except Exception as error:
                self._not_stored(batch, accepted, error)
                return
            self._stored(accepted, local, started)
        finally:
            self._settled.set()

    def _accept_now(self, batch: list[_Submission]) -> None:
        """`_accept`, for a store that appends at once: nothing else runs meanwhile, so
        nobody needs telling that the document holds what is not stored yet."""
        accepted = self._stage_batch(batch)
        started = time.perf_counter()
        local = self._log_entries(accepted)
        try:
            if local:
                self._store.append_now(local)
        except Exception as error:
            self._not_stored(batch, accepted, error)
            return
        self._stored(accepted, local, started)

    def _stage_batch(self, batch: list[_Submission]) -> list[tuple[Connection | None, bytes, str]]:
        accepted: list[tuple[Connection | None, bytes, str]] = []
        for submission in batch:
            staged = self._stage(submission, accepted)
            if staged is not None:
                accepted.append(staged)
        return accepted

    def _log_entries(self, accepted: list[tuple[Connection | None, bytes, str]]) -> list[LogEntry]:
        board_id = self.board.id
        return [
            LogEntry(board_id, update, author)
            for _, update, author in accepted
            if author != REMOTE_AUTHOR
        ]

    def _stored(
        self,
        accepted: list[tuple[Connection | None, bytes, str]],
        local: list[LogEntry],
        started: float,
    ) -> None:
        """The batch is stored: settle it, send it to everyone else."""
        if not accepted:
            return
        self._metrics.store_latency.observe(time.perf_counter() - started)
        self._staging.settle(update for _, update, _ in accepted)
        for connection, update, author in accepted:
            self._broadcast(DocumentUpdate.of(update), exclude=connection)
            if author != REMOTE_AUTHOR:
                self._fanout.publish(self.board.id, UPDATE, update)
        self._metrics.updates_accepted.inc(len(local))
        self._updates_since_compaction += len(local)
        if self._updates_since_compaction >= self._settings.compact_after_updates:
            self.start_compaction()

    def _not_stored(
        self,
        batch: list[_Submission],
        accepted: list[tuple[Connection | None, bytes, str]],
        error: Exception,
    ) -> None:
        log.exception("store failed; updates not accepted", extra={"board": self.board_id})
        self._staging.take_back()
        for connection, _, _ in accepted:
            if connection is not None:
                connection.close(ConnectionClosed(CloseCode.INTERNAL_ERROR))
        for submission in batch:
            if submission.done is not None and not submission.done.done():
                submission.done.set_exception(error)

    def _stage(
        self, submission: _Submission, accepted: list[tuple[Connection | None, bytes, str]]
    ) -> tuple[Connection | None, bytes, str] | None:
        connection = submission.connection
        if connection is not None and connection.closed:
            return None  # later updates of a refused client build on what was refused
        if submission.remote:
            return self._stage_remote(submission, accepted)
        try:
            if submission.server_change is not None:
                update = self._staging.change_as_server(submission.server_change, SERVER_AUTHOR)
                return (None, update, SERVER_AUTHOR) if update else None
            assert connection is not None and submission.update is not None
            update = connection.take_held(submission.update)
            status = self.status()  # as the board was before this update
            if connection.held_since and needs_unknown(update, self.doc.get_state()):
                self._hold(connection, update, tried=False)  # not worth a try and a rebuild
                return None
            try:
                change = self._staging.stage(update)
            except MissingHistory:
                self._staging.take_back(u for _, u, _ in accepted)
                self._hold(connection, update, tried=True)
                return None
            connection.end_hold()
            policy.check(connection.grant, change, status, self._staging.roots)
            self._client_ids.check_update(connection.grant, change.clients)
        except ConnectionClosed as refusal:
            self._staging.take_back(u for _, u, _ in accepted)
            self._refuse(connection, refusal)
            return None
        if change.is_empty:
            return None
        return connection, update, connection.grant.participant_id

    def _hold(self, connection: Connection, update: bytes, *, tried: bool) -> None:
        """Hold `update` for the history it builds on (raises MissingHistory if it has
        waited long enough); its deadline is set by the first update held."""
        first = connection.held_since == 0.0
        connection.hold(update, tried=tried)
        if connection.held_too_long:
            raise MissingHistory
        if first:
            asyncio.get_running_loop().call_later(
                connection.hold_seconds, self._expire_held, connection, connection.held_since
            )

    def _stage_remote(
        self, submission: _Submission, accepted: list[tuple[Connection | None, bytes, str]]
    ) -> tuple[Connection | None, bytes, str] | None:
        """Another process accepted and stored this; show it here too. If it does not fit
        (we missed something while the link was down), catch up from the store instead."""
        assert submission.update is not None
        try:
            change = self._staging.stage(submission.update)
        except ConnectionClosed:
            self._staging.take_back(u for _, u, _ in accepted)
            self._catching_up = asyncio.create_task(self.catch_up(), name="catch-up")
            return None
        return None if change.is_empty else (None, submission.update, REMOTE_AUTHOR)

    def _from_elsewhere(self, kind: int, payload: bytes) -> None:
        if self.state is not RoomState.OPEN:
            return
        if kind == UPDATE:
            try:
                self._inbox.put_nowait(_Submission(None, update=payload, remote=True))
            except asyncio.QueueFull:
                self._catching_up = asyncio.create_task(self.catch_up(), name="catch-up")
        elif kind == AWARENESS:
            self._show_remote_presence(payload)

    def _show_remote_presence(self, payload: bytes) -> None:
        """Awareness from another process's clients. Kept here under no connection of
        ours, so that our clients sending it back (y-websocket returns every awareness
        message it gets) cannot take it over, and take it along when they leave."""
        try:
            message = protocol.decode(payload)
        except MalformedMessage:
            log.warning("unreadable awareness from another process", extra={"board": self.board_id})
            return
        if not isinstance(message, protocol.AwarenessUpdate):
            return
        accepted = self._presence.apply(ANOTHER_PROCESS, message.entries)
        shown = accepted.changes + accepted.renewals
        if shown:
            self._broadcast(protocol.awareness(shown))
            self._sweep_later()

    def _sweep_later(self) -> None:
        if self._sweeping is None:
            self._sweeping = asyncio.get_running_loop().call_later(
                self._settings.presence_timeout_seconds / 2, self._sweep_remote_presence
            )

    def _sweep_remote_presence(self) -> None:
        """Forget the states of other processes' clients that stopped renewing them, as
        every Yjs client does after 30 s: a process that dies says nobody left. Until then
        its clients, reconnecting here, could not set their own states again."""
        self._sweeping = None
        if self.state is not RoomState.OPEN:
            return
        timeout = self._settings.presence_timeout_seconds
        removals = self._presence.expire(ANOTHER_PROCESS, time.monotonic() - timeout)
        if removals:
            self._broadcast(protocol.awareness(removals))
        if self._presence.owns_any(ANOTHER_PROCESS):
            self._sweep_later()

    async def catch_up(self) -> None:
        """Bring the live board level with the store: what other processes stored while
        we did not hear from them."""
        try:
            saved = await self._store.load(self.board_id)
        except StoreUnavailable as error:
            # What waits for it expires and is refused (4403): that client starts afresh.
            log.warning(
                "catching up: the database is away", extra={"board": self.board_id,
                                                           "error": str(error)}
            )
            return
        stored: Doc[Any] = Doc()
        for update in saved.in_order:
            stored.apply_update(update)
        missing = stored.get_update(self.doc.get_state())
        if self.state is RoomState.OPEN:
            await self._inbox.put(_Submission(None, update=missing, remote=True))

    def _expire_held(self, connection: Connection, held_since: float) -> None:
        """What it builds on never came: the client must start again from the board.
        (The same hold, not the clock, is checked: timers may fire a hair early.)"""
        if (
            connection.held is not None
            and connection.held_since == held_since
            and (not connection.closed)
        ):
            connection.end_hold()
            self._refuse(connection, MissingHistory())

    def _refuse(self, connection: Connection | None, refusal: ConnectionClosed) -> None:
        reason = "malformed" if refusal.code is CloseCode.MALFORMED_MESSAGE else "policy"
        self._metrics.updates_refused.labels(reason=reason).inc()
        if connection is None:
            log.error(
                "server change refused", extra={"board": self.board_id, "reason": refusal.reason}
            )
            return
        grant = connection.grant
        self._refusals.append((grant, refusal.reason))
        log.warning(
            "update refused",
            extra={
                "board": self.board_id,
                "participant": grant.participant_id,
                "role": grant.role.value,
                "reason": refusal.reason,
                "detail": getattr(refusal, "detail", None) or str(refusal.__cause__ or ""),
            },
        )
        if isinstance(refusal, UpdateRefused):
            connection.send(protocol.permission_denied(refusal.reason))
        connection.close(refusal)

    # compaction and shutdown

    def start_compaction(self) -> None:
        if self._compaction is None or self._compaction.done():
            self._updates_since_compaction = 0
            self._compaction = asyncio.create_task(self._compact(), name=f"compact-{self.board_id}")

    async def _compact(self) -> None:
        try:
            result = await self._store.compact(self.board_id)
        except Exception:
            log.exception("compaction failed; the log is kept", extra={"board": self.board_id})
            return
        if result is not None:
            self._metrics.compactions.inc()
            log.info(
                "log compacted",
                extra={
                    "board": self.board_id,
                    "updates": result.updates_compacted,
                    "bytes": result.snapshot_bytes,
                },
            )

    async def close(self, code: CloseCode = CloseCode.GOING_AWAY) -> None:
        """Finish the pipeline, close every connection, compact the log."""
        if self.state is not RoomState.OPEN:
            return
        self._move_to(RoomState.CLOSING)
        self._stop_timers()
        self._fanout.unsubscribe(self.board_id)
        for member in list(self.members):
            member.close(ConnectionClosed(code))
        await self._drain()
        if self._recordings:
            await asyncio.gather(*self._recordings)
        await self._refusal_digest.flush()
        if self._compaction is not None:
            await self._compaction
        if self._updates_since_compaction:
            await self._compact()
        self._move_to(RoomState.CLOSED)
        self._metrics.open_rooms.dec()

    async def _drain(self) -> None:
        """Let the worker finish everything submitted so far, then stop."""
        if self._worker is None or self._worker.done():
            return
        await self._inbox.put(_Submission(None))
        await self._worker

    def fail(self) -> None:
        if self.state in (RoomState.CLOSED, RoomState.FAILED):
            return
        was_open = self.state in (RoomState.OPEN, RoomState.CLOSING)
        self.state = RoomState.FAILED
        self._stop_timers()
        self._fanout.unsubscribe(self.board_id)
        if was_open:
            self._metrics.open_rooms.dec()
        for member in list(self.members):
            member.close(ConnectionClosed(CloseCode.INTERNAL_ERROR))
