"""A record's HTML: one template, for the browser and, with break opportunities, for the PDF."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from markupsafe import Markup, escape

from server.i18n import Translator
from server.pages import WEB_DIR
from server.records.document import author_name, participant_names

COLUMNS = (
    ("worries", ("harm", "danger", "complicating")),
    ("working_well", ("strength", "safety")),
    ("next_steps", ("goal", "step")),
)
LOCAL_TIME = ZoneInfo("Europe/Amsterdam")
# WeasyPrint lays out a word with no break in it again for every line it fills: one
# 4000-character word took seconds, eleven took minutes. A word longer than any real one
# gets a zero-width space (invisible, and no character of the text changes) every CHUNK
# characters, so the PDF's layout stays linear; words of real length are left whole.
LONGEST_WORD = 40
CHUNK = 16
_TOO_LONG = re.compile(rf"[^\s\u200b]{{{LONGEST_WORD + 1},}}")


@dataclass(frozen=True)
class RecordFacts:
    record_id: str
    case_title: str
    closed_by_name: str
    closed_at: datetime
    participants: list[dict[str, str]]
    corrects: str | None
    correction_reason: str | None


def _chunked(word: re.Match[str]) -> str:
    return "\u200b".join(word[0][i : i + CHUNK] for i in range(0, len(word[0]), CHUNK))


def breakable(text: object) -> Markup:
    """`text`, escaped, with break opportunities in every word longer than LONGEST_WORD."""
    return escape(_TOO_LONG.sub(_chunked, str(text)))


def _as_typed(text: object) -> Markup:
    return escape(text)


@cache
def _environment(for_print: bool) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(WEB_DIR / "templates"),
        autoescape=True,
    )
    environment.filters["typed"] = breakable if for_print else _as_typed
    return environment


@cache
def record_css() -> str:
    return (WEB_DIR / "static" / "css" / "record.css").read_text("utf-8")


def local(moment: datetime) -> str:
    return moment.astimezone(LOCAL_TIME).strftime("%d-%m-%Y %H:%M")


def render_html(document: dict[str, Any], facts: RecordFacts, *, for_print: bool = False) -> str:
    """The record as people read it; `for_print`: the same, with break opportunities in
    long words for WeasyPrint (browsers wrap them by CSS alone)."""
    language = document["meta"]["language"]
    names = participant_names(document)

    def rated(scale: dict[str, Any]) -> list[tuple[str, int]]:
        return sorted(
            ((names.get(pid, "?"), value) for pid, value in scale["ratings"].items()),
            key=lambda pair: pair[0].lower(),
        )

    scales = sorted(document["scales"].items(), key=lambda item: item[1].get("order", 99))
    return (
        _environment(for_print)
        .get_template("record.html")
        .render(
            t=Translator(language),
            language=language,
            css=record_css(),
            doc=document,
            columns=COLUMNS,
            scales=scales,
            rated=rated,
            author=lambda item: author_name(item, names),
            record_id=facts.record_id,
            case_title=facts.case_title,
            closed_by_name=facts.closed_by_name,
            closed_at=local(facts.closed_at),
            participants=facts.participants,
            corrects=facts.corrects,
            correction_reason=facts.correction_reason,
        )
    )
