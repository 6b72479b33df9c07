"""How long a record's PDF takes for the largest boards the schema allows, with every text
one unbroken word: the figure the render budget (record_render_seconds) is set from.

Run: .venv/bin/python -m bench.record_render [FRACTION ...]   (1 is the schema's limit)

Measured on the 2-core development host while five other engineers' tests ran (load
average 16-20): 0.02 of the largest board 7.0 s, 0.05 25.6 s, 0.1 67.5 s, 0.25 526 s
(515 MB resident; 0.01 is 42 pages). From 0.1 to 0.25 the time grew 7.8 times for 2.5 times
the board; the host's load rose meanwhile, and the two were not told apart.
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime
from typing import Any

from server.demo import jansen_board
from server.records.document import board_document
from server.records.pdf import render_pdf
from server.records.render import COLUMNS, RecordFacts, render_html

# maxItems of each part in shared_schema/board.v1.json, and the longest texts
CARDS, STATEMENTS, RULES, MEMBERS = 500, 100, 200, 200
LONG, SHORT = 4000, 200


def word(letter: str, length: int) -> str:
    return letter * length


def largest_board(fraction: float) -> dict[str, Any]:
    document = board_document(jansen_board())
    card, statement = document["worries"][0], document["danger_statements"][0]
    rule, member = document["plan"][0], document["network"][0]
    for column, kinds in COLUMNS:
        document[column] = [
            {**card, "id": f"{column}{i}", "kind": kinds[0], "text": word("w", LONG)}
            for i in range(int(CARDS * fraction))
        ]
    for part in ("danger_statements", "safety_goals", "bottom_lines"):
        document[part] = [
            {**statement, "id": f"{part}{i}", "text": word("s", LONG)}
            for i in range(int(STATEMENTS * fraction))
        ]
    short = {key: word("k", SHORT) for key in ("who", "when", "check", "if_broken")}
    document["plan"] = [
        {**rule, **short, "id": f"r{i}", "rule": word("r", LONG)}
        for i in range(int(RULES * fraction))
    ]
    document["network"] = [
        {**member, "id": f"m{i}", "name": word("n", SHORT), "relation": word("v", SHORT)}
        for i in range(int(MEMBERS * fraction))
    ]
    return document


def pages(pdf: bytes) -> str:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout
    return info.decode().split("Pages:")[1].split()[0]


def main(fractions: list[float]) -> None:
    facts = RecordFacts("r_bench", "Familie Jansen", "Sanne", datetime.now(UTC), [], None, None)
    render_pdf(render_html(board_document(jansen_board()), facts, for_print=True))  # warm
    for fraction in fractions:
        html = render_html(largest_board(fraction), facts, for_print=True)
        started = time.perf_counter()
        pdf = render_pdf(html)
        seconds = time.perf_counter() - started
        print(f"{fraction:>5} of the largest board: {len(html) / 1e6:.1f} MB of HTML, ", end="")
        print(f"{pages(pdf)} pages, {seconds:.1f} s", flush=True)


if __name__ == "__main__":
    main([float(a) for a in sys.argv[1:]] or [0.02, 0.05, 0.1])
