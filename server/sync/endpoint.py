"""The WebSocket adapter: admit, join the room, pump messages, leave."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from starlette.websockets import WebSocket

from server.access.admission import Admission
from server.access.roles import Role
from server.access.tokens import BoardGrant, TokenSigner
from server.audit import Audit
from server.errors import (
    AccessRevoked,
    CloseCode,
    ConnectionClosed,
    InvalidToken,
    StoreUnavailable,
)
from server.metrics import Metrics
from server.settings import Settings
from server.store import BoardRecord, Store
from server.sync.connection import Connection
from server.sync.room import Room
from server.sync.rooms import Rooms
from server.sync.turnstile import TURNED_AWAY_FOR_CAUSE, Limits, Turnstile, credential_of
from server.sync.wire import SCOPE_KEY as DIRECT_WRITER
from server.sync.wire import DirectWriter

log = logging.getLogger(__name__)

# A client may offer its token as a WebSocket subprotocol, `netwerkbord.token.<token>`,
# beside `netwerkbord`, which the server answers with: a header is in no request line, so
# in no proxy's log. `?token=` in the address stays accepted, for y-websocket's `params`.
SUBPROTOCOL = "netwerkbord"
TOKEN_SUBPROTOCOL = SUBPROTOCOL + ".token."


def _come_back(board_id: str, error: StoreUnavailable) -> ConnectionClosed:
    """The database is away: the client reconnects by itself (y-websocket does)."""
    log.warning("database unavailable; client told to come back",
                extra={"board": board_id, "error": str(error)})
    return ConnectionClosed(CloseCode.TRY_AGAIN_LATER)


def offered_token(subprotocols: list[str]) -> str | None:
    for offered in subprotocols:
        if offered.startswith(TOKEN_SUBPROTOCOL):
            return offered[len(TOKEN_SUBPROTOCOL) :]
    return None


def _presented(websocket: WebSocket) -> dict[str, str]:
    """The connection's query parameters, with the token it offered as a subprotocol."""
    query = dict(websocket.query_params)
    token = offered_token(websocket.scope.get("subprotocols") or [])
    if token is not None:
        query["token"] = token
    return query


class BoardEndpoint:
    """`/ws/boards/{board_id}`: the Yjs sync and awareness protocol, for whoever the
    token, the facilitator's session or the relative's join cookie says may come in."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        rooms: Rooms,
        signer: TokenSigner,
        admission: Admission,
        audit: Audit,
        metrics: Metrics,
    ) -> None:
        self._settings = settings
        self._store = store
        self._rooms = rooms
        self._signer = signer
        self._admission = admission
        self._audit = audit
        self._metrics = metrics
        self._origins = settings.origins()
        self._turnstile = Turnstile(
            Limits(
                settings.refusals_before_backoff,
                settings.address_refusals_before_backoff,
                settings.connections_per_participant,
                settings.connections_per_token,
            )
        )

    async def serve(self, websocket: WebSocket) -> None:
        offered = websocket.scope.get("subprotocols") or []
        await websocket.accept(subprotocol=SUBPROTOCOL if SUBPROTOCOL in offered else None)
        board_id = websocket.path_params["board_id"]
        presented = _presented(websocket)
        credential = credential_of(board_id, presented, websocket.cookies)
        address = websocket.client.host if websocket.client else None
        entered = await self._enter(websocket, board_id, presented, credential, address)
        if entered is None:
            return
        grant, board, room, seats = entered
        connection = Connection(
            websocket,
            grant,
            self._metrics,
            queue_limit=self._settings.send_queue_limit,
            messages_per_second=self._settings.messages_per_second,
            burst=self._settings.message_burst,
            hold_seconds=self._settings.hold_seconds,
            direct=websocket.scope.get(DIRECT_WRITER),
            on_fault=partial(self._turnstile.refused, credential, address),
        )
        connections = self._metrics.connections.labels(role=grant.role.value)
        connections.inc()
        connection.start()
        try:
            room.join(connection)
            await self._pump(websocket, connection, room)
        except ConnectionClosed as closing:
            connection.close(closing)
        finally:
            room.leave(connection)
            self._rooms.release(room)
            connections.dec()
            self._turnstile.leave(seats)
            await connection.finish()
            try:
                await self._record("left", grant, board)
            except StoreUnavailable as error:
                log.warning(
                    "database unavailable; leaving not audited",
                    extra={
                        "board": board.id,
                        "participant": grant.participant_id,
                        "error": str(error),
                    },
                )

    async def _enter(
        self,
        websocket: WebSocket,
        board_id: str,
        presented: dict[str, str],
        credential: str | None,
        address: str | None,
    ) -> tuple[BoardGrant, BoardRecord, Room, list[str]] | None:
        """Admit the connection, take its seats and its room, note that it joined; or close
        it with the reason and return None."""
        try:
            await self._turnstile.check_backoff(credential, address)  # before any work for it
            try:
                grant, board = await self._admit(websocket, board_id, presented)
            except StoreUnavailable as error:
                raise _come_back(board_id, error) from error
            seats = self._turnstile.enter(grant, credential)
        except ConnectionClosed as refusal:
            if refusal.code in TURNED_AWAY_FOR_CAUSE:
                self._turnstile.refused(credential, address)
            await self._refuse(websocket, board_id, refusal)
            return None
        try:
            room = await self._rooms.acquire(board)
            try:
                await self._record("joined", grant, board)
            except BaseException:
                self._rooms.release(room)
                raise
        except StoreUnavailable as error:
            self._turnstile.leave(seats)
            await self._refuse(websocket, board_id, _come_back(board_id, error))
            return None
        except BaseException:
            self._turnstile.leave(seats)
            raise
        return grant, board, room, seats

    async def _refuse(self, websocket: WebSocket, board_id: str, refusal: ConnectionClosed) -> None:
        self._metrics.connections_closed.labels(code=str(int(refusal.code))).inc()
        quietly = refusal.code is CloseCode.BACKING_OFF  # counted, not logged each time
        log.log(
            logging.DEBUG if quietly else logging.INFO,
            "connection refused",
            extra={"board": board_id, "code": int(refusal.code), "reason": refusal.reason},
        )
        await websocket.close(refusal.code, refusal.reason)

    async def _record(self, event: str, grant: BoardGrant, board: BoardRecord) -> None:
        extra = {"board": board.id, "participant": grant.participant_id, "role": grant.role.value}
        log.info(event, extra=extra)
        if grant.role is not Role.VIEWER:
            await self._audit.record(
                event,
                actor_id=grant.participant_id,
                actor_name=grant.name,
                board_id=board.id,
                case_id=board.case_id,
                role=grant.role.value,
            )

    async def _admit(
        self, websocket: WebSocket, board_id: str, query: dict[str, str]
    ) -> tuple[BoardGrant, BoardRecord]:
        origin = websocket.headers.get("origin")
        if origin is not None and origin not in self._origins:
            raise ConnectionClosed(CloseCode.ORIGIN_NOT_ALLOWED)
        board = await self._store.get_board(board_id)
        if board is None:
            raise ConnectionClosed(self._why_no_board(board_id, query.get("token", "")))
        try:
            grant = await self._admission.grant(board, query, websocket.cookies)
        except AccessRevoked as error:
            ended = board.status == "closed"
            code = CloseCode.BOARD_CLOSED if ended else CloseCode.BAD_TOKEN
            raise ConnectionClosed(code) from error
        except InvalidToken as error:
            raise ConnectionClosed(CloseCode.BAD_TOKEN) from error
        if board.status == "closed" and grant.role is not Role.FACILITATOR:
            raise ConnectionClosed(CloseCode.BOARD_CLOSED)
        epoch = query.get("epoch")
        if epoch is not None and epoch != board.epoch:
            raise ConnectionClosed(CloseCode.EPOCH_MISMATCH)
        return grant, board

    def _why_no_board(self, board_id: str, token: str) -> CloseCode:
        """Say a board does not exist only to someone holding a genuine token for it."""
        try:
            self._signer.verify(token, board_id)
        except InvalidToken:
            return CloseCode.BAD_TOKEN
        return CloseCode.BOARD_NOT_FOUND

    async def _pump(self, websocket: WebSocket, connection: Connection, room: Room) -> None:
        """Take the client's messages until it leaves or is closed: as they are read, where
        the socket allows it and nothing is queued ahead of them (server/fastpath/inbound.py),
        and through ASGI otherwise. The reader stands aside while a message from the queue
        is handled, so that nothing overtakes it."""
        direct: DirectWriter | None = websocket.scope.get(DIRECT_WRITER)
        reader = partial(self._read_now, connection, room, partial(self._admit_message, connection))
        try:
            while not connection.closed:
                if direct is not None:
                    direct.read_with(reader)
                message = await websocket.receive()
                if direct is not None:
                    direct.stop_reading()
                if message["type"] == "websocket.disconnect" or connection.closed:
                    return  # closed meanwhile, perhaps by a message the reader took
                data = message.get("bytes")
                if data is None:
                    raise ConnectionClosed(CloseCode.MALFORMED_MESSAGE, "Expected binary data.")
                self._take(connection, data)
                await room.receive(connection, data)
        finally:
            if direct is not None:
                direct.stop_reading()

    def _read_now(
        self, connection: Connection, room: Room, admit: Callable[[bytes], None], data: bytes
    ) -> bool:
        """One message as it is read; False if it has to wait its turn in the room."""
        if connection.closed:
            return True  # dropped: the ASGI way stops reading once a connection is closed
        try:
            return room.receive_now(connection, data, admit)
        except ConnectionClosed as closing:
            connection.close(closing)
        except Exception:
            log.exception("message failed", extra={"board": room.board_id})
            connection.close(ConnectionClosed(CloseCode.INTERNAL_ERROR))
        return True

    def _take(self, connection: Connection, data: bytes) -> None:
        """Count `data` against the connection's limits; raises ConnectionClosed past them.
        (A message read by server/fastpath/inbound.py is within the size limit already.)"""
        if len(data) > self._settings.max_message_bytes:
            raise ConnectionClosed(CloseCode.MESSAGE_TOO_BIG)
        self._admit_message(connection, data)

    def _admit_message(self, connection: Connection, data: bytes) -> None:
        self._metrics.bytes_in.inc(len(data))
        connection.take_message_allowance()
