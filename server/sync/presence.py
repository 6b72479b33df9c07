"""Who is here: the awareness states of a room, each owned by the connection that set it."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from server.sync.protocol import AwarenessEntry

Owner = TypeVar("Owner")

# A Yjs client renews its unchanged state every 15 s so that others, who forget a state
# after 30 s, keep it. A renewal can wait this long and go out with the room's other
# renewals: y-websocket sends every awareness message it receives straight back to the
# server, so each relayed message costs a message back from every client in the room.
RENEWAL_DELAY_SECONDS = 2.0


@dataclass
class Accepted:
    """What an awareness update changed, as the others should hear it."""

    changes: list[AwarenessEntry] = field(default_factory=list)  # pass on at once
    renewals: list[AwarenessEntry] = field(default_factory=list)  # may wait a little


@dataclass
class _State(Generic[Owner]):
    clock: int
    state: str
    owner: Owner
    updated: float  # time.monotonic() when its clock last moved


class Presence(Generic[Owner]):
    """Awareness as y-protocols defines it, with one rule added: a connection may only
    change the states of the client ids it introduced, so nobody can speak for another.
    An id is free again once its owner leaves, or, for states kept for another process,
    once they are not renewed in time (`expire`)."""

    def __init__(self) -> None:
        self._states: dict[int, _State[Owner]] = {}

    def apply(self, owner: Owner, entries: tuple[AwarenessEntry, ...]) -> Accepted:
        """Take what `owner` may change; returns the entries to pass on to the others."""
        accepted = Accepted()
        for entry in entries:
            current = self._states.get(entry.client_id)
            if current is None and entry.state == "null":
                # Nothing to remove. y-websocket returns each removal it is told of: taken
                # as a state, the id would belong to whoever echoed first, and its own client,
                # reconnecting, could not set it again.
                continue
            if current is not None and current.owner is not owner:
                continue
            newer = current is None or entry.clock > current.clock
            removal = current is not None and entry.clock == current.clock and entry.state == "null"
            if not (newer or removal):
                continue
            renewal = current is not None and newer and entry.state == current.state
            self._states[entry.client_id] = _State(
                entry.clock, entry.state, owner, time.monotonic()
            )
            (accepted.renewals if renewal else accepted.changes).append(entry)
        return accepted

    def current(self, entries: list[AwarenessEntry]) -> list[AwarenessEntry]:
        """Those of `entries` that are still the latest states (not since left or changed)."""
        latest = []
        for entry in entries:
            state = self._states.get(entry.client_id)
            if state is not None and state.clock == entry.clock:
                latest.append(entry)
        return latest

    def present(self) -> list[AwarenessEntry]:
        return [
            AwarenessEntry(client_id, s.clock, s.state)
            for client_id, s in self._states.items()
            if s.state != "null"
        ]

    def remove_owner(self, owner: Owner) -> list[AwarenessEntry]:
        """Forget everything `owner` set; returns the removals to tell the others."""
        return self._remove([cid for cid, s in self._states.items() if s.owner is owner])

    def expire(self, owner: Owner, updated_before: float) -> list[AwarenessEntry]:
        """Forget what `owner` set and has not renewed since `updated_before` (a monotonic
        time); returns the removals to tell the others."""
        return self._remove(
            [
                cid
                for cid, s in self._states.items()
                if s.owner is owner and s.updated < updated_before
            ]
        )

    def owns_any(self, owner: Owner) -> bool:
        return any(s.owner is owner for s in self._states.values())

    def _remove(self, gone: list[int]) -> list[AwarenessEntry]:
        removals = []
        for client_id in gone:
            state = self._states.pop(client_id)
            if state.state != "null":
                removals.append(AwarenessEntry(client_id, state.clock + 1, "null"))
        return removals

    def __len__(self) -> int:
        return sum(1 for s in self._states.values() if s.state != "null")
