"""The facilitator's board in real Chromium: two screens on one board, live."""

from __future__ import annotations

import asyncio

from server.access.roles import Role
from shared_schema import board_schema
from tests.browser.conftest import Screens
from tests.browser.helpers import (
    FIRST_WORRY,
    GOALS,
    STRENGTHS,
    WORRIES,
    add_card,
    first_worry_on_both_screens,
)
from tests.support.node import NodeClients
from tests.support.server import Admin, ServerProcess


async def test_what_one_adds_everywhere_appears_on_the_other_screen(
    screens: Screens, browser: NodeClients
) -> None:
    await add_card(browser, "a", WORRIES, "Papa schreeuwt")
    await add_card(browser, "a", STRENGTHS, "Oma helpt elke woensdag")
    await add_card(browser, "a", GOALS, "Kinderen slapen veilig")
    await add_card(browser, "a", ".danger_statements", "Wij zijn bang dat Max")
    await add_card(browser, "a", ".plan-section", "Nooit alleen met vader")
    await browser.call("click", name="a", selector=".network-section .add")
    await browser.call(
        "fill", name="a", selector=".network-section li:last-child input", value="Oom Kees"
    )
    await browser.call(
        "press", name="a", selector=".network-section li:last-child input", key="Tab"
    )
    await browser.call(
        "fill", name="a", selector=".add-scale input >> nth=0", value="Hoe bereid is het netwerk?"
    )
    await browser.call("click", name="a", selector=".add-scale button[type=submit]")
    await browser.call("click", name="a", selector=".scale:first-child .score >> nth=7")

    for selector, text in (
        (".column-worries textarea", "Papa schreeuwt"),
        (".column-working_well textarea", "Oma helpt elke woensdag"),
        (".column-next_steps textarea", "Kinderen slapen veilig"),
        (".danger_statements textarea", "Wij zijn bang dat Max"),
        (".plan-section textarea", "Nooit alleen met vader"),
        (".network-section input", "Oom Kees"),
        (".scale h3", "Hoe bereid is het netwerk?"),
        (".scale:first-child .rating-row", "Sanne de Boer"),
    ):
        await browser.call("wait_text", name="b", selector=selector, text=text)
    assert await browser.call("texts", name="b", selector=".scale:first-child .pin") == ["7"]
    assert await browser.call("errors", name="a") == []
    assert await browser.call("errors", name="b") == []


async def test_two_people_typing_in_one_card_both_keep_their_words(
    screens: Screens, browser: NodeClients
) -> None:
    await first_worry_on_both_screens(browser, "Begin.")
    await browser.call("focus_end", name="a", selector=FIRST_WORRY)
    await browser.call("focus_end", name="b", selector=FIRST_WORRY)
    await asyncio.gather(
        browser.call("keyboard", name="a", text=" Zin van Sanne.", delay=40),
        browser.call("keyboard", name="b", text=" Zin van Piet.", delay=40),
    )
    for name in ("a", "b"):
        await browser.call("wait_text", name=name, selector=FIRST_WORRY, text="Sanne.")
        await browser.call("wait_text", name=name, selector=FIRST_WORRY, text="Piet.")
    a = await browser.call("values", name="a", selector=FIRST_WORRY)
    b = await browser.call("values", name="b", selector=FIRST_WORRY)
    assert a == b
    assert a[0] in ("Begin. Zin van Sanne. Zin van Piet.", "Begin. Zin van Piet. Zin van Sanne.")


async def test_letters_typed_next_to_the_same_letters_stay_the_typists(
    screens: Screens, server: ServerProcess, browser: NodeClients, nodes: NodeClients
) -> None:
    # Piet's " Zin" arrives right where Sanne's caret is; she types " Zin" too, in front of
    # it. On screen both readings are the same text, so look at whose letters are whose: had
    # her first space been put after his (an equal letter), their next concurrent letters
    # would land inside each other's words.
    await add_card(browser, "a", WORRIES, "Begin.")
    await nodes.connect("piet", server.ws_url, screens.board, None, cookie=screens.cookie)
    await nodes.call("wait_text", name="piet", part="worries", index=0, includes="Begin.")
    await browser.call("focus_end", name="a", selector=FIRST_WORRY)
    await nodes.call("type", name="piet", part="worries", index=0, text=" Zin")
    await browser.call("wait_text", name="a", selector=FIRST_WORRY, text="Begin. Zin")
    await browser.call("keyboard", name="a", text=" Zin")
    await nodes.call("wait_text", name="piet", part="worries", index=0, includes=" Zin Zin")

    piet = await nodes.call("client_id", name="piet")
    runs = await nodes.call("runs", name="piet", part="worries", index=0)
    assert [(client == piet, text) for client, text in runs] == [
        (False, "Begin. Zin"),
        (True, " Zin"),
    ]


async def test_a_card_added_by_someone_else_leaves_the_typist_in_her_card(
    screens: Screens, browser: NodeClients
) -> None:
    # Taking her card out of the page to put the new one after it, even for an instant,
    # would close a phone's keyboard and drop a word being composed.
    await first_worry_on_both_screens(browser, "Sanne typt hier")
    await browser.call("watch_blur", name="a", selector=FIRST_WORRY)
    await add_card(browser, "b", WORRIES, "Piet voegt toe")
    await browser.call(
        "wait_text", name="a", selector=f"{WORRIES} li:last-child textarea", text="Piet voegt toe"
    )
    await browser.call("keyboard", name="a", text=" en verder")
    assert await browser.call("blurs", name="a") == 0
    assert await browser.call("values", name="a", selector=f"{WORRIES} textarea") == [
        "Sanne typt hier en verder",
        "Piet voegt toe",
    ]


async def test_ticking_a_box_while_someone_adds_a_network_member_breaks_nothing(
    screens: Screens, browser: NodeClients
) -> None:
    safety_box = ".network-section li:first-child input[type=checkbox]"
    await browser.call("click", name="a", selector=".network-section .add")
    await browser.call("wait", name="b", selector=safety_box)
    await browser.call("click", name="b", selector=safety_box)
    await browser.call("watch_blur", name="b", selector=safety_box)
    await browser.call("click", name="a", selector=".network-section .add")
    await browser.call("wait", name="b", selector=".network-section li:nth-child(2)")
    assert await browser.call("errors", name="b") == []
    assert await browser.call("blurs", name="b") == 0


async def test_a_word_being_composed_survives_someone_else_typing_in_the_card(
    screens: Screens, browser: NodeClients
) -> None:
    # A phone keyboard composes each word. Setting the textarea's value mid-word ends the
    # composition and the keyboard types the word again ("ZinZinnen"): Piet's words wait
    # on Sanne's screen until her word is done.
    await first_worry_on_both_screens(browser, "Begin.")
    await browser.call("focus_end", name="a", selector=FIRST_WORRY)
    await browser.call("keyboard", name="a", text=" ")
    for word in ("Z", "Zi", "Zin"):
        await browser.call("compose", name="a", text=word)
    await browser.call("focus_end", name="b", selector=FIRST_WORRY)
    await browser.call("keyboard", name="b", text=" Piet")
    # The server passes on Piet's changes in order: once his next card is on Sanne's screen,
    # his words have reached her page.
    await add_card(browser, "b", STRENGTHS, "Klaar")
    await browser.call("wait_text", name="a", selector=f"{STRENGTHS} textarea", text="Klaar")
    assert await browser.call("values", name="a", selector=FIRST_WORRY) == ["Begin. Zin"]

    await browser.call("compose", name="a", text="Zinn")
    await browser.call("commit", name="a", text="Zinnen")
    for name in ("a", "b"):
        await browser.call(
            "wait_values", name=name, selector=FIRST_WORRY, want=["Begin. Zinnen Piet"]
        )


async def test_a_card_moved_while_someone_types_in_it_keeps_both_edits(
    screens: Screens, browser: NodeClients
) -> None:
    await first_worry_on_both_screens(browser, "Kaart om te verplaatsen")
    await browser.call("focus_end", name="b", selector=FIRST_WORRY)
    typing = asyncio.create_task(
        browser.call("keyboard", name="b", text=" en wat Piet erbij typt", delay=60)
    )
    await browser.call("wait_text", name="a", selector=FIRST_WORRY, text=" en w")
    await browser.call(
        "select",
        name="a",
        selector=f"{WORRIES} li:first-child select.place",
        value="next_steps:goal",
    )
    await typing
    for name in ("a", "b"):
        await browser.call(
            "wait_text", name=name, selector=f"{GOALS} textarea", text="en wat Piet erbij typt"
        )
        assert await browser.call("count", name=name, selector=f"{WORRIES} li") == 0
        assert await browser.call("values", name=name, selector=f"{GOALS} textarea") == [
            "Kaart om te verplaatsen en wat Piet erbij typt"
        ]


async def test_the_page_reconnects_after_a_restart_and_shows_everything(
    screens: Screens, server: ServerProcess, browser: NodeClients
) -> None:
    await add_card(browser, "a", WORRIES, "Voor de herstart")
    await browser.call(
        "wait_text", name="b", selector=".column-worries textarea", text="Voor de herstart"
    )
    await server.stop()
    await browser.call("wait", name="a", selector=".status.disconnected, .status.connecting")
    # Typed while the server is away: it stays on screen and goes out when it is back.
    await add_card(browser, "a", STRENGTHS, "Getypt zonder verbinding")
    await server.start()
    for name in ("a", "b"):
        await browser.call("wait", name=name, selector=".status.connected", timeout=30000)
        await browser.call(
            "wait_text", name=name, selector=".column-worries textarea", text="Voor de herstart"
        )
    await browser.call(
        "wait_text",
        name="b",
        selector=".column-working_well textarea",
        text="Getypt zonder verbinding",
        timeout=30000,
    )


async def test_a_card_with_markup_shows_as_text_and_runs_nothing(
    screens: Screens, browser: NodeClients
) -> None:
    attack = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    await add_card(browser, "a", WORRIES, attack)
    await browser.call("wait_text", name="b", selector=".column-worries textarea", text=attack)
    for name in ("a", "b"):
        assert await browser.call("values", name=name, selector=".column-worries textarea") == [
            attack
        ]
        assert await browser.call("count", name=name, selector="img[src=x]") == 0
        assert await browser.call("dialogs", name=name) == []
    storage = await browser.call("storage", name="b")
    assert storage == {"local": 0, "session": 0, "indexeddb": 0}


async def test_a_full_part_of_the_board_says_so_and_the_meeting_carries_on(
    screens: Screens, browser: NodeClients, nodes: NodeClients, server: ServerProcess, admin: Admin
) -> None:
    limit = board_schema().item_limit("danger_statements")
    assert limit is not None
    token = await admin.token(screens.board, Role.FACILITATOR, "Sanne")
    await nodes.connect("tool", server.ws_url, screens.board, token)
    statement = {"id": "s", "author": "$me", "created": "2026-11-23T10:00:00Z", "text": "Bang"}
    await nodes.call("add", name="tool", part="danger_statements", item=statement, count=limit)
    await browser.call("wait", name="a", selector=f".danger_statements li:nth-child({limit})")
    await browser.call("click", name="a", selector=".danger_statements .add")
    await browser.call("wait_text", name="a", selector=".banner.message", text="vol")
    assert await browser.call("count", name="a", selector=".danger_statements li") == limit
    assert await browser.call("count", name="a", selector=".status.connected") == 1
    await add_card(browser, "a", WORRIES, "Papa schreeuwt")  # the rest of the board still takes
    await browser.call("wait_text", name="b", selector=".column-worries textarea", text="Papa")
    assert await browser.call("errors", name="a") == []
