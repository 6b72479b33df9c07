"""The roles of a network meeting (see docs/security.md for what each may do)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    FACILITATOR = "facilitator"
    PARTICIPANT = "participant"
    VIEWER = "viewer"

    @property
    def may_edit(self) -> bool:
        return self is not Role.VIEWER
