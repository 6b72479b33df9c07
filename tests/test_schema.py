"""The board document schema: new boards, and what it refuses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from pycrdt import Array, Doc, Map, Text

import shared_schema
from shared_schema import SchemaViolation, board_schema, new_board_update


def board(language: str = "nl") -> Doc[Any]:
    doc: Doc[Any] = Doc()
    doc.apply_update(new_board_update("Familie Jansen", language))  # type: ignore[arg-type]
    return doc


def test_the_schema_file_is_a_valid_json_schema() -> None:
    path = Path(shared_schema.__file__).parent / "board.v1.json"
    Draft202012Validator.check_schema(json.loads(path.read_text()))
    assert board_schema().version == shared_schema.SCHEMA_VERSION == 1


@pytest.mark.parametrize(("language", "words"), [("nl", "hoe veilig"), ("en", "how safe")])
def test_a_new_board_has_meta_and_the_safety_scale_in_its_language(
    language: str, words: str
) -> None:
    doc = board(language)
    board_schema().validate_document(doc)
    roots = board_schema().roots_of(doc)
    assert roots["meta"].to_py()["language"] == language
    assert roots["meta"].to_py()["status"] == "open"
    assert words in roots["scales"].to_py()["safety"]["question"]
    assert roots["scales"].to_py()["safety"]["ratings"] == {}


def test_a_new_board_needs_a_known_language() -> None:
    with pytest.raises(ValueError, match="language"):
        new_board_update("x", "de")  # type: ignore[arg-type]


def valid_card(**changes: Any) -> Map[Any]:
    fields: dict[str, Any] = {
        "id": "c1",
        "text": Text("Papa drinkt"),
        "kind": "harm",
        "author": "p1",
        "created": "2026-11-23T10:00:00Z",
    }
    fields.update(changes)
    return Map(fields)


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"text": "plain"}, "shared Text"),
        ({"kind": "strength"}, "is not one of"),
        ({"id": "no spaces allowed"}, "does not match"),
        ({"secret_phone": "0612345678"}, "secret_phone"),
        ({"text": Text("x" * 4001)}, "too long"),
    ],
)
def test_a_card_that_breaks_the_schema_is_named(changes: dict[str, Any], problem: str) -> None:
    doc = board()
    worries = doc.get("worries", type=Array)
    worries.append(valid_card(**changes))
    with pytest.raises(SchemaViolation) as violation:
        board_schema().validate_item("worries", 0, worries[0])
    assert problem in str(violation.value)


def test_the_safety_scale_cannot_be_removed() -> None:
    doc = board()
    scales = doc.get("scales", type=Map)
    del scales["safety"]
    with pytest.raises(SchemaViolation, match="safety"):
        board_schema().validate_root("scales", scales)


def test_unknown_parts_of_a_document_are_refused() -> None:
    doc = board()
    doc.get("private_notes", type=Map)["x"] = "y"
    with pytest.raises(SchemaViolation, match="unknown"):
        board_schema().validate_document(doc)
