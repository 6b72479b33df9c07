"""Signed, expiring capability tokens: one board, one role, one participant."""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, URLSafeSerializer

from server.access.roles import Role
from server.errors import InvalidToken

_SALT = "netwerkbord.board-token.v1"


@dataclass(frozen=True)
class BoardGrant:
    """What a valid token lets its holder do."""

    board_id: str
    role: Role
    participant_id: str
    name: str
    expires_at: int


def new_participant_id() -> str:
    return secrets.token_urlsafe(9)


class TokenSigner:
    def __init__(self, secret_key: str) -> None:
        self._serializer = URLSafeSerializer(secret_key, salt=_SALT)

    def issue(self, grant: BoardGrant) -> str:
        payload = {
            "b": grant.board_id,
            "r": grant.role.value,
            "p": grant.participant_id,
            "n": grant.name,
            "e": grant.expires_at,
        }
        return self._serializer.dumps(payload)

    def verify(self, token: str, board_id: str, *, now: float | None = None) -> BoardGrant:
        """The grant in `token`, if it is genuine, unexpired and for `board_id`."""
        try:
            payload = self._serializer.loads(token)
            grant = BoardGrant(
                board_id=str(payload["b"]),
                role=Role(payload["r"]),
                participant_id=str(payload["p"]),
                name=str(payload["n"]),
                expires_at=int(payload["e"]),
            )
        except (BadSignature, KeyError, TypeError, ValueError) as error:
            raise InvalidToken("The token is not genuine.") from error
        if grant.expires_at <= (time.time() if now is None else now):
            raise InvalidToken("The token has expired.")
        if grant.board_id != board_id:
            raise InvalidToken("The token is for another board.")
        return grant


def load_secret_key(data_dir: Path, configured: str | None) -> str:
    """The configured key, or one kept in the data directory (made on first use, mode 0600)."""
    if configured:
        return configured
    path = data_dir / "secret.key"
    data_dir.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Written aside and linked into place, so a second process never reads a half key.
        draft = path.with_name(f".secret.key.{os.getpid()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text("ascii").strip()
