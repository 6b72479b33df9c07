"""Our exceptions, and the one table of WebSocket close codes."""

from __future__ import annotations

from enum import IntEnum


class CloseCode(IntEnum):
    """Why the server closed a board connection. Documented in docs/protocol.md.

    4400-4499 tell a client not to reconnect as it is (y-websocket 3 stops retrying);
    4500-4599 and 1001/1011/1013 are passing: reconnecting is the right answer.
    """

    NORMAL = 1000
    GOING_AWAY = 1001
    MESSAGE_TOO_BIG = 1009
    INTERNAL_ERROR = 1011
    TRY_AGAIN_LATER = 1013
    MALFORMED_MESSAGE = 4400
    BAD_TOKEN = 4401
    UPDATE_REFUSED = 4403
    BOARD_NOT_FOUND = 4404
    TOO_SLOW = 4508
    BACKING_OFF = 4529
    TOO_MANY_CONNECTIONS = 4530
    EPOCH_MISMATCH = 4409
    BOARD_CLOSED = 4410
    TOO_MANY_MESSAGES = 4429
    ORIGIN_NOT_ALLOWED = 4430


# Closes for something the client sent: each counts against its token and address
# (server/sync/turnstile.py), and enough of them make it wait before connecting again.
CLIENT_FAULTS = frozenset(
    {
        CloseCode.MALFORMED_MESSAGE,
        CloseCode.UPDATE_REFUSED,
        CloseCode.TOO_MANY_MESSAGES,
        CloseCode.MESSAGE_TOO_BIG,
    }
)

# Close reasons go on the wire: at most 123 bytes, so short and plain.
CLOSE_REASONS: dict[CloseCode, str] = {
    CloseCode.GOING_AWAY: "The server is restarting; reconnecting.",
    CloseCode.MESSAGE_TOO_BIG: "Message too large.",
    CloseCode.INTERNAL_ERROR: "Server error; reconnecting.",
    CloseCode.TRY_AGAIN_LATER: "The database is not answering; reconnecting.",
    CloseCode.MALFORMED_MESSAGE: "Malformed message.",
    CloseCode.BAD_TOKEN: "This link is not valid (expired, revoked or for another board).",
    CloseCode.UPDATE_REFUSED: "Change refused.",
    CloseCode.BOARD_NOT_FOUND: "There is no such board.",
    CloseCode.TOO_SLOW: "Connection too slow to keep up; reconnecting.",
    CloseCode.BACKING_OFF: "Too many refused changes; wait a moment before connecting again.",
    CloseCode.TOO_MANY_CONNECTIONS: "Too many connections open for this person; close one.",
    CloseCode.EPOCH_MISMATCH: "The board was restored; reloading it.",
    CloseCode.BOARD_CLOSED: "This meeting has ended.",
    CloseCode.TOO_MANY_MESSAGES: "Too many messages; slow down.",
    CloseCode.ORIGIN_NOT_ALLOWED: "This page may not connect to the board.",
}


class ConnectionClosed(Exception):
    """Close this connection with a code from the table and a reason a person can read."""

    def __init__(self, code: CloseCode, detail: str | None = None) -> None:
        reason = CLOSE_REASONS.get(code, "")
        if detail:
            reason = f"{reason} {detail}".strip()
        super().__init__(reason)
        self.code = code
        self.reason = reason.encode("utf-8")[:123].decode("utf-8", "ignore")


class MalformedMessage(ConnectionClosed):
    def __init__(self, detail: str) -> None:
        super().__init__(CloseCode.MALFORMED_MESSAGE, detail)


class UpdateRefused(ConnectionClosed):
    """An update the sender's role or the schema does not allow; nothing of it was kept."""

    def __init__(self, detail: str) -> None:
        super().__init__(CloseCode.UPDATE_REFUSED, detail)
        self.detail = detail


class MissingHistory(UpdateRefused):
    """An update building on changes the server does not have (yet)."""

    def __init__(self) -> None:
        super().__init__("It builds on changes the board does not have.")


class StoreUnavailable(Exception):
    """The database does not answer (restarting, unreachable): nothing was stored, and
    trying again shortly is the right answer."""


class BoardNotFound(Exception):
    def __init__(self, board_id: str) -> None:
        super().__init__(f"There is no board with id {board_id!r}.")
        self.board_id = board_id


class InvalidToken(Exception):
    """A token that is forged, expired, malformed or for another board."""


class AccessRevoked(InvalidToken):
    """A genuine token whose holder was removed, or whose meeting has ended."""
