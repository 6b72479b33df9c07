"""The room's judgement without a room: staging and the policy, as the room calls them, on
real pycrdt documents, in this process. For tests of every rule and every refusal that need
no network, no store and no waiting (tests/sync/test_rules_direct.py, test_staging.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pycrdt import Array, Doc, Map, Text

from server import policy
from server.access.roles import Role
from server.access.tokens import BoardGrant
from server.errors import UpdateRefused
from server.sync.staging import Change, Staging
from shared_schema import board_schema, new_board_update

BOARD = "b_desk"
TEXT_FIELDS = ("text", "rule")  # the shared Text fields of items, as the web page makes them


def pid(name: str) -> str:
    return f"p_{name}"


def item_map(item: dict[str, object], author: str) -> Map[Any]:
    """An item as a phone adds it: its text fields shared Text, `$me` the author's id."""
    values: dict[str, Any] = {}
    for key, given in item.items():
        value = author if given == "$me" else given
        values[key] = Text(str(value)) if key in TEXT_FIELDS else value
    return Map(values)


class Desk:
    """One board's staging document, the people at it and their phones' copies."""

    def __init__(self, people: dict[str, Role]) -> None:
        self.staging = Staging(board_schema(), [new_board_update("Familie Visser", "nl")])
        self.people = people

        def join(roots: dict[str, Any]) -> None:
            for name, role in people.items():
                roots["participants"][pid(name)] = Map(
                    {"name": name, "role": role.value, "joined": "2026-11-23T10:00:00+00:00"}
                )

        self.staging.settle([self.staging.change_as_server(join, "server")])
        self.phones = {name: self._fresh_phone() for name in people}

    def _fresh_phone(self) -> Doc[Any]:
        doc: Doc[Any] = Doc()
        doc.apply_update(self.staging.doc.get_update())
        return doc

    def status(self) -> policy.BoardStatus:
        meta = self.staging.doc.get("meta", type=Map)
        return policy.BoardStatus(
            closed=meta.get("status") == "closed", locked=meta.get("locked") is True
        )

    def board(self) -> dict[str, Any]:
        return {name: root.to_py() for name, root in self.staging.roots.items()}

    def judge(self, name: str, update: bytes) -> Change:
        """Stage `update` from `name` and let the policy judge it, as the room does: settled
        if accepted, taken back (and raised) if refused."""
        status = self.status()  # as the board was before this update
        grant = BoardGrant(BOARD, self.people[name], pid(name), name, 2**40)
        try:
            change = self.staging.stage(update)
            policy.check(grant, change, status, self.staging.roots)
        except UpdateRefused:
            self.staging.take_back()
            raise
        self.staging.settle([update])
        return change

    def do(self, name: str, edit: Callable[[Doc[Any]], None]) -> Change:
        """`name` makes `edit` on their phone and sends it. Accepted, everyone's phone gets
        it; refused, the phone is closed and opens again with the board as the room has it
        (raises UpdateRefused)."""
        phone = self.phones[name]
        before = phone.get_state()
        edit(phone)
        update = phone.get_update(before)
        try:
            change = self.judge(name, update)
        except UpdateRefused:
            self.phones[name] = self._fresh_phone()
            raise
        for other, doc in self.phones.items():
            if other != name:
                doc.apply_update(update)
        return change


def part(doc: Doc[Any], name: str) -> Array[Any]:
    return doc.get(name, type=Array)


def meta(doc: Doc[Any]) -> Map[Any]:
    return doc.get("meta", type=Map)


def scales(doc: Doc[Any]) -> Map[Any]:
    return doc.get("scales", type=Map)


def participants(doc: Doc[Any]) -> Map[Any]:
    return doc.get("participants", type=Map)
