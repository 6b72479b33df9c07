"""Staging's judgement (server/sync/staging.py), in this process on pycrdt documents: what it
refuses before the policy is asked, and what it tells the policy about a deletion."""

from __future__ import annotations

from typing import Any

import pytest
from pycrdt import Doc, Map, Text

from server.access.roles import Role
from server.errors import MissingHistory, UpdateRefused
from server.sync.staging import PLAIN_TEXT
from tests.sync.board_desk import Desk, item_map, part, pid
from tests.sync.helpers import card

PEOPLE = {"sanne": Role.FACILITATOR, "oma": Role.PARTICIPANT, "oom": Role.PARTICIPANT}


def add_worry(desk: Desk, name: str, card_id: str, text: str) -> None:
    desk.do(name, lambda doc: part(doc, "worries").append(item_map(card(card_id, text), pid(name))))


@pytest.fixture
def desk() -> Desk:
    desk = Desk(PEOPLE)
    add_worry(desk, "oma", "c1", "Ruzie")
    return desk


def worry_text(doc: Doc[Any]) -> Text:
    text: Text = part(doc, "worries")[0]["text"]
    return text


def test_bold_typing_is_refused_as_formatting(desk: Desk) -> None:
    before = desk.board()
    with pytest.raises(UpdateRefused, match=PLAIN_TEXT):
        desk.do("oma", lambda doc: worry_text(doc).insert(0, "Veel ", {"bold": True}))
    assert desk.board() == before


def test_formatting_existing_words_is_refused(desk: Desk) -> None:
    before = desk.board()
    with pytest.raises(UpdateRefused, match=PLAIN_TEXT):
        desk.do("sanne", lambda doc: worry_text(doc).format(0, 3, {"italic": True}))
    assert desk.board() == before


def test_an_embedded_object_in_a_text_is_refused(desk: Desk) -> None:
    before = desk.board()
    with pytest.raises(UpdateRefused, match=PLAIN_TEXT):
        desk.do("sanne", lambda doc: worry_text(doc).insert_embed(0, {"image": "x.png"}))
    assert desk.board() == before


def test_a_part_the_board_does_not_have_is_refused_by_name(desk: Desk) -> None:
    before = desk.board()

    def hide(doc: Doc[Any]) -> None:
        doc.get("geheim", type=Map)["x"] = 1

    with pytest.raises(UpdateRefused, match="Unknown part of the board: geheim"):
        desk.do("sanne", hide)
    assert desk.board() == before
    assert "geheim" not in list(desk.staging.doc.keys())  # taken back: no such root now


def test_a_deletion_of_an_item_the_room_never_saw_waits_for_its_history(desk: Desk) -> None:
    """Oma's phone added a card the room never got, then deleted it: the deletion alone
    builds on what the room does not have, so it is not judged yet (the room holds it)."""
    phone = desk.phones["oma"]
    phone.get_update()
    seen = phone.get_state()
    part(phone, "worries").append(item_map(card("c2", "Weg"), pid("oma")))
    after_adding = phone.get_state()
    del part(phone, "worries")[1]
    before = desk.board()
    with pytest.raises(MissingHistory):
        desk.staging.stage(phone.get_update(after_adding))
    desk.staging.take_back()
    assert desk.board() == before
    both = phone.get_update(seen)  # the card and its deletion together: nothing to judge
    desk.judge("oma", both)
    assert desk.board() == before


def test_a_deletion_says_whose_work_it_removes(desk: Desk) -> None:
    add_worry(desk, "oom", "c2", "Ziek")
    change = desk.do("sanne", lambda doc: part(doc, "worries").__delitem__(slice(0, 2)))
    (touch,) = change.touches
    assert touch.root == "worries"
    assert touch.removed == ((pid("oma"), None), (pid("oom"), None))


def test_a_participant_removing_anothers_card_is_refused_with_a_reason(desk: Desk) -> None:
    before = desk.board()
    with pytest.raises(UpdateRefused, match="only what you wrote yourself"):
        desk.do("oom", lambda doc: part(doc, "worries").__delitem__(0))
    assert desk.board() == before


def test_a_participant_rewriting_who_wrote_a_card_is_refused(desk: Desk) -> None:
    before = desk.board()
    with pytest.raises(UpdateRefused, match="Who wrote an item"):
        desk.do("oma", lambda doc: part(doc, "worries")[0].update({"author": pid("oom")}))
    assert desk.board() == before


def test_typing_past_a_cards_limit_is_refused_where_it_happens(desk: Desk) -> None:
    before = desk.board()
    with pytest.raises(UpdateRefused, match=r"worries\[0\]\.text"):
        desk.do("oma", lambda doc: worry_text(doc).insert(0, "x" * 5000))
    assert desk.board() == before
