"""Who is who on a board's connections: which person each Yjs client id belongs to, and
presence that names people as their grant does, never as their client says.

A Yjs client id (`doc.clientID`, random per page) belongs to the participant who first
used it in this room: in an accepted update written under it, or in the first presence
state set for it. From then on nobody else may set presence for it, or write under it
(which, in Yjs, could make the owner's own later changes look already known and be
dropped). A connection speaks in presence for one client id only: its own, the first it
set a state for. Name, role and colour in a presence state come from the connection's
grant; of what the client says, only which item it is editing is passed on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from server.access.roles import Role
from server.access.tokens import BoardGrant
from server.errors import UpdateRefused
from server.sync.connection import Connection
from server.sync.protocol import AwarenessEntry

# A person's colour in presence, decided here: the pages get their own in their config.
COLORS = ("#b3261e", "#0b5cad", "#1d6b2f", "#8a4b00", "#6b2f8a", "#00687a", "#a1265c", "#3d5a00")
_EDITING_LENGTH = 64  # an item id is at most 64 characters (shared_schema's `id`)


def color_for(participant_id: str) -> str:
    hash_ = 0
    for unit in participant_id.encode("utf-16-le")[::2]:  # ids are ASCII: one unit each
        hash_ = (hash_ * 31 + unit) & 0xFFFFFFFF
    return COLORS[hash_ % len(COLORS)]


def stamped(state: str, grant: BoardGrant) -> str:
    """`state` as the others should see it: the person as the grant says, and what they
    are editing. (The state was checked to be a JSON object, or null, when it was read.)"""
    if state == "null":
        return state
    parsed = json.loads(state)
    user = {
        "id": grant.participant_id,
        "name": grant.name,
        "role": grant.role.value,
        "color": color_for(grant.participant_id),
    }
    shown: dict[str, object] = {"user": user}
    editing = parsed.get("editing") if isinstance(parsed, dict) else None
    if isinstance(editing, str) and len(editing) <= _EDITING_LENGTH:
        shown["editing"] = editing
    return json.dumps(shown, ensure_ascii=False, separators=(",", ":"))


class ClientIds:
    """The owners of the client ids seen in one room, for the room's life."""

    def __init__(self) -> None:
        self._owners: dict[int, str] = {}

    def owner(self, client_id: int) -> str | None:
        return self._owners.get(client_id)

    def check_update(self, grant: BoardGrant, clients: tuple[int, ...]) -> None:
        """Raise UpdateRefused if a participant writes under another person's client id.
        A local change is written under one client id: that one is claimed if nobody has.
        (A facilitator may pass on what others wrote; a participant's page never needs to.)"""
        me = grant.participant_id
        for client_id in clients:
            owner = self._owners.get(client_id)
            if owner is not None and owner != me and grant.role is not Role.FACILITATOR:
                raise UpdateRefused("This change is written under another person's connection.")
        if len(clients) == 1 and clients[0] not in self._owners:
            self._owners[clients[0]] = me

    def presence_of(
        self, connection: Connection, entries: Iterable[AwarenessEntry]
    ) -> tuple[AwarenessEntry, ...]:
        """The entries `connection` may set: those for its own client id (if it has none
        yet, the first it sets a state for that nobody else owns), stamped with its grant."""
        grant = connection.grant
        own = connection.client_id
        chosen = []
        for entry in entries:
            if own is None:
                owner = self._owners.get(entry.client_id)
                if entry.state == "null" or owner not in (None, grant.participant_id):
                    continue
                own = entry.client_id
            if entry.client_id == own:
                chosen.append(AwarenessEntry(own, entry.clock, stamped(entry.state, grant)))
        return tuple(chosen)

    def taken(self, connection: Connection, accepted: Iterable[AwarenessEntry]) -> None:
        """`connection`'s presence for these entries was taken: the id is its own now."""
        for entry in accepted:
            if connection.client_id is None:
                connection.client_id = entry.client_id
            self._owners.setdefault(entry.client_id, connection.grant.participant_id)
