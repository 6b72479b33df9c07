"""Board document version 1: loading the schema, creating boards, validating documents."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any, Literal

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from pycrdt import Array, Doc, Map, Text

SCHEMA_VERSION = 1
Language = Literal["nl", "en"]

SHARED_TYPES: dict[str, type[Array[Any] | Map[Any] | Text]] = {
    "Array": Array,
    "Map": Map,
    "Text": Text,
}

SAFETY_SCALE_WORDING: dict[Language, dict[str, str]] = {
    "nl": {
        "question": ("Op een schaal van 0 tot 10: hoe veilig is het kind nu, volgens jou?"),
        "zero": ("Het is zo ernstig dat het kind niet thuis kan blijven wonen."),
        "ten": ("Iedereen weet dat het kind veilig genoeg is om de zaak af te sluiten."),
    },
    "en": {
        "question": "On a scale from 0 to 10: how safe is the child now, in your view?",
        "zero": "Things are so bad that the child cannot stay at home.",
        "ten": "Everyone knows the child is safe enough for the case to be closed.",
    },
}


class SchemaViolation(Exception):
    """A board document, or a change to one, that does not fit the schema."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


class BoardSchema:
    """Board document schema, version 1, compiled once."""

    def __init__(self, definition: Mapping[str, Any]) -> None:
        self.definition = definition
        self.version: int = definition["x-schema-version"]
        self._validator = Draft202012Validator(definition)
        self._roots: dict[str, Mapping[str, Any]] = dict(definition["properties"])
        self._item_validators: dict[str, Draft202012Validator] = {}
        for name, root in self._roots.items():
            items = root.get("items")
            if items is not None:
                item_schema = {"$defs": definition["$defs"], **items}
                self._item_validators[name] = Draft202012Validator(item_schema)

    @property
    def root_names(self) -> frozenset[str]:
        return frozenset(self._roots)

    def root_type(self, name: str) -> type[Array[Any] | Map[Any] | Text]:
        return SHARED_TYPES[self._roots[name]["x-ytype"]]

    def is_array_root(self, name: str) -> bool:
        return name in self._item_validators

    def item_limit(self, name: str) -> int | None:
        """The most elements an array root may hold (`maxItems`), if it is one."""
        limit: int | None = self._roots[name].get("maxItems")
        return limit

    def text_limit(self, name: str, field: str) -> int | None:
        """The longest a shared Text field of an array root's elements may be, if it is one."""
        items = self._roots[name].get("items")
        if items is None:
            return None
        schema = self._resolve(items).get("properties", {}).get(field)
        if schema is None or schema.get("x-ytype") != "Text":
            return None
        limit: int = self._resolve(schema)["maxLength"]
        return limit

    def text_fields(self, name: str) -> frozenset[str]:
        """The fields of an array root's elements that are shared Text (a card's `text`)."""
        items = self._roots[name].get("items")
        if items is None:
            return frozenset()
        fields = self._resolve(items).get("properties", {})
        return frozenset(key for key, field in fields.items() if field.get("x-ytype") == "Text")

    def roots_of(self, doc: Doc[Any]) -> dict[str, Array[Any] | Map[Any]]:
        """The document's known root types, typed as the schema says."""
        return {name: doc.get(name, type=self.root_type(name)) for name in self._roots}

    def validate_document(self, doc: Doc[Any]) -> None:
        """Check a whole document: names and shared types of every root, then the content."""
        unknown = set(doc.keys()) - self.root_names
        if unknown:
            raise SchemaViolation("document", f"unknown part(s) {sorted(unknown)}")
        roots = self.roots_of(doc)
        for name, root in roots.items():
            self._check_shared_types(name, root, self._roots[name])
        self._raise_first(self._validator, {name: root.to_py() for name, root in roots.items()})

    def validate_root(self, name: str, root: Array[Any] | Map[Any]) -> None:
        """Check one root, whole."""
        schema = self._roots[name]
        self._check_shared_types(name, root, schema)
        value = root.to_py()
        root_schema = {"$defs": self.definition["$defs"], **schema}
        self._raise_first(Draft202012Validator(root_schema), value, prefix=name)

    def validate_item(self, name: str, index: int, item: object) -> None:
        """Check one element of an array root, such as a card in `worries`."""
        where = f"{name}[{index}]"
        items = self._roots[name]["items"]
        self._check_shared_types(where, item, self._resolve(items))
        value = item.to_py() if isinstance(item, Map) else item
        self._raise_first(self._item_validators[name], value, prefix=where)

    def _resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        """Flatten `$ref` and `allOf` so that every field's own schema is at hand."""
        merged: dict[str, Any] = {}
        ref = schema.get("$ref")
        parts: list[Mapping[str, Any]] = []
        if ref is not None:
            parts.append(self._resolve(self.definition["$defs"][ref.rsplit("/", 1)[-1]]))
        parts += [self._resolve(part) for part in schema.get("allOf", [])]
        parts.append(schema)
        for part in parts:
            for key, value in part.items():
                if key == "properties":
                    merged["properties"] = {**merged.get("properties", {}), **value}
                elif key not in ("$ref", "allOf"):
                    merged[key] = value
        return merged

    def _check_shared_types(self, where: str, value: object, schema: Mapping[str, Any]) -> None:
        """JSON Schema cannot tell a Y.Text from a string: check the shared types here."""
        schema = self._resolve(schema)
        ytype = schema.get("x-ytype")
        if ytype is not None and not isinstance(value, SHARED_TYPES[ytype]):
            raise SchemaViolation(where, f"must be a shared {ytype}")
        if not isinstance(value, Map):
            if isinstance(value, Array):
                items = schema.get("items")
                for index, element in enumerate(value):
                    if items is not None:
                        self._check_shared_types(f"{where}[{index}]", element, items)
                    elif isinstance(element, (Map, Array, Text)):
                        raise SchemaViolation(f"{where}[{index}]", "unexpected shared type")
            return
        fields: Mapping[str, Any] = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        for key, element in value.items():
            field = fields.get(key)
            if field is None and isinstance(extra, Mapping):
                field = extra
            if field is not None:
                self._check_shared_types(f"{where}.{key}", element, field)
            elif isinstance(element, (Map, Array, Text)):
                raise SchemaViolation(f"{where}.{key}", "unexpected shared type")

    @staticmethod
    def _raise_first(validator: Draft202012Validator, value: object, prefix: str = "") -> None:
        error: ValidationError | None = next(iter(validator.iter_errors(value)), None)
        if error is None:
            return
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        where = f"{prefix}{path}" if prefix else (path.lstrip(".") or "document")
        raise SchemaViolation(where, _describe(error))


@cache
def board_schema() -> BoardSchema:
    """The compiled version 1 schema, loaded once from the package."""
    text = resources.files("shared_schema").joinpath("board.v1.json").read_text("utf-8")
    return BoardSchema(json.loads(text))


def new_board_update(title: str, language: Language) -> bytes:
    """The first update of a new board: meta and the safety scale, in the board's language."""
    if language not in SAFETY_SCALE_WORDING:
        raise ValueError(f"language must be one of {sorted(SAFETY_SCALE_WORDING)}")
    doc: Doc[Any] = Doc()
    schema = board_schema()
    meta = doc.get("meta", type=Map)
    scales = doc.get("scales", type=Map)
    with doc.transaction(origin="server"):
        meta["title"] = title
        meta["language"] = language
        meta["status"] = "open"
        meta["schema_version"] = SCHEMA_VERSION
        meta["locked"] = False
        wording = SAFETY_SCALE_WORDING[language]
        scales["safety"] = Map({**wording, "order": 0, "ratings": Map()})
    schema.validate_document(doc)
    return doc.get_update()


def _describe(error: ValidationError) -> str:
    """What rule was broken, without repeating the value: it may be someone's words, and
    the description goes into logs and close reasons."""
    rule, expected = error.validator, error.validator_value
    descriptions = {
        "maxLength": f"is too long (at most {expected} characters)",
        "minLength": f"is too short (at least {expected} characters)",
        "enum": f"is not one of {expected}",
        "const": f"must be {expected!r}",
        "type": f"must be of type {expected}",
        "pattern": "does not match the allowed form",
        "maximum": f"must be at most {expected}",
        "minimum": f"must be at least {expected}",
        "format": f"must be a {expected}",
    }
    if rule in ("required", "additionalProperties", "unevaluatedProperties"):
        return error.message[:120]  # names fields, not values
    return descriptions.get(str(rule), f"breaks the rule {rule!r}")
