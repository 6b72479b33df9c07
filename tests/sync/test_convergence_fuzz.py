"""A seeded convergence fuzz on the in-process room (tests/sync/in_room.py).

Sanne facilitates, three relatives take part, the beamer watches. Each step a seeded random
choice: someone edits their phone's copy (adds a card, types into one, deletes one, gives a
rating; now and then a relative does what they may not, which the room refuses and closes),
the room is handed a few of the phones' pending updates, a phone takes in what the room
sent it, or a phone drops off and comes back (exchanging what each side lacks, as y-websocket
does). Nothing is delivered by time: every delivery is an explicit, seeded step. At the end
everyone reconnects, and every phone, the room's document and the store hold the same board,
and every update the room accepted is in it.

A fixed set of seeds runs in CI; a seed that ever failed gets its own named test below.
`FUZZ_SEEDS=500 pytest tests/sync/test_convergence_fuzz.py -k many` tries more.
"""

from __future__ import annotations

import os
import random
from typing import Any

import pytest
from pycrdt import Array, Doc, Map, Text

from server.access.roles import Role
from server.boards import create_board
from server.services import Services
from server.sync import protocol
from server.sync.connection import Connection
from server.sync.room import Room
from tests.sync.in_room import Socket, connect, occupied, settled, stored_doc

STEPS = 120
CI_SEEDS = range(12)  # about a tenth of a second each
LETTERS = "abcde zin"
# pycrdt 0.14 (Yrs) encodes a letter typed right after a non-ASCII one by the same document
# with itself as its right origin: no other document can integrate it, and the room holds
# it for history that never comes (test_yrs_typing_after_an_accented_letter below; the
# room's own document is not affected by what it integrates from Yjs clients). Browsers
# type with Yjs, which encodes it right, so the phones here type ASCII; the seeds that found
# it type accents too, and stay pinned until pycrdt encodes them right. (With accents, seeds
# 1, 10, 28 and 31 also make pycrdt panic deleting a letter from a phone's text: another
# pycrdt matter, not the room's.)
ACCENTED = "abcdeé zin"


class FuzzPhone:
    """A person's phone: its own copy of the board, what it made and has not sent yet, and
    how far it has read what the room sent it."""

    def __init__(self, name: str, role: Role, rng: random.Random) -> None:
        self.name, self.role, self.pid = name, role, f"p_{name}"
        self.rng = rng  # Yjs client ids from the seed too: they order concurrent inserts
        self.doc: Doc[Any] = Doc(client_id=rng.randrange(1, 2**31))
        self.outbox: list[bytes] = []
        self.connection: Connection | None = None
        self.socket = Socket()
        self.read = 0
        self.accepted: list[bytes] = []  # what the room sent this phone: accepted updates

    def open(self, room: Room, services: Services, fresh: bool) -> None:
        """Connect; as y-websocket's sync steps do, take in what the room has and queue
        what the room lacks (all of it, after a refusal the page starts again)."""
        if fresh:
            self.doc = Doc(client_id=self.rng.randrange(1, 2**31))
        self.outbox = []
        self.connection, self.socket = connect(room, services, self.name, role=self.role)
        self.read = 0
        self.doc.apply_update(room.doc.get_update(self.doc.get_state()))
        lacking = self.doc.get_update(room.doc.get_state())
        if lacking != b"\x00\x00":
            self.outbox.append(lacking)

    def close(self, room: Room) -> None:
        if self.connection is not None:
            room.leave(self.connection)
        self.connection = None

    @property
    def refused(self) -> bool:
        return self.connection is not None and self.connection.closed

    def take_in(self) -> None:
        for message in self.socket.messages()[self.read :]:
            if isinstance(message, protocol.SyncUpdate):
                self.doc.apply_update(message.update)
                self.accepted.append(message.update)
        self.read = len(self.socket.frames)

    def edit(self, rng: random.Random, hostile: bool, letters: str) -> None:
        before = self.doc.get_state()
        cards = self.doc.get("worries", type=Array)
        mine = [i for i, card in enumerate(cards) if card.get("author") == self.pid]
        theirs = [i for i in range(len(cards)) if i not in mine]
        editable = list(range(len(cards))) if self.role is Role.FACILITATOR else mine
        if hostile and theirs:
            self._hostile(rng, cards, theirs)
        else:
            choice = rng.random()
            if choice < 0.25 or not editable:
                card_id = f"c_{self.name}_{rng.randrange(10**6)}"
                created = "2026-11-23T10:00:00Z"
                card = {"id": card_id, "text": Text(""), "kind": "harm", "author": self.pid}
                cards.append(Map({**card, "created": created}))
            elif choice < 0.75:
                text = cards[rng.choice(editable)]["text"]
                at = rng.randint(0, len(text))
                if len(text) and rng.random() < 0.2:
                    start = max(at - 1, 0)
                    del text[start : start + 1]
                else:
                    text.insert(at, rng.choice(letters))
            elif choice < 0.85:
                del cards[rng.choice(editable)]
            else:
                ratings = self.doc.get("scales", type=Map)["safety"]["ratings"]
                ratings[self.pid] = rng.randint(0, 10)
        update = self.doc.get_update(before)
        if update != b"\x00\x00":
            self.outbox.append(update)

    def _hostile(self, rng: random.Random, cards: Array[Any], theirs: list[int]) -> None:
        """What a participant may not do: refused by the room, which closes the phone."""
        kind = rng.randrange(3)
        if kind == 0:
            del cards[rng.choice(theirs)]
        elif kind == 1:
            cards[rng.choice(theirs)]["text"].insert(0, "!")
        else:
            self.doc.get("meta", type=Map)["title"] = "Niet van mij"


def board_of(doc: Doc[Any]) -> dict[str, Any]:
    return {name: doc.get(name, type=t).to_py() for name, t in ROOTS.items()}


def cards(doc: Doc[Any]) -> list[tuple[str, str]]:
    return [(card["id"], str(card["text"])) for card in doc.get("worries", type=Array)]


ROOTS = {"worries": Array, "meta": Map, "scales": Map}


async def run_seed(services: Services, seed: int, letters: str = LETTERS) -> None:
    rng = random.Random(seed)
    board = await create_board(services.store, "Familie Jansen", "nl")
    room = await services.rooms.acquire(board)
    people = {"sanne": Role.FACILITATOR, "oma": Role.PARTICIPANT, "oom": Role.PARTICIPANT,
              "tante": Role.PARTICIPANT}  # fmt: skip
    phones = [FuzzPhone(name, role, rng) for name, role in people.items()]
    beamer = FuzzPhone("beamer", Role.VIEWER, rng)  # connected throughout: hears every acceptance
    for phone in [*phones, beamer]:
        phone.open(room, services, fresh=True)

    for _ in range(STEPS):
        phone = rng.choice(phones)
        step = rng.random()
        if phone.connection is None:
            phone.open(room, services, fresh=False)
        elif phone.refused:
            phone.close(room)
            phone.open(room, services, fresh=True)  # the page starts again from the board
        elif step < 0.45:
            hostile = phone.role is Role.PARTICIPANT and rng.random() < 0.04
            phone.edit(rng, hostile, letters)
        elif step < 0.75:
            await deliver(rng, phones, room)
        elif step < 0.95:
            phone.take_in()
        else:
            phone.close(room)

    for phone in phones:  # everyone comes back and says what they still have
        if phone.refused:
            phone.close(room)
            phone.open(room, services, fresh=True)
        elif phone.connection is None:
            phone.open(room, services, fresh=False)
    while any(phone.outbox for phone in phones if not phone.refused):
        await deliver(rng, phones, room)
    for phone in [*phones, beamer]:
        if phone.refused:  # refused at the very end: starts again from the board
            phone.close(room)
            phone.open(room, services, fresh=True)
        phone.take_in()

    expected = board_of(room.doc)
    assert board_of(await stored_doc(services, room.board_id)) == expected, seed
    for phone in [*phones, beamer]:
        assert cards(phone.doc) == cards(room.doc), (seed, phone.name)
        assert board_of(phone.doc) == expected, (seed, phone.name)
    stored = await stored_doc(services, room.board_id)
    for update in beamer.accepted:  # nothing accepted is lost
        state = stored.get_state()
        stored.apply_update(update)
        assert stored.get_state() == state, seed


async def deliver(rng: random.Random, phones: list[FuzzPhone], room: Room) -> None:
    """Hand the room one to four pending updates, each from a phone picked at random, in
    order per phone, now and then as one batch; then wait until the room has dealt with them."""
    busy = await occupied(room) if rng.random() < 0.5 else None
    for _ in range(rng.randint(1, 4)):
        waiting = [phone for phone in phones if phone.outbox and phone.connection is not None]
        if not waiting:
            break
        phone = rng.choice(waiting)
        assert phone.connection is not None
        await room.receive(phone.connection, protocol.sync_update(phone.outbox.pop(0)))
    if busy is not None:
        await busy
    await settled(room)


@pytest.mark.parametrize("seed", CI_SEEDS)
async def test_every_phone_the_room_and_the_store_agree(services: Services, seed: int) -> None:
    await run_seed(services, seed)


@pytest.mark.skipif("FUZZ_SEEDS" not in os.environ, reason="FUZZ_SEEDS=N to try N seeds")
async def test_many_seeds(services: Services) -> None:
    for seed in range(int(os.environ.get("FUZZ_SEEDS", "0"))):
        await run_seed(services, 1000 + seed)


YRS_SELF_ORIGIN = pytest.mark.xfail(
    strict=True, reason="pycrdt 0.14 encodes typing after an accented letter unreadably"
)


@YRS_SELF_ORIGIN
async def test_seed_0_with_accents_typing_after_e_acute_reaches_everyone(
    services: Services,
) -> None:
    await run_seed(services, 0, ACCENTED)


@YRS_SELF_ORIGIN
async def test_seed_8_with_accents_typing_after_e_acute_reaches_everyone(
    services: Services,
) -> None:
    await run_seed(services, 8, ACCENTED)


@YRS_SELF_ORIGIN
def test_yrs_typing_after_an_accented_letter_can_be_read_by_another_document() -> None:
    """A phone (pycrdt) types "café", then " met" after it: neither what it sends for " met"
    nor its whole board can be read by another document, which keeps " met" pending."""
    phone: Doc[Any] = Doc(client_id=7)
    text = phone.get("t", type=Text)
    text.insert(0, "café")
    sent: list[bytes] = []
    phone.observe(lambda event: sent.append(event.update))
    text.insert(4, " met")
    whole: Doc[Any] = Doc(client_id=1)
    whole.apply_update(phone.get_update())
    assert str(whole.get("t", type=Text)) == "café met"
