"""Two records of one case side by side: what was added, removed and changed, and how the
ratings moved."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from server.records.document import PARTS, participant_names

_IGNORED = frozenset({"carried_over", "author_name", "created"})


@dataclass
class PartChanges:
    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    changed: list[tuple[dict[str, Any], dict[str, Any], list[str]]] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass(frozen=True)
class RatingMove:
    scale: str
    question: str
    name: str
    before: int | None
    after: int | None


@dataclass
class Comparison:
    parts: dict[str, PartChanges]
    ratings: list[RatingMove]


def compare(before: dict[str, Any], after: dict[str, Any]) -> Comparison:
    parts = {}
    for part in PARTS:
        old = {item["id"]: item for item in before.get(part, [])}
        new = {item["id"]: item for item in after.get(part, [])}
        changes = PartChanges(
            added=[item for key, item in new.items() if key not in old],
            removed=[item for key, item in old.items() if key not in new],
        )
        for key in old.keys() & new.keys():
            fields = sorted(
                name
                for name in (old[key].keys() | new[key].keys()) - _IGNORED
                if old[key].get(name) != new[key].get(name)
            )
            if fields:
                changes.changed.append((old[key], new[key], fields))
        parts[part] = changes
    return Comparison(parts, _rating_moves(before, after))


def _rating_moves(before: dict[str, Any], after: dict[str, Any]) -> list[RatingMove]:
    """By person's name: participant ids are new at every meeting, names are what people
    recognise across them."""
    moves = []
    old_names, new_names = participant_names(before), participant_names(after)
    for scale_id in sorted(before["scales"].keys() | after["scales"].keys()):
        old_scale = before["scales"].get(scale_id, {})
        new_scale = after["scales"].get(scale_id, {})
        old = {old_names.get(p, p): v for p, v in old_scale.get("ratings", {}).items()}
        new = {new_names.get(p, p): v for p, v in new_scale.get("ratings", {}).items()}
        question = new_scale.get("question") or old_scale.get("question", "")
        for name in sorted(old.keys() | new.keys(), key=str.lower):
            if old.get(name) != new.get(name):
                moves.append(RatingMove(scale_id, question, name, old.get(name), new.get(name)))
    return moves
