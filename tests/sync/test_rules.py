"""Every cell of the rules table (server/rules.py), tried with a raw Yjs client as a hostile
relative would: set up the part, the item's state, whose it is and the board's state, do the
action, and see it accepted, or refused with 4403 and the board as it was."""

from __future__ import annotations

from collections.abc import AsyncIterator
from itertools import product
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from server.access.roles import Role
from server.errors import CloseCode
from server.rules import AGREED, CARDS, PARTS, PROPOSED, TABLE, Action, BoardState, Cell, Whose
from tests.support.node import NodeClients
from tests.support.server import Admin, ServerProcess
from tests.support.waiting import until
from tests.sync.helpers import card, statement

pytestmark = pytest.mark.asyncio(loop_scope="module")

CREATED = "2026-11-23T10:00:00Z"
KINDS = {"worries": ("harm", "danger"), "working_well": ("strength", "safety"),
         "next_steps": ("goal", "step")}  # fmt: skip


def cells() -> list[Any]:
    """Every participant cell, every action that means something in its part; and the
    facilitator's cells of the plan, where an agreed rule stays theirs to change."""
    chosen = []
    for cell, allowed in TABLE.items():
        role, board, part, state, whose = cell
        if role is Role.VIEWER or (role is Role.FACILITATOR and part != "plan"):
            continue
        for action in PARTS[part][1]:
            verdict = "accepted" if action in allowed else "refused"
            name = f"{role.value}-{board.value}-{part}-{state}-{whose.name.lower()}-"
            chosen.append(pytest.param(cell, action, id=name + f"{action.name.lower()}-{verdict}"))
    return chosen


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def hall(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[tuple[ServerProcess, Admin]]:
    """One server for the whole table; a fresh board for every cell."""
    data: Path = tmp_path_factory.mktemp("rules") / "data"
    # Hundreds of refusals from this one address, each of its own token: no backoff for
    # the address here (tests/sync/test_hostile.py shows it).
    server = ServerProcess(data, address_refusals_before_backoff="100000")
    await server.start()
    admin = Admin(data)
    await admin.store.open()
    yield server, admin
    await admin.store.close()
    await server.stop()


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def people() -> AsyncIterator[NodeClients]:
    clients = NodeClients()
    await clients.start()
    yield clients
    await clients.close()


def new_item(part: str, item_id: str, state: str, author: str) -> dict[str, object]:
    if part in CARDS:
        return card(item_id, "Tekst", KINDS[part][0], author=author)
    if part == "plan":
        return {"id": item_id, "rule": "Oma haalt Max op", "who": "Oma", "status": state,
                "author": author, "created": CREATED}  # fmt: skip
    if part == "network":
        return {"id": item_id, "name": "Opa", "relation": "opa", "circle": "inner",
                "safety_person": True, "author": author, "created": CREATED}  # fmt: skip
    return statement(item_id, "Tekst", author=author)


class Meeting:
    """Sanne facilitates; Oma and Oom take part. The actor is Oma (or Sanne, for the
    facilitator's cells); the item is the actor's own or Oom's."""

    def __init__(self, nodes: NodeClients, cell: Cell) -> None:
        self.nodes = nodes
        self.role, self.board_state, self.part, self.state, self.whose = cell
        self.actor = "sanne" if self.role is Role.FACILITATOR else "oma"
        self.owner = self.actor if self.whose is Whose.OWN else "oom"
        self.ids: dict[str, str] = {}

    async def open(self, server: ServerProcess, admin: Admin) -> None:
        self.board = await admin.create_board("Familie Visser")
        self.url = server.ws_url
        roles = {"sanne": Role.FACILITATOR, "oma": Role.PARTICIPANT, "oom": Role.PARTICIPANT}
        for name, role in roles.items():
            token = await admin.token(self.board, role, name)
            assert await self.nodes.connect(name, server.ws_url, self.board, token) == {
                "synced": True
            }
            self.ids[name] = await self.nodes.call("me", name=name)
        self.check_token = await admin.token(self.board, Role.VIEWER, "beamer")

    async def call(self, op: str, name: str, **arguments: Any) -> Any:
        return await self.nodes.call(op, name=name, **arguments)

    async def json(self, name: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.call("json", name)
        return result

    async def prepare(self, action: Action) -> None:
        """The item (unless the action adds one), its state, then the board's state."""
        if action is not Action.ADD:
            await self._make_item()
        if self.board_state is BoardState.LOCKED:
            await self.call("set", "sanne", map="meta", key="locked", value=True)
        elif self.board_state is BoardState.CLOSED:
            await self.call("set", "sanne", map="meta", key="status", value="closed")
        await self._everyone_level()

    async def _make_item(self) -> None:
        owner, part = self.owner, self.part
        if part in PARTS and part not in ("ratings", "meta", "participants", "scales"):
            first = PROPOSED if part == "plan" else self.state
            await self.call("add", owner, part=part, item=new_item(part, "i1", first, "$me"))
            await self.call("wait_length", "sanne", part=part, length=1)
            if self.state == AGREED:
                await self.call("set_field", "sanne", part=part, index=0, key="status",
                                value=AGREED)  # fmt: skip
        elif part == "ratings":
            await self.call("rate", owner, value=4)

    async def _everyone_level(self) -> None:
        async def level() -> bool:
            sanne, oma, oom = [await self.json(n) for n in ("sanne", "oma", "oom")]
            return sanne == oma == oom

        await until(level, "everyone seeing the same board")

    async def act(self, action: Action) -> None:
        part, actor = self.part, self.actor
        mine = self.whose is Whose.OWN
        author = "$me" if mine else self.ids["oom"]
        other_of = {PROPOSED: AGREED, AGREED: PROPOSED}
        if part == "ratings":
            participant = "$me" if mine else self.ids["oom"]
            if action is Action.DELETE:
                await self.call("delete_in", actor, path=["scales", "safety", "ratings"],
                                key=participant)  # fmt: skip
            else:
                await self.call("rate", actor, participant=participant, value=7)
        elif part == "meta":
            await self.call("set_in", actor, path=["meta"], key="title", value="Iets anders")
        elif part == "participants":
            key = "$me" if mine else self.ids["oom"]
            if action is Action.ADD:
                value = {"$map": {"name": "Sanne (gespreksleider)", "role": "facilitator"}}
                await self.call("set_in", actor, path=["participants"], key="p_new", value=value)
            elif action is Action.EDIT_FIELD:
                await self.call("set_in", actor, path=["participants", key], key="name",
                                value="Sanne (gespreksleider)")  # fmt: skip
            else:
                await self.call("delete_in", actor, path=["participants"], key=key)
        elif part == "scales":
            if action is Action.ADD:
                scale = {"question": "Hoe gaat het?", "zero": "slecht", "ten": "goed",
                         "ratings": {"$map": {}}}  # fmt: skip
                await self.call("set_in", actor, path=["scales"], key="thuis",
                                value={"$map": scale})  # fmt: skip
            elif action is Action.EDIT_FIELD:
                await self.call("set_in", actor, path=["scales", "safety"], key="question",
                                value="Iets anders?")  # fmt: skip
            else:
                await self.call("delete_in", actor, path=["scales"], key="safety")
        elif action is Action.ADD:
            await self.call("add", actor, part=part, item=new_item(part, "i2", self.state, author))
        elif action is Action.EDIT_TEXT:
            field = "rule" if part == "plan" else "text"
            await self.call("type", actor, part=part, index=0, field=field, text=" (anders)")
        elif action is Action.EDIT_FIELD:
            key, value = {"plan": ("who", "Opa"), "network": ("circle", "outer")}.get(
                part, ("kind", KINDS.get(part, ("", ""))[1])
            )
            await self.call("set_field", actor, part=part, index=0, key=key, value=value)
        elif action is Action.SET_STATUS:
            await self.call("set_field", actor, part=part, index=0, key="status",
                            value=other_of[self.state])  # fmt: skip
        else:
            await self.call("remove", actor, part=part, index=0)

    async def accepted(self, before: dict[str, Any]) -> None:
        async def shown() -> bool:
            seen = [await self.json(n) for n in ("sanne", "oma", "oom")]
            return seen[0] == seen[1] == seen[2] != before

        await until(shown, f"{self.actor}'s change shown to everyone")
        assert await self.call("closes", self.actor) == []

    async def refused(self, before: dict[str, Any]) -> None:
        closed = await self.call("wait_closed", self.actor)
        assert closed["code"] == CloseCode.UPDATE_REFUSED, closed
        await self.call("disconnect", self.actor)
        await self.nodes.connect("check", self.url, self.board, self.check_token)
        assert await self.json("check") == before

    async def leave(self) -> None:
        for name in ("sanne", "oma", "oom", "check"):
            try:
                await self.call("disconnect", name)
            except Exception:  # already gone: the actor after a refusal, the checker before one
                continue


@pytest.mark.parametrize(("cell", "action"), cells())
async def test_each_rule_holds_against_a_raw_yjs_client(
    cell: Cell, action: Action, hall: tuple[ServerProcess, Admin], people: NodeClients
) -> None:
    meeting = Meeting(people, cell)
    await meeting.open(*hall)
    try:
        await meeting.prepare(action)
        before = await meeting.json("sanne")
        await meeting.act(action)
        if action in TABLE[cell]:
            await meeting.accepted(before)
        else:
            await meeting.refused(before)
    finally:
        await meeting.leave()


# A value each field of an item may take, for the field-by-field cells below: the table's
# "edit its fields" holds for every field the schema gives a part, not only the one the
# cells above try.
FIELD_VALUES: dict[str, dict[str, Any]] = {
    "plan": {"who": "Opa", "when": "Elke dag", "check": "Juf belt", "if_broken": "Sanne belt",
             "review_date": "2027-02-01"},
    "network": {"name": "Opa Jan", "relation": "buurman", "circle": "outer",
                "safety_person": False},
    **{part: {"kind": KINDS[part][1]} for part in CARDS},
    "meta": {"title": "Iets anders", "language": "en", "status": "closed", "locked": True,
             "wall": "plan", "code_issued": "2026-12-06T05:00:00Z", "schema_version": 1},
}  # fmt: skip


def field_cells() -> list[Any]:
    """Every field of every part a participant could reach, in every item state, their
    own and someone else's; and the facilitator's on an agreed rule."""
    chosen = []
    for part, fields in FIELD_VALUES.items():
        states, _ = PARTS[part]
        roles = (Role.PARTICIPANT, Role.FACILITATOR) if part == "plan" else (Role.PARTICIPANT,)
        for role, state, whose, field in product(roles, states, Whose, fields):
            if role is Role.FACILITATOR and (state != AGREED or whose is Whose.OWN):
                continue
            cell = (role, BoardState.OPEN, part, state, whose)
            verdict = "accepted" if Action.EDIT_FIELD in TABLE[cell] else "refused"
            name = f"{role.value}-{part}-{state}-{whose.name.lower()}-{field}-{verdict}"
            chosen.append(pytest.param(cell, field, id=name))
    return chosen


@pytest.mark.parametrize(("cell", "field"), field_cells())
async def test_each_field_holds_against_a_raw_yjs_client(
    cell: Cell, field: str, hall: tuple[ServerProcess, Admin], people: NodeClients
) -> None:
    meeting = Meeting(people, cell)
    await meeting.open(*hall)
    try:
        await meeting.prepare(Action.EDIT_FIELD)
        before = await meeting.json("sanne")
        value = FIELD_VALUES[meeting.part][field]
        if meeting.part == "meta":
            await meeting.call("set_in", meeting.actor, path=["meta"], key=field, value=value)
        else:
            await meeting.call(
                "set_field", meeting.actor, part=meeting.part, index=0, key=field, value=value
            )
        if Action.EDIT_FIELD in TABLE[cell]:
            await meeting.accepted(before)
        else:
            await meeting.refused(before)
    finally:
        await meeting.leave()
