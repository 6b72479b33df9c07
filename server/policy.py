"""What each role may change on a board. The server asks this for every update."""

from __future__ import annotations

from server.access.roles import Role
from server.access.tokens import BoardGrant
from server.errors import UpdateRefused
from server.sync.staging import Change


def check(grant: BoardGrant, change: Change) -> None:
    """Raise UpdateRefused if `grant` does not allow `change`."""
    if change.is_empty:
        return
    if grant.role is Role.VIEWER:
        raise UpdateRefused("You can only watch this board.")
