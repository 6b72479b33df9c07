"""What each role may change on a board. The room asks this for every update.

facilitator: everything, while the meeting is open.
participant: add cards, statements, network members and proposed plan rules, and give their
    own rating; edit or remove only what they wrote themselves; nothing while the board is
    locked; never the board's settings, others' work, or who wrote what.
viewer: nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pycrdt import Array, Map

from server.access.roles import Role
from server.access.tokens import BoardGrant
from server.errors import UpdateRefused
from server.sync.staging import Change, Touch, author_of

SETTINGS = frozenset({"meta", "participants"})
FIXED_FIELDS = frozenset({"id", "author", "author_name", "created", "carried_over"})


@dataclass(frozen=True)
class BoardStatus:
    """The board as it was before the update: what the facilitator has decided."""

    closed: bool
    locked: bool


def check(
    grant: BoardGrant, change: Change, status: BoardStatus, board: Mapping[str, object]
) -> None:
    """Raise UpdateRefused if `grant` may not make `change`. `board` maps each root name to
    its shared type in the staging document, after the update."""
    if change.is_empty:
        return
    if status.closed:
        raise UpdateRefused("The meeting has ended; the board no longer changes.")
    if grant.role is Role.VIEWER:
        raise UpdateRefused("You can only watch this board.")
    if grant.role is Role.FACILITATOR:
        return
    if status.locked:
        raise UpdateRefused("The facilitator has paused changes for now.")
    for touch in change.touches:
        _check_participant(grant.participant_id, touch, board)


def _check_participant(me: str, touch: Touch, board: Mapping[str, object]) -> None:
    if touch.root in SETTINGS:
        raise UpdateRefused("Only the facilitator changes the board's settings.")
    if touch.root == "scales":
        own_rating = (
            len(touch.path) == 2 and touch.path[1] == "ratings" and set(touch.changed_keys) <= {me}
        )
        if not own_rating:
            raise UpdateRefused("You can give your own rating, not change the scales.")
        return
    root = board[touch.root]
    if not isinstance(root, Array):
        raise UpdateRefused("Only the facilitator changes this part of the board.")
    if touch.index is None:
        _check_added_and_removed(me, touch)
        return
    keys = touch.changed_keys if len(touch.path) == 1 else None  # typing changes no key
    if keys and not FIXED_FIELDS.isdisjoint(keys):
        raise UpdateRefused("Who wrote an item, and when, cannot be changed.")
    if touch.author != me:
        raise UpdateRefused("You can change only what you wrote yourself.")
    if keys:
        status = keys.get("status", {}).get("newValue")
        if touch.root == "plan" and status not in (None, "proposed"):
            raise UpdateRefused("You can propose a rule; the facilitator agrees it.")


def _check_added_and_removed(me: str, touch: Touch) -> None:
    if any(author != me for author in touch.removed_authors):
        raise UpdateRefused("You can remove only what you wrote yourself.")
    for element in touch.inserted:
        if author_of(element) != me:
            raise UpdateRefused("New items must carry your own name.")
        proposed = isinstance(element, Map) and element.get("status") == "proposed"
        if touch.root == "plan" and not proposed:
            raise UpdateRefused("You can propose a rule; the facilitator agrees it.")
