"""A record in the browser: the stored HTML, unchanged, with a bar of links above it.

The bar is added when the page is served, never stored: the record stays exactly as it was
written (and readable on its own, away from this server), and the page around it leads back
to the case, the dashboard and the downloads."""

from __future__ import annotations

import base64
import hashlib
import re

from markupsafe import Markup

from server.i18n import Translator
from server.records.manifest import RecordContent

_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)
_BAR_STYLE = (
    ".record-bar{display:flex;flex-wrap:wrap;gap:.5rem 1.25rem;align-items:center;"
    "padding:.6rem 1rem;border-bottom:1px solid #c9ced6;background:#f3f5f8;"
    'font:16px/1.4 "DejaVu Sans","Noto Sans",Arial,sans-serif}'
    ".record-bar a{color:#0b5cad;font-weight:600;padding:.35rem 0}"
    "@media print{.record-bar{display:none}}"
)


def _source(css: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()}'"


def with_navigation(record: RecordContent, t: Translator) -> tuple[str, list[str]]:
    """The page, and the CSP sources that allow exactly its two stylesheets: the record's
    own (as it was stored, whatever record.css is today) and the bar's."""
    links = [
        (f"/cases/{record.case_id}", t("record.to_case")),
        ("/", t("nav.dashboard")),
        (f"/records/{record.id}.pdf", t("record.download_pdf")),
        (f"/records/{record.id}.json", t("record.download_json")),
    ]
    bar = Markup(
        '<style>{style}</style><nav class="record-bar" aria-label="{label}">{links}</nav>'
    ).format(
        style=Markup(_BAR_STYLE),  # noqa: S704 (our own constant)
        label=t("app.name"),
        links=Markup("").join(
            Markup('<a href="{}">{}</a>').format(href, text) for href, text in links
        ),
    )
    html = record.html.replace("<body>", f"<body>{bar}", 1)
    sources = [_source(_BAR_STYLE)]
    stored = _STYLE.search(record.html)
    if stored:
        sources.append(_source(stored[1]))
    return html, sources
