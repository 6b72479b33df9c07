"""Two people typing in one card at once, in random ways: both screens end with the same
text, and not a letter lost or doubled."""

from __future__ import annotations

import asyncio
import random
from collections import Counter

import pytest

from tests.browser.conftest import Screens
from tests.browser.helpers import FIRST_WORRY, first_worry_on_both_screens
from tests.support.node import NodeClients
from tests.support.server import ServerProcess

CARET_KEYS = ("ArrowLeft", "ArrowRight", "Home", "End")


async def type_words(browser: NodeClients, name: str, words: list[str], rng: random.Random) -> None:
    """Between words the caret may wander; half the words are composed letter by letter,
    as a phone keyboard does, the rest typed."""
    for word in words:
        for _ in range(rng.randrange(4)):
            await browser.call("press_key", name=name, key=rng.choice(CARET_KEYS))
        if rng.random() < 0.5:
            for length in range(1, len(word) + 1):
                await browser.call("compose", name=name, text=word[:length])
                await asyncio.sleep(rng.random() * 0.03)
            await browser.call("commit", name=name, text=word)
        else:
            await browser.call("keyboard", name=name, text=word, delay=rng.randrange(30))
        await asyncio.sleep(rng.random() * 0.05)


@pytest.mark.parametrize("seed", range(3))
async def test_two_people_typing_anywhere_in_one_card_lose_and_double_nothing(
    screens: Screens,
    browser: NodeClients,
    server: ServerProcess,
    nodes: NodeClients,
    seed: int,
) -> None:
    rng = random.Random(seed)
    await first_worry_on_both_screens(browser, "X")
    for name in ("a", "b"):
        await browser.call("focus_end", name=name, selector=FIRST_WORRY)
    sanne = [f" s{i}{rng.choice('klmn')} " for i in range(6)]
    piet = [f" p{i}{rng.choice('qrst')} " for i in range(6)]
    await asyncio.gather(
        type_words(browser, "a", sanne, rng),
        type_words(browser, "b", piet, random.Random(seed + 100)),
    )
    # A third client: what the server holds once both have sent everything.
    await nodes.connect("observer", server.ws_url, screens.board, None, cookie=screens.cookie)
    want = Counter("X" + "".join(sanne + piet))
    await nodes.call(
        "wait_text_length", name="observer", part="worries", index=0, length=sum(want.values())
    )
    text = (await nodes.call("texts", name="observer", part="worries"))[0]
    assert Counter(text) == want, text
    for name in ("a", "b"):
        await browser.call("wait_values", name=name, selector=FIRST_WORRY, want=[text])
