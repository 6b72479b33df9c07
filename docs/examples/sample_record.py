"""Renders the Jansen case as a record (HTML and PDF) and its pages as PNG for the docs."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

from server.demo import PEOPLE, jansen_board
from server.records.document import board_document
from server.records.pdf import render_pdf
from server.records.render import RecordFacts, render_html

OUT = Path(__file__).resolve().parent.parent / "screenshots"


def main() -> None:
    document = board_document(jansen_board())
    facts = RecordFacts(
        record_id="r_20261123_voorbeeld",
        case_title="Familie Jansen",
        closed_by_name="Sanne de Boer",
        closed_at=datetime(2026, 11, 23, 11, 45, tzinfo=UTC),
        participants=[
            {"name": name, "role": role, "relation": "", "joined": "23-11-2026 11:00"}
            for name, role in PEOPLE.values()
        ],
        corrects=None,
        correction_reason=None,
    )
    pdf = OUT / "record-sample.pdf"
    pdf.write_bytes(render_pdf(render_html(document, facts, for_print=True)))
    subprocess.run(["pdftoppm", "-png", "-r", "70", str(pdf), str(OUT / "record-page")], check=True)
    print(f"wrote {pdf} and its pages")


if __name__ == "__main__":
    main()
