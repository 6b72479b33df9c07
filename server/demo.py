"""A realistic, made-up case to try Netwerkbord with: the Jansen family (Max, 6, Ash, 8).

`netwerkbord demo` puts it in a data directory with an account to sign in with; the
documentation's pictures are made from it. Every name is invented.
"""

from __future__ import annotations

from typing import Any

from pycrdt import Array, Doc, Map, Text

from server.access.accounts import Accounts, User
from server.access.codes import JoinCodes
from server.boards import create_board
from server.cases import Cases
from server.store.base import Store
from shared_schema import board_schema, new_board_update

PEOPLE = {
    "p_sanne": ("Sanne de Boer", "facilitator"),
    "p_moeder": ("Linda Jansen", "participant"),
    "p_oma": ("Oma Riet", "participant"),
    "p_kees": ("Oom Kees", "participant"),
    "p_anja": ("Juf Anja", "participant"),
    "p_ans": ("Buurvrouw Ans", "participant"),
}

CARDS = {
    "worries": [
        (
            "harm",
            "p_sanne",
            "Twee keer dit jaar is de politie gekomen na ruzie thuis; "
            "Max en Ash waren erbij en waren erg bang.",
        ),
        ("harm", "p_anja", "Max vertelde op school dat hij zich verstopt als papa boos is."),
        (
            "danger",
            "p_oma",
            "Als vader blijft drinken, kan het opnieuw uit de hand lopen "
            "terwijl de kinderen thuis zijn.",
        ),
        ("complicating", "p_moeder", "Moeder werkt 's avonds en er is dan niemand anders thuis."),
        ("complicating", "p_kees", "Geldzorgen sinds vader zijn baan kwijt is."),
    ],
    "working_well": [
        ("strength", "p_oma", "Oma haalt de kinderen elke woensdag op en ze slapen dan bij haar."),
        ("strength", "p_moeder", "Moeder heeft zelf hulp gezocht en komt elke afspraak na."),
        (
            "safety",
            "p_ans",
            "Ash weet dat ze bij buurvrouw Ans mag aanbellen als het thuis niet goed gaat.",
        ),
        ("safety", "p_anja", "Max is op school vrolijk en heeft twee goede vriendjes."),
    ],
    "next_steps": [
        ("goal", "p_sanne", "De kinderen zijn nooit alleen met vader als hij gedronken heeft."),
        ("step", "p_kees", "Oom Kees gaat met vader mee naar de verslavingszorg."),
        ("step", "p_moeder", "Moeder regelt voor de avonden dat oma of Ans er is."),
    ],
}
STATEMENTS = {
    "danger_statements": (
        "p_sanne",
        "Jeugdbescherming en oma zijn bang dat Max en Ash opnieuw "
        "ruzie en geweld meemaken en daar bang en onveilig van worden, als "
        "vader blijft drinken en er niemand is die ingrijpt.",
    ),
    "safety_goals": (
        "p_sanne",
        "Iedereen in het netwerk weet dat Max en Ash thuis veilig zijn: "
        "er is altijd een volwassene bij die niet gedronken heeft, en de kinderen "
        "weten wie ze kunnen bellen.",
    ),
    "bottom_lines": (
        "p_sanne",
        "Vader is niet alleen met de kinderen zolang hij niet drie "
        "maanden aantoonbaar gestopt is met drinken.",
    ),
}
PLAN = [
    (
        "p_oma",
        "Max en Ash zijn nooit alleen met vader",
        "Oma Riet en oom Kees",
        "Bij elk bezoek van vader",
        "Juf Anja vraagt het de kinderen op maandag",
        "Moeder belt Sanne dezelfde dag",
        "2027-01-15",
        "agreed",
    ),
    (
        "p_moeder",
        "Op avonden dat moeder werkt, is oma of buurvrouw Ans bij de kinderen",
        "Moeder regelt het, oma en Ans",
        "Maandag tot en met donderdag",
        "Oma houdt een schema bij op de koelkast",
        "Oom Kees springt bij",
        "2027-01-15",
        "agreed",
    ),
    (
        "p_ans",
        "Ash heeft een knuffel bij Ans als veiligheidsteken",
        "Ash en buurvrouw Ans",
        "Altijd",
        "Ans kijkt elke ochtend of de knuffel bij het raam staat",
        "Ans belt moeder en zo nodig Sanne",
        "",
        "proposed",
    ),
]
NETWORK = [
    ("Oma Riet", "oma (moeders kant)", "inner", True),
    ("Oom Kees", "broer van moeder", "inner", True),
    ("Buurvrouw Ans", "buurvrouw", "middle", True),
    ("Juf Anja", "juf van Max", "middle", False),
    ("Huisarts Bakker", "huisarts", "outer", False),
]
RATINGS = {"p_sanne": 4, "p_moeder": 6, "p_oma": 5, "p_kees": 6, "p_anja": 7, "p_ans": 5}


def _authored(index: int, author: str, **fields: Any) -> Map[Any]:
    return Map(
        {"id": f"i{index}", "author": author, "created": "2026-11-23T10:15:00+00:00", **fields}
    )


def jansen_board(
    title: str = "Netwerkbijeenkomst 23 november", facilitator_id: str = "p_sanne"
) -> bytes:
    """The board; `facilitator_id` is the account that signs in as Sanne, so that her cards
    and rating are that account's and she is one person on the board, not two."""

    def person(pid: str) -> str:
        return facilitator_id if pid == "p_sanne" else pid

    doc: Doc[Any] = Doc()
    doc.apply_update(new_board_update(title, "nl"))
    counter = iter(range(1, 1000))
    with doc.transaction():
        participants = doc.get("participants", type=Map)
        for pid, (name, role) in PEOPLE.items():
            participants[person(pid)] = Map(
                {"name": name, "role": role, "joined": "2026-11-23T10:00:00+00:00"}
            )
        for part, cards in CARDS.items():
            array = doc.get(part, type=Array)
            for kind, author, text in cards:
                array.append(_authored(next(counter), person(author), kind=kind, text=Text(text)))
        for part, (author, text) in STATEMENTS.items():
            doc.get(part, type=Array).append(
                _authored(next(counter), person(author), text=Text(text))
            )
        plan = doc.get("plan", type=Array)
        for author, rule, who, when, check, if_broken, review, status in PLAN:
            fields: dict[str, Any] = {
                "rule": Text(rule),
                "who": who,
                "when": when,
                "check": check,
                "if_broken": if_broken,
                "status": status,
            }
            if review:
                fields["review_date"] = review
            plan.append(_authored(next(counter), person(author), **fields))
        network = doc.get("network", type=Array)
        for name, relation, circle, safety in NETWORK:
            network.append(
                _authored(
                    next(counter),
                    facilitator_id,
                    name=name,
                    relation=relation,
                    circle=circle,
                    safety_person=safety,
                )
            )
        ratings = doc.get("scales", type=Map)["safety"]["ratings"]
        for pid, value in RATINGS.items():
            ratings[person(pid)] = value
    board_schema().validate_document(doc)
    return doc.get_update()


DEMO_EMAIL = "demo@netwerkbord.example"


async def create_demo(store: Store, password: str) -> tuple[User, str, str]:
    """A facilitator account, the Jansen case and its first meeting, filled in.
    Returns the account, the case id and the board id."""
    accounts = Accounts(store)
    user = await accounts.find_by_email(DEMO_EMAIL) or await accounts.create_user(
        DEMO_EMAIL, "Sanne de Boer", password
    )
    case_id, board_id = await add_demo_case(store, user)
    return user, case_id, board_id


async def add_demo_case(store: Store, user: User) -> tuple[str, str]:
    """The Jansen case and its first meeting, filled in, for `user` (who is Sanne on the
    board). Returns the case id and the board id."""
    case = await Cases(store).create("Familie Jansen (voorbeeld)", user)
    board = await create_board(
        store,
        "Netwerkbijeenkomst 23 november",
        "nl",
        case_id=case.id,
        first_update=jansen_board(facilitator_id=user.id),
    )
    await JoinCodes(store).issue(board.id)
    return case.id, board.id
