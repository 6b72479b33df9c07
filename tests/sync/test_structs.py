"""Reading an update's structs without applying it (server/crdt.py)."""

from __future__ import annotations

from typing import Any

from pycrdt import Array, Doc, Map, Text, merge_updates

from server.crdt import needs_unknown, structs_of


def a_card(doc: Doc[Any], text: str) -> Text:
    worries = doc.get("worries", type=Array)
    worries.append(Map({"id": "w", "text": Text(text)}))
    return worries[len(worries) - 1]["text"]


def test_a_keystroke_on_a_card_the_board_lacks_needs_it() -> None:
    writer: Doc[Any] = Doc()
    text = a_card(writer, "Zorg")
    card = writer.get_update()
    known = writer.get_state()
    text += " thuis"
    keystroke = writer.get_update(known)
    board: Doc[Any] = Doc()
    assert needs_unknown(keystroke, board.get_state())
    assert not needs_unknown(merge_updates(card, keystroke), board.get_state())
    board.apply_update(card)
    assert not needs_unknown(keystroke, board.get_state())


def test_lengths_are_counted_as_yjs_counts_them() -> None:
    """Yjs counts a text in UTF-16 units: "😀" is two, so the keystroke after "😀😀" builds
    on clock 3 of its own run, which the run covers."""
    writer: Doc[Any] = Doc()
    text = a_card(writer, "")
    text += "😀😀"
    known = writer.get_state()
    text += "b"
    both = merge_updates(writer.get_update(), writer.get_update(known))
    assert not needs_unknown(both, Doc().get_state())


def test_what_a_board_is_made_of_is_plain_and_formatting_is_not() -> None:
    doc: Doc[Any] = Doc()
    text = a_card(doc, "Zorg")
    assert structs_of(doc.get_update()).plain
    known = doc.get_state()
    text.format(0, 2, {"bold": True})
    assert not structs_of(doc.get_update(known)).plain
    assert structs_of(doc.get_update()).clients == (doc.client_id,)
