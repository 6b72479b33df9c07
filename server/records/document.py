"""The board document as plain JSON: what a record keeps and what its pages show."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator
from pycrdt import Doc

from shared_schema import SCHEMA_VERSION, SchemaViolation, board_schema

PARTS = (
    "worries",
    "working_well",
    "next_steps",
    "danger_statements",
    "safety_goals",
    "bottom_lines",
    "plan",
    "network",
)


def _plain(value: Any) -> Any:
    """Yjs numbers arrive as floats; 7.0 is written as 7."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def board_document(state: bytes) -> dict[str, Any]:
    """The JSON rendering of a board state, checked against the schema."""
    doc: Doc[Any] = Doc()
    doc.apply_update(state)
    schema = board_schema()
    schema.validate_document(doc)
    rendering = {name: _plain(root.to_py()) for name, root in schema.roots_of(doc).items()}
    validate(rendering)
    return rendering


def validate(rendering: dict[str, Any]) -> None:
    error = next(iter(Draft202012Validator(board_schema().definition).iter_errors(rendering)), None)
    if error is not None:
        raise SchemaViolation("document", error.message[:200])
    if rendering["meta"]["schema_version"] != SCHEMA_VERSION:
        raise SchemaViolation("meta.schema_version", "is not this server's version")


def participant_names(rendering: dict[str, Any]) -> dict[str, str]:
    return {pid: p.get("name", "") for pid, p in rendering.get("participants", {}).items()}


def author_name(item: dict[str, Any], names: dict[str, str]) -> str:
    return names.get(item.get("author", "")) or item.get("author_name") or "?"
