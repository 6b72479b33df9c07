"""Every cell of the rules table (server/rules.py), judged in this process: the fast twin of
tests/sync/test_rules.py. The same meeting, the same actions, made on pycrdt documents; the
update goes through staging and the policy as the room calls them (tests/sync/board_desk.py),
without a server, a network or Node. Every role here, the viewer's and the facilitator's
cells too: each takes a millisecond."""

from __future__ import annotations

from typing import Any

import pytest
from pycrdt import Doc, Map

from server.access.roles import Role
from server.errors import UpdateRefused
from server.rules import AGREED, PARTS, PROPOSED, TABLE, Action, BoardState, Cell, Whose
from tests.sync.board_desk import Desk, item_map, meta, part, participants, pid, scales
from tests.sync.test_rules import KINDS, new_item

OTHER_STATE = {PROPOSED: AGREED, AGREED: PROPOSED}
SETTINGS = ("meta", "participants", "scales")


def cells() -> list[Any]:
    return [
        pytest.param(
            cell,
            action,
            id="-".join(
                (role.value, board.value, part_, state, whose.name.lower(), action.name.lower())
            )
            + ("-accepted" if action in allowed else "-refused"),
        )
        for cell, allowed in TABLE.items()
        for role, board, part_, state, whose in [cell]
        for action in PARTS[part_][1]
    ]


class Meeting:
    """Sanne facilitates; Oma and Oom take part; the beamer watches. The actor is Oma for a
    participant's cells, Sanne for the facilitator's, the beamer for a viewer's; the item is
    the actor's own or Oom's."""

    def __init__(self, cell: Cell) -> None:
        self.role, self.board_state, self.part, self.state, self.whose = cell
        self.actor = {Role.FACILITATOR: "sanne", Role.PARTICIPANT: "oma"}.get(self.role, "beamer")
        self.owner = self.actor if self.whose is Whose.OWN else "oom"
        people = {"sanne": Role.FACILITATOR, "oma": Role.PARTICIPANT, "oom": Role.PARTICIPANT}
        self.desk = Desk({**people, "beamer": Role.VIEWER})

    def prepare(self, action: Action) -> None:
        """The item (unless the action adds one), its state, then the board's state."""
        owner, name = self.owner, self.part
        maker = "sanne" if owner == "beamer" else owner  # a viewer writes nothing
        if name == "scales":
            self.desk.do("sanne", lambda doc: self._add_scale(doc, "thuis"))
        elif action is not Action.ADD and name not in SETTINGS:
            if name == "ratings":
                self.desk.do(maker, lambda doc: self._rate(doc, pid(owner), 4))
            else:
                item = new_item(name, "i1", PROPOSED if name == "plan" else self.state, "$me")
                self.desk.do(maker, lambda doc: part(doc, name).append(item_map(item, pid(owner))))
                if self.state == AGREED:
                    self.desk.do("sanne", lambda doc: part(doc, name)[0].update({"status": AGREED}))
        if self.board_state is BoardState.LOCKED:
            self.desk.do("sanne", lambda doc: meta(doc).update({"locked": True}))
        elif self.board_state is BoardState.CLOSED:
            self.desk.do("sanne", lambda doc: meta(doc).update({"status": "closed"}))

    @staticmethod
    def _add_scale(doc: Doc[Any], key: str) -> None:
        scale = {"question": "Hoe gaat het?", "zero": "slecht", "ten": "goed"}
        scales(doc)[key] = Map({**scale, "ratings": Map()})

    @staticmethod
    def _rate(doc: Doc[Any], participant: str, value: int) -> None:
        scales(doc)["safety"]["ratings"][participant] = value

    def act(self, action: Action) -> None:
        self.desk.do(self.actor, lambda doc: self._edit(doc, action))

    def _edit(self, doc: Doc[Any], action: Action) -> None:
        name = self.part
        mine = pid(self.actor) if self.whose is Whose.OWN else pid("oom")
        if name == "ratings":
            if action is Action.DELETE:
                del scales(doc)["safety"]["ratings"][mine]
            else:
                self._rate(doc, mine, 7)
        elif name == "meta":
            meta(doc)["title"] = "Iets anders"
        elif name == "participants":
            if action is Action.ADD:
                participants(doc)["p_new"] = Map({"name": "Sanne (2)", "role": "facilitator"})
            elif action is Action.EDIT_FIELD:
                participants(doc)[mine]["name"] = "Sanne (gespreksleider)"
            else:
                del participants(doc)[mine]
        elif name == "scales":
            if action is Action.ADD:
                self._add_scale(doc, "school")
            elif action is Action.EDIT_FIELD:
                scales(doc)["thuis"]["question"] = "Iets anders?"
            else:
                del scales(doc)["thuis"]  # not the safety scale: every board has that one
        elif action is Action.ADD:
            part(doc, name).append(item_map(new_item(name, "i2", self.state, mine), mine))
        elif action is Action.EDIT_TEXT:
            text = part(doc, name)[0]["rule" if name == "plan" else "text"]
            text.insert(len(text), " (anders)")
        elif action is Action.EDIT_FIELD:
            key, value = {"plan": ("who", "Opa"), "network": ("circle", "outer")}.get(
                name, ("kind", KINDS.get(name, ("", ""))[1])
            )
            part(doc, name)[0][key] = value
        elif action is Action.SET_STATUS:
            part(doc, name)[0]["status"] = OTHER_STATE[self.state]
        else:
            del part(doc, name)[0]


@pytest.mark.parametrize(("cell", "action"), cells())
def test_each_rule_holds_as_the_room_judges_it(cell: Cell, action: Action) -> None:
    meeting = Meeting(cell)
    meeting.prepare(action)
    before = meeting.desk.board()
    if action in TABLE[cell]:
        meeting.act(action)
        assert meeting.desk.board() != before
    else:
        with pytest.raises(UpdateRefused):
            meeting.act(action)
        assert meeting.desk.board() == before
