"""The next meeting starts from the last record: its content carried over, ratings empty."""

from __future__ import annotations

from typing import Any

from pycrdt import Array, Doc, Map, Text

from server.records.document import PARTS, participant_names
from shared_schema import board_schema, new_board_update


def carried_over_board(previous: dict[str, Any], title: str, *, correction: bool = False) -> bytes:
    """The first update of a board that continues `previous` (a record's document): every
    card, statement, rule and network member marked as carried over, with its writer's
    name kept; the scales' questions kept and their ratings empty. For a `correction` the
    content stays as it was, ratings and participants included."""
    schema = board_schema()
    doc: Doc[Any] = Doc()
    doc.apply_update(new_board_update(title, previous["meta"]["language"]))
    names = participant_names(previous)
    with doc.transaction(origin="server"):
        for part in PARTS:
            array = doc.get(part, type=Array)
            texts = schema.text_fields(part)
            for item in previous.get(part, []):
                fields = {
                    key: Text(value) if key in texts else value for key, value in item.items()
                }
                if not correction:
                    fields["carried_over"] = True
                if "author" in item and "author_name" not in item:
                    fields["author_name"] = names.get(item["author"], "")[:200]
                array.append(Map(fields))
        scales = doc.get("scales", type=Map)
        for scale_id, scale in previous["scales"].items():
            ratings = scale["ratings"] if correction else {}
            scales[scale_id] = Map(
                {**{k: v for k, v in scale.items() if k != "ratings"}, "ratings": Map(ratings)}
            )
        if correction:  # the same meeting, mended: who was there and their ratings stay
            participants = doc.get("participants", type=Map)
            for pid, person in previous.get("participants", {}).items():
                participants[pid] = Map(person)
    schema.validate_document(doc)
    return doc.get_update()
