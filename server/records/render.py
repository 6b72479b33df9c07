"""A record's HTML (one template, for the browser and the PDF) and its PDF (WeasyPrint)."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import jinja2

from server.i18n import Translator
from server.pages import WEB_DIR
from server.records.document import author_name, participant_names

COLUMNS = (
    ("worries", ("harm", "danger", "complicating")),
    ("working_well", ("strength", "safety")),
    ("next_steps", ("goal", "step")),
)
LOCAL_TIME = ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True)
class RecordFacts:
    record_id: str
    case_title: str
    closed_by_name: str
    closed_at: datetime
    participants: list[dict[str, str]]
    corrects: str | None
    correction_reason: str | None


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(WEB_DIR / "templates"),
        autoescape=True,
    )


@cache
def record_css() -> str:
    return (WEB_DIR / "static" / "css" / "record.css").read_text("utf-8")


def style_hash() -> str:
    """The CSP source that allows exactly the record's own embedded stylesheet."""
    digest = hashlib.sha256(record_css().encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def local(moment: datetime) -> str:
    return moment.astimezone(LOCAL_TIME).strftime("%d-%m-%Y %H:%M")


def render_html(document: dict[str, Any], facts: RecordFacts) -> str:
    language = document["meta"]["language"]
    names = participant_names(document)

    def rated(scale: dict[str, Any]) -> list[tuple[str, int]]:
        return sorted(
            ((names.get(pid, "?"), value) for pid, value in scale["ratings"].items()),
            key=lambda pair: pair[0].lower(),
        )

    scales = sorted(document["scales"].items(), key=lambda item: item[1].get("order", 99))
    return (
        _environment()
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


def render_pdf(html: str) -> bytes:
    """A4, print quality. Slow (tenths of a second): call it from a worker thread."""
    # Imported here: WeasyPrint takes about a second to load, and only closing needs it.
    from weasyprint import HTML  # noqa: PLC0415

    pdf: bytes = HTML(string=html, base_url=str(WEB_DIR)).write_pdf()
    return pdf
