"""The registry of open rooms: one get-or-create per board, load before serving, evict later."""

from __future__ import annotations

import asyncio
import logging

from server.audit import Audit
from server.errors import CloseCode
from server.fanout import Fanout, HistoryFanout
from server.metrics import Metrics
from server.settings import Settings
from server.store import BoardRecord, Store
from server.sync.room import Room, RoomState
from shared_schema import BoardSchema

log = logging.getLogger(__name__)


class Rooms:
    """Concurrent joins of one board share one load (`_loading`); a room that is being
    evicted finishes storing and compacting (`_closing`) before the board loads again."""

    def __init__(
        self,
        store: Store,
        schema: BoardSchema,
        settings: Settings,
        metrics: Metrics,
        audit: Audit,
        fanout: Fanout,
    ) -> None:
        self._store = store
        self._audit = audit
        self._fanout = fanout
        self._schema = schema
        self._settings = settings
        self._metrics = metrics
        self._rooms: dict[str, Room] = {}
        self._loading: dict[str, asyncio.Task[Room]] = {}
        self._closing: dict[str, asyncio.Task[None]] = {}
        self._evictions: dict[str, asyncio.Task[None]] = {}

    def __len__(self) -> int:
        return len(self._rooms)

    def get(self, board_id: str) -> Room | None:
        return self._rooms.get(board_id)

    async def acquire(self, board: BoardRecord) -> Room:
        """The open room of `board`, loaded if need be; pair every call with release()."""
        while True:
            room = self._rooms.get(board.id)
            if room is not None and room.state is RoomState.OPEN:
                room.references += 1
                eviction = self._evictions.pop(board.id, None)
                if eviction is not None:
                    eviction.cancel()
                return room
            if room is not None:  # failed: forget it, load afresh
                self._forget(room)
            loading = self._loading.get(board.id)
            if loading is None:
                loading = asyncio.create_task(self._load(board), name=f"load-{board.id}")
                self._loading[board.id] = loading
            await asyncio.shield(loading)

    async def _load(self, board: BoardRecord) -> Room:
        try:
            closing = self._closing.get(board.id)
            if closing is not None:
                await asyncio.shield(closing)
            room = Room(
                board,
                self._store,
                self._schema,
                self._settings,
                self._metrics,
                self._audit,
                HistoryFanout(self._fanout, board.epoch),
            )
            await room.load()
            self._rooms[board.id] = room
            return room
        finally:
            del self._loading[board.id]

    def release(self, room: Room) -> None:
        room.references -= 1
        if room.references > 0 or self._rooms.get(room.board_id) is not room:
            return
        if room.state is not RoomState.OPEN:
            self._forget(room)
            return
        self._evictions[room.board_id] = asyncio.create_task(
            self._evict_later(room), name=f"evict-{room.board_id}"
        )

    async def _evict_later(self, room: Room) -> None:
        await asyncio.sleep(self._settings.room_idle_seconds)
        if room.references == 0 and self._rooms.get(room.board_id) is room:
            self._evictions.pop(room.board_id, None)
            await self._close(room, CloseCode.GOING_AWAY)

    async def _close(self, room: Room, code: CloseCode) -> None:
        self._forget(room)
        task = asyncio.create_task(room.close(code), name=f"close-{room.board_id}")
        self._closing[room.board_id] = task
        try:
            await task
        except Exception:
            log.exception("room did not close cleanly", extra={"board": room.board_id})
        finally:
            if self._closing.get(room.board_id) is task:
                del self._closing[room.board_id]

    def _forget(self, room: Room) -> None:
        if self._rooms.get(room.board_id) is room:
            del self._rooms[room.board_id]

    async def catch_up_all(self) -> None:
        """After the fan-out link comes back: every open board, level with the store."""
        for room in list(self._rooms.values()):
            if room.state is RoomState.OPEN:
                await room.catch_up()

    async def close_all(self) -> None:
        for eviction in self._evictions.values():
            eviction.cancel()
        self._evictions.clear()
        await asyncio.gather(
            *(self._close(room, CloseCode.GOING_AWAY) for room in list(self._rooms.values()))
        )
