"""Who may change what on a board, as a table: role x board state x part x item state x whose
-> the actions allowed. server/policy.py reads it for every update; tests/sync/test_rules.py
tries every cell of it as a hostile relative would.

A part's item state is what the facilitator has decided about the item: a plan rule is
`proposed` or `agreed`; every other item has the one state `item`. An agreed rule is frozen
for everyone but the facilitator: its proposer may no longer reword it, change who or when,
or remove it. Parts without owners (the board's settings) are nobody's own.
"""

from __future__ import annotations

from enum import Enum
from itertools import product

from server.access.roles import Role


class Action(Enum):
    ADD = "add"
    EDIT_TEXT = "edit its text"
    EDIT_FIELD = "edit its fields"
    SET_STATUS = "change its status"
    DELETE = "delete"


class BoardState(Enum):
    OPEN = "open"
    LOCKED = "locked"
    CLOSED = "closed"


class Whose(Enum):
    OWN = "own"
    OTHERS = "someone else's"  # or the board's own: its settings belong to nobody


ITEM = "item"  # the one state of an item that has no status
PROPOSED = "proposed"
AGREED = "agreed"

SETTINGS = ("meta", "participants", "scales")
CARDS = ("worries", "working_well", "next_steps")
STATEMENTS = ("danger_statements", "safety_goals", "bottom_lines")

# Each part: its item states, and the actions that mean something there.
_EDITABLE = (Action.ADD, Action.EDIT_TEXT, Action.EDIT_FIELD, Action.DELETE)
PARTS: dict[str, tuple[tuple[str, ...], tuple[Action, ...]]] = {
    **{part: ((ITEM,), _EDITABLE) for part in CARDS},
    **{part: ((ITEM,), (Action.ADD, Action.EDIT_TEXT, Action.DELETE)) for part in STATEMENTS},
    "plan": ((PROPOSED, AGREED), (*_EDITABLE, Action.SET_STATUS)),
    "network": ((ITEM,), (Action.ADD, Action.EDIT_FIELD, Action.DELETE)),
    "ratings": ((ITEM,), (Action.ADD, Action.EDIT_FIELD, Action.DELETE)),  # a scale's ratings
    "meta": ((ITEM,), (Action.EDIT_FIELD,)),
    "participants": ((ITEM,), (Action.ADD, Action.EDIT_FIELD, Action.DELETE)),
    "scales": ((ITEM,), (Action.ADD, Action.EDIT_FIELD, Action.DELETE)),
}

_OWN_WORK = frozenset({Action.ADD, Action.EDIT_TEXT, Action.EDIT_FIELD, Action.DELETE})
_NOTHING: frozenset[Action] = frozenset()

# What a participant may do with their own items on an open board. Everything else a
# participant tries is refused: others' items, a locked or closed board, the settings.
PARTICIPANT_OWN: dict[tuple[str, str], frozenset[Action]] = {
    **{(part, ITEM): _OWN_WORK for part in (*CARDS, *STATEMENTS, "network", "ratings")},
    ("plan", PROPOSED): _OWN_WORK,  # proposing a rule, rewording it, taking it back
    ("plan", AGREED): _NOTHING,  # frozen: the meeting agreed to these words
    **{(part, ITEM): _NOTHING for part in SETTINGS},
}

Cell = tuple[Role, BoardState, str, str, Whose]


def _allowed(
    role: Role, board: BoardState, part: str, state: str, whose: Whose
) -> frozenset[Action]:
    _, actions = PARTS[part]
    if board is BoardState.CLOSED or role is Role.VIEWER:
        return _NOTHING
    if role is Role.FACILITATOR:
        return frozenset(actions)
    if board is BoardState.LOCKED or whose is Whose.OTHERS:
        return _NOTHING
    return PARTICIPANT_OWN[(part, state)] & frozenset(actions)


def _table() -> dict[Cell, frozenset[Action]]:
    table: dict[Cell, frozenset[Action]] = {}
    for part, (states, _) in PARTS.items():
        for role, board, state, whose in product(Role, BoardState, states, Whose):
            table[(role, board, part, state, whose)] = _allowed(role, board, part, state, whose)
    return table


TABLE: dict[Cell, frozenset[Action]] = _table()


def may(role: Role, board: BoardState, part: str, state: str, whose: Whose, action: Action) -> bool:
    return action in TABLE[(role, board, part, state, whose)]
