"""Who is here: the awareness states of a room, each owned by the connection that set it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from server.sync.protocol import AwarenessEntry

Owner = TypeVar("Owner")


@dataclass
class _State(Generic[Owner]):
    clock: int
    state: str
    owner: Owner


class Presence(Generic[Owner]):
    """Awareness as y-protocols defines it, with one rule added: a connection may only
    change the states of the client ids it introduced, so nobody can speak for another."""

    def __init__(self) -> None:
        self._states: dict[int, _State[Owner]] = {}

    def apply(self, owner: Owner, entries: tuple[AwarenessEntry, ...]) -> list[AwarenessEntry]:
        """Take what `owner` may change; returns the entries to pass on to the others."""
        changed = []
        for entry in entries:
            current = self._states.get(entry.client_id)
            if current is not None and current.owner is not owner:
                continue
            newer = current is None or entry.clock > current.clock
            removal = current is not None and entry.clock == current.clock and entry.state == "null"
            if not (newer or removal):
                continue
            self._states[entry.client_id] = _State(entry.clock, entry.state, owner)
            changed.append(entry)
        return changed

    def present(self) -> list[AwarenessEntry]:
        return [
            AwarenessEntry(client_id, s.clock, s.state)
            for client_id, s in self._states.items()
            if s.state != "null"
        ]

    def remove_owner(self, owner: Owner) -> list[AwarenessEntry]:
        """Forget everything `owner` set; returns the removals to tell the others."""
        gone = [cid for cid, s in self._states.items() if s.owner is owner]
        removals = []
        for client_id in gone:
            state = self._states.pop(client_id)
            if state.state != "null":
                removals.append(AwarenessEntry(client_id, state.clock + 1, "null"))
        return removals

    def __len__(self) -> int:
        return sum(1 for s in self._states.values() if s.state != "null")
