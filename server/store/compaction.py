"""Folding a board's log into one snapshot, checked before anything is deleted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pycrdt import Doc, get_update

from server.crdt import decode_state_vector
from shared_schema import board_schema


class CompactionRefused(Exception):
    """The compacted state would not equal the log; nothing was changed."""


def fold(snapshot: bytes | None, updates: Sequence[bytes]) -> bytes:
    """The state of `snapshot` plus `updates`, as one update; raises if any would be lost."""
    doc: Doc[Any] = Doc()
    for update in ([snapshot] if snapshot else []) + list(updates):
        doc.apply_update(update)
    state_vector = doc.get_state()
    for update in updates:
        if get_update(update, state_vector)[0] != 0:
            raise CompactionRefused("an update in the log is not integrated (missing history)")
    state = doc.get_update()
    check: Doc[Any] = Doc()
    check.apply_update(state)
    same_state = decode_state_vector(check.get_state()) == decode_state_vector(state_vector)
    if not same_state or _rendering(check) != _rendering(doc):
        raise CompactionRefused("the compacted state differs from the log")
    return state


def _rendering(doc: Doc[Any]) -> dict[str, object]:
    return {name: root.to_py() for name, root in board_schema().roots_of(doc).items()}
