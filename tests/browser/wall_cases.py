"""Boards for the wall's tests: the demo case, and a heavy meeting (40 worries in one column,
12 relatives who all gave a rating, a full plan and network)."""

from __future__ import annotations

from typing import Any

from pycrdt import Array, Doc, Map, Text

from server.boards import create_board
from server.demo import jansen_board
from server.store.base import Store
from shared_schema import board_schema

RELATIVES = [
    "Oma Riet", "Opa Henk", "Oom Kees", "Tante Mien", "Buurvrouw Ans", "Juf Anja",
    "Linda Jansen", "Vader Erik", "Peettante Sara", "Neef Daan", "Trainer Bas", "Huisarts Bakker",
]  # fmt: skip
WORRY = (
    "Zorg {n}: op avonden dat moeder werkt is niet altijd duidelijk wie er bij de kinderen is "
    "en of die volwassene weet wat te doen als vader thuiskomt na het drinken."
)


def _item(n: int, author: str, **fields: Any) -> Map[Any]:
    return Map({"id": f"s{n}", "author": author, "created": "2026-11-23T10:15:00+00:00", **fields})


def stress_board(facilitator_id: str) -> bytes:
    doc: Doc[Any] = Doc()
    doc.apply_update(jansen_board("Zware bijeenkomst", facilitator_id=facilitator_id))
    with doc.transaction():
        participants = doc.get("participants", type=Map)
        ratings = doc.get("scales", type=Map)["safety"]["ratings"]
        for i, name in enumerate(RELATIVES):
            pid = f"p_rel{i}"
            participants[pid] = Map(
                {"name": name, "role": "participant", "joined": "2026-11-23T10:00:00+00:00"}
            )
            ratings[pid] = i % 11
        worries = doc.get("worries", type=Array)
        while len(worries) < 40:
            n = len(worries)
            worries.append(_item(100 + n, "p_rel0", kind="harm", text=Text(WORRY.format(n=n))))
        plan = doc.get("plan", type=Array)
        for n in range(9):
            plan.append(
                _item(
                    200 + n,
                    facilitator_id,
                    rule=Text(f"Afspraak {n}: er is altijd een volwassene bij die niet dronk"),
                    who="Oma Riet en oom Kees",
                    when="Elke avond",
                    check="Juf Anja vraagt het op maandag",
                    if_broken="Moeder belt Sanne",
                    status="agreed",
                )
            )
        network = doc.get("network", type=Array)
        for n, name in enumerate(RELATIVES):
            network.append(
                _item(300 + n, facilitator_id, name=name, relation="familie", circle="middle",
                      safety_person=n % 2 == 0)
            )  # fmt: skip
    board_schema().validate_document(doc)
    return doc.get_update()


async def new_stress_meeting(store: Store, case_id: str, facilitator_id: str) -> str:
    board = await create_board(
        store, "Zware bijeenkomst", "nl", case_id=case_id, first_update=stress_board(facilitator_id)
    )
    return board.id
