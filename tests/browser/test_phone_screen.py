"""A relative on a small phone (360 by 640) in the demo case's meeting: the first screen
offers to add something, every text reads in full, every action is answered where the
person is looking, the end of their part in the meeting is one message, and their language
and their dates are their own."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.browser.phones import Meeting, demo_meeting, in_view, join_on_phone
from tests.support.node import NodeClients

ADD = "#compose button[type=submit]"


@pytest.fixture
async def meeting(tmp_path: Path) -> AsyncIterator[Meeting]:
    async with demo_meeting(tmp_path / "data") as opened:
        yield opened


async def fill_board(nodes: NodeClients, meeting: Meeting, cards: int) -> None:
    """The stress case: the facilitator's laptop puts `cards` more worries on the board."""
    token = await meeting.facilitator_token()
    await nodes.connect("sanne", meeting.server.ws_url, meeting.board, token)
    item = {
        "id": "stress",
        "author": "$me",
        "kind": "harm",
        "text": "Er is die avond hard geschreeuwd en de kinderen waren erbij",
    }
    await nodes.call("add", name="sanne", part="worries", item=item, count=cards)


@pytest.mark.parametrize("extra_cards", [0, 40])
async def test_the_first_screen_offers_to_add_a_card(
    meeting: Meeting, browser: NodeClients, nodes: NodeClients, extra_cards: int
) -> None:
    if extra_cards:
        await fill_board(nodes, meeting, extra_cards)
    await join_on_phone(browser, meeting, "oma", "Oma Riet", "oma")
    assert await browser.call("evaluate", name="oma", expression="scrollY") == 0
    await in_view(browser, "oma", "#compose-text")
    await in_view(browser, "oma", ADD)

    await browser.call("fill", name="oma", selector="#compose-text", value="Vader drinkt weer")
    await browser.call("select", name="oma", selector="#compose-where", value="worries:danger")
    await browser.call("click", name="oma", selector=ADD)
    await browser.call("wait_text", name="oma", selector="#compose-feedback", text="Verzonden")
    said = await in_view(browser, "oma", "#compose-feedback")
    assert "Toegevoegd" in str(said["text"])
    assert await browser.call("evaluate", name="oma", expression="scrollY") == 0
    await browser.call(
        "wait_text", name="oma", selector=".kind-danger .text", text="Vader drinkt weer"
    )

    # Scrolled down through the cards, the way back to the form is a button in reach.
    await browser.call("evaluate", name="oma", expression="scrollTo(0, document.body.scrollHeight)")
    await browser.call("wait", name="oma", selector=".jump-to-add")
    await in_view(browser, "oma", ".jump-to-add")
    await browser.call("click", name="oma", selector=".jump-to-add")
    await browser.call("wait", name="oma", selector="#compose-text:focus")
    await in_view(browser, "oma", "#compose-text")


async def test_an_empty_card_is_answered_next_to_the_button(
    meeting: Meeting, browser: NodeClients
) -> None:
    await join_on_phone(browser, meeting, "oma", "Oma Riet", "oma")
    await browser.call("click", name="oma", selector=ADD)
    said = await in_view(browser, "oma", "#compose-feedback")
    assert "Schrijf eerst" in str(said["text"])


async def test_every_plan_rule_and_statement_reads_in_full(
    meeting: Meeting, browser: NodeClients, nodes: NodeClients
) -> None:
    await nodes.connect(
        "sanne", meeting.server.ws_url, meeting.board, await meeting.facilitator_token()
    )
    rules = await nodes.call("texts", name="sanne", part="plan", field="rule")
    statements = [
        text
        for part in ("danger_statements", "safety_goals", "bottom_lines")
        for text in await nodes.call("texts", name="sanne", part=part)
    ]
    await join_on_phone(browser, meeting, "oma", "Oma Riet", "oma")
    await browser.call("click", name="oma", selector="[data-tab=plan]")
    shown = await browser.call("boxes", name="oma", selector="#panel-plan .plan > li .text")
    assert [box["text"] for box in shown] == rules
    said = await browser.call("boxes", name="oma", selector="#panel-plan .statements li .text")
    assert [box["text"] for box in said] == statements
    for box in [*shown, *said]:
        assert box["tag"] == "p", box  # text, not a read-only box that looks like an input
        assert box["fits"], box
        assert box["bottom"] - box["top"] > 20, box


async def test_proposing_a_rule_is_answered_next_to_the_button(
    meeting: Meeting, browser: NodeClients
) -> None:
    await join_on_phone(browser, meeting, "oma", "Oma Riet", "oma")
    await browser.call("click", name="oma", selector="[data-tab=plan]")
    await browser.call("click", name="oma", selector="#propose button[type=submit]")
    said = await in_view(browser, "oma", "#propose-feedback")
    assert "Schrijf eerst de afspraak" in str(said["text"])
    await browser.call(
        "fill", name="oma", selector="#propose-rule", value="Oma haalt Max op van school"
    )
    await browser.call("click", name="oma", selector="#propose button[type=submit]")
    await browser.call("wait_text", name="oma", selector="#propose-feedback", text="Verzonden")
    said = await in_view(browser, "oma", "#propose-feedback")
    assert "Voorgesteld" in str(said["text"])


async def test_a_relative_rates_before_seeing_the_others_ratings(
    meeting: Meeting, browser: NodeClients
) -> None:
    await join_on_phone(browser, meeting, "oma", "Opa Henk", "opa")
    await browser.call("click", name="oma", selector="[data-tab=scales]")
    assert await browser.call("count", name="oma", selector="#panel-scales .ratings") == 0
    await in_view(browser, "oma", "#panel-scales .own-first")
    await browser.call("click", name="oma", selector="#panel-scales .score >> nth=6")
    await browser.call("wait_text", name="oma", selector="#rate-feedback-safety", text="Verzonden")
    said = await in_view(browser, "oma", "#rate-feedback-safety")
    assert "Uw cijfer: 6" in str(said["text"])
    names = await browser.call("texts", name="oma", selector="#panel-scales .rating-row .who")
    assert "Opa Henk" in names and "Oma Riet" in names


async def test_the_end_of_the_meeting_leaves_one_message_and_no_form(
    meeting: Meeting, browser: NodeClients
) -> None:
    await join_on_phone(browser, meeting, "oma", "Oma Riet", "oma")
    assert (await meeting.sanne.api(f"/api/boards/{meeting.board}/end")).status_code == 200
    await browser.call("wait_text", name="oma", selector="#app", text="De bijeenkomst is afgelopen")
    await one_message_and_no_form(browser, "oma")


async def test_a_removed_relative_gets_one_message_and_no_form(
    meeting: Meeting, browser: NodeClients
) -> None:
    await join_on_phone(browser, meeting, "oom", "Oom Piet", "oom")
    people = (await meeting.sanne.client.get(f"/api/boards/{meeting.board}")).json()["participants"]
    piet = next(p for p in people if p["name"] == "Oom Piet")
    removal = await meeting.sanne.api(
        f"/api/boards/{meeting.board}/participants/{piet['id']}/remove"
    )
    assert removal.status_code == 200
    await browser.call(
        "wait_text", name="oom", selector=".finished", text="uit deze bijeenkomst gehaald"
    )
    await one_message_and_no_form(browser, "oom")


async def one_message_and_no_form(browser: NodeClients, phone: str) -> None:
    assert await browser.call("count", name=phone, selector="form, textarea, input, .score") == 0
    assert await browser.call("count", name=phone, selector=".status:visible, .banner:visible") == 0
    assert await browser.call("count", name=phone, selector="[role=alert]:visible") == 1
    await in_view(browser, phone, ".finished")


async def test_english_chosen_on_the_join_page_stays_on_the_board(
    meeting: Meeting, browser: NodeClients
) -> None:
    await join_on_phone(browser, meeting, "aunt", "Aunt May", "aunt", language="en")
    assert (
        await browser.call("evaluate", name="aunt", expression="document.documentElement.lang")
        == "en"
    )
    await browser.call(
        "wait_text", name="aunt", selector=".add-first h2", text="Add something yourself"
    )
    await browser.call("wait_text", name="aunt", selector=".status", text="Connected")


async def test_dates_are_written_the_way_the_page_language_writes_them(
    meeting: Meeting, browser: NodeClients
) -> None:
    # The phone itself is set to American English; the meeting is Dutch.
    await join_on_phone(browser, meeting, "oma", "Oma Riet", "oma", locale="en-US")
    await browser.call("click", name="oma", selector="[data-tab=plan]")
    dates = await browser.call(
        "texts", name="oma", selector="#panel-plan .field.read:not([hidden])"
    )
    review = [text for text in dates if text.startswith("Evaluatie")]
    assert review == ["Evaluatie15 januari 2027", "Evaluatie15 januari 2027"], dates
    assert not any(re.search(r"\d+/\d+/\d+", text) for text in dates)
