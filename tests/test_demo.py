"""The demo case: made-up, and consistent with how the application sees people."""

from __future__ import annotations

from typing import Any

from pycrdt import Doc, Map

from server.demo import jansen_board


def test_the_demo_facilitator_is_the_account_that_signs_in_and_one_person() -> None:
    doc: Doc[Any] = Doc()
    doc.apply_update(jansen_board(facilitator_id="u_demo"))
    participants = doc.get("participants", type=Map).to_py()
    ratings = doc.get("scales", type=Map)["safety"]["ratings"].to_py()
    sannes = [pid for pid, person in participants.items() if person["name"] == "Sanne de Boer"]
    assert sannes == ["u_demo"]
    assert "u_demo" in ratings and "p_sanne" not in ratings
    assert len(ratings) == len({*ratings} & {*participants})
