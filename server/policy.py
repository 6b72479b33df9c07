"""What each role may change on a board. The room asks this for every update.

facilitator: everything, while the meeting is open.
participant: add cards, statements, network members and proposed plan rules, and give their
    own rating; edit or remove only what they wrote themselves, and of their plan rules only
    those not agreed yet; nothing while the board is locked; never the board's settings,
    others' work, or who wrote what.
viewer: nothing.

The rules are a table, in server/rules.py; this module finds the cell each change falls in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pycrdt import Array

from server.access.roles import Role
from server.access.tokens import BoardGrant
from server.errors import UpdateRefused
from server.rules import AGREED, ITEM, PARTS, Action, BoardState, Whose, may
from server.sync.staging import Change, Touch, author_of, status_of

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
    """Judge one touch by the table (server/rules.py): which part, the item's state before
    the update, whose it is, and what the touch does to it."""
    if touch.root in SETTINGS:
        raise UpdateRefused("Only the facilitator changes the board's settings.")
    if touch.root == "scales":
        _check_rating(me, touch)
        return
    root = board[touch.root]
    if not isinstance(root, Array):
        raise UpdateRefused("Only the facilitator changes this part of the board.")
    if touch.index is None:
        for author, status in touch.removed:
            _judge(touch.root, status, author == me, Action.DELETE)
        for element in touch.inserted:
            _judge(touch.root, status_of(element), author_of(element) == me, Action.ADD)
        return
    keys = touch.changed_keys if len(touch.path) == 1 else None  # typing changes no key
    if keys and not FIXED_FIELDS.isdisjoint(keys):
        raise UpdateRefused("Who wrote an item, and when, cannot be changed.")
    if len(touch.path) != 1:
        action = Action.EDIT_TEXT
    elif keys and "status" in keys:
        action = Action.SET_STATUS
    else:
        action = Action.EDIT_FIELD
    _judge(touch.root, touch.status, touch.author == me, action)


def _check_rating(me: str, touch: Touch) -> None:
    if len(touch.path) != 2 or touch.path[1] != "ratings":
        raise UpdateRefused("You can give your own rating, not change the scales.")
    keys = touch.changed_keys
    own = set(keys) <= {me}
    for change in keys.values() or ({"action": "update"},):
        action = _KEY_ACTIONS.get(str(change.get("action")), Action.EDIT_FIELD)
        if not may(Role.PARTICIPANT, BoardState.OPEN, "ratings", ITEM, _whose(own), action):
            raise UpdateRefused("You can give your own rating, not change the scales.")


_KEY_ACTIONS = {"add": Action.ADD, "update": Action.EDIT_FIELD, "delete": Action.DELETE}


def _whose(own: bool) -> Whose:
    return Whose.OWN if own else Whose.OTHERS


def _judge(part: str, status: str | None, own: bool, action: Action) -> None:
    """Raise UpdateRefused unless a participant may do `action` to an item of `part` in
    `status` on an open board (a locked or closed board was refused before)."""
    states, _ = PARTS[part]
    state = status if part == "plan" else ITEM
    if state is None or state not in states:
        raise UpdateRefused("You can propose a rule; the facilitator agrees it.")
    if may(Role.PARTICIPANT, BoardState.OPEN, part, state, _whose(own), action):
        return
    if not own:
        raise UpdateRefused(_NOT_YOURS[action])
    if action in (Action.ADD, Action.SET_STATUS):
        raise UpdateRefused("You can propose a rule; the facilitator agrees it.")
    if state == AGREED:
        raise UpdateRefused("This rule was agreed; only the facilitator changes it now.")
    raise UpdateRefused("Only the facilitator changes this.")


_NOT_YOURS = {
    Action.ADD: "New items must carry your own name.",
    Action.DELETE: "You can remove only what you wrote yourself.",
    Action.EDIT_TEXT: "You can change only what you wrote yourself.",
    Action.EDIT_FIELD: "You can change only what you wrote yourself.",
    Action.SET_STATUS: "You can change only what you wrote yourself.",
}
