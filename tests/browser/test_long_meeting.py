"""A long meeting on every screen at once: the facilitator's board, the projector and a few
phones, through dozens of lock and unlock clicks, new join codes, a removal, and the
facilitator agreeing and taking back rules. Every screen shows each rule's status as the
board has it, and no page piles up observers, listeners or DOM nodes: each stays within a
small margin of a fresh load of the same board."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from server.demo import DEMO_EMAIL
from tests.browser.helpers import sign_in_and_open
from tests.browser.phones import Meeting, demo_meeting, join_on_phone
from tests.support.node import NodeClients
from tests.support.waiting import until

LOCK_CYCLES = 20  # 40 clicks on the lock button
PHONES = ("oma", "oom", "tante")
STATUS = {"agreed": "afgesproken", "proposed": "voorgesteld"}
PANEL = "details.meeting-panel"


@pytest.fixture
async def meeting(tmp_path: Path) -> AsyncIterator[Meeting]:
    async with demo_meeting(tmp_path / "data") as opened:
        yield opened


async def open_screens(browser: NodeClients, meeting: Meeting) -> None:
    await sign_in_and_open(browser, meeting.server, "laptop", DEMO_EMAIL, meeting.board)
    await sign_in_and_open(
        browser,
        meeting.server,
        "wall",
        DEMO_EMAIL,
        meeting.board,
        width=1280,
        height=720,
        view="projector",
    )
    for phone, name in zip(PHONES, ("Oma Riet", "Oom Kees", "Tante Els"), strict=True):
        await join_on_phone(browser, meeting, phone, name)
    await browser.call("click", name="laptop", selector=f"{PANEL} summary")


async def click_lock(browser: NodeClients, locked: bool) -> None:
    """The facilitator clicks the lock button; every phone follows."""
    label = "Van het slot" if locked else "Op slot"
    await browser.call("click", name="laptop", selector=f"{PANEL} button:has-text('{label}')")
    for phone in PHONES:
        await browser.call(
            "wait", name=phone, selector=".locked-note", state="hidden" if locked else "visible"
        )


async def same_status_everywhere(browser: NodeClients, nodes: NodeClients) -> None:
    """Every screen that shows the plan shows each rule's status as the board has it."""
    plan = (await nodes.call("json", name="sanne"))["plan"]
    want = [STATUS[rule["status"]] for rule in plan]
    for screen in ("laptop", *PHONES):
        try:
            await browser.call("wait_values", name=screen, selector=".plan > li .badge", want=want)
        except Exception:
            got = await browser.call("texts", name=screen, selector=".plan > li .badge")
            raise AssertionError((screen, want, got)) from None


async def toggle_rule(browser: NodeClients, nodes: NodeClients, index: int) -> None:
    """The facilitator clicks a rule's agree (or take back) button, once the board has it."""
    before = (await nodes.call("json", name="sanne"))["plan"][index]["status"]
    await browser.call("click", name="laptop", selector=f".plan > li .agree >> nth={index}")

    async def changed() -> bool:
        return bool((await nodes.call("json", name="sanne"))["plan"][index]["status"] != before)

    await until(changed, "the rule's new status on the board")
    await same_status_everywhere(browser, nodes)


async def holdings(browser: NodeClients, screen: str) -> dict[str, Any]:
    held: dict[str, Any] = await browser.call("holdings", name=screen)
    assert held["census"] is not None, "the page does not count its observers"
    return held


def within_margin(long: dict[str, Any], fresh: dict[str, Any], screen: str) -> None:
    assert long["nodes"] <= fresh["nodes"] * 1.1 + 100, (screen, long, fresh)
    assert long["listeners"] <= fresh["listeners"] * 1.1 + 30, (screen, long, fresh)
    for kind in ("observers", "deep", "text", "doc"):
        assert long["census"][kind] <= fresh["census"][kind] + 3, (screen, kind, long, fresh)


async def test_a_long_meeting_leaves_every_screen_as_light_and_as_true_as_a_fresh_one(
    meeting: Meeting, browser: NodeClients, nodes: NodeClients
) -> None:
    await nodes.connect(
        "sanne", meeting.server.ws_url, meeting.board, await meeting.facilitator_token()
    )
    await open_screens(browser, meeting)
    await same_status_everywhere(browser, nodes)

    for cycle in range(LOCK_CYCLES):
        await click_lock(browser, locked=False)
        if cycle % 4 == 0:
            # The facilitator agrees a rule, or takes the agreement back, while it is locked.
            rules = await browser.call("count", name="laptop", selector=".plan > li .agree")
            await toggle_rule(browser, nodes, cycle // 4 % rules)
        await click_lock(browser, locked=True)
        if cycle % 5 == 0:
            phone = PHONES[cycle // 5 % len(PHONES)]
            await browser.call("fill", name=phone, selector="#compose-text", value=f"Kaart {cycle}")
            await browser.call("click", name=phone, selector="#compose button[type=submit]")
            await browser.call(
                "wait_text", name=phone, selector="#compose-feedback", text="Verzonden"
            )
        if cycle % 7 == 3:
            await browser.call(
                "click", name="laptop", selector=f"{PANEL} button:has-text('Nieuwe code')"
            )
        if cycle == 10:
            phone = PHONES[0]
            await browser.call("click", name=phone, selector="[data-tab=plan]")
            await browser.call(
                "fill", name=phone, selector="#propose-rule", value="Oma belt elke avond"
            )
            await browser.call("click", name=phone, selector="#propose button[type=submit]")
            await browser.call(
                "wait_text", name=phone, selector="#propose-feedback", text="Verzonden"
            )
            await same_status_everywhere(browser, nodes)
            # The facilitator agrees to it, and then takes it back.
            last = await browser.call("count", name="laptop", selector=".plan > li .agree") - 1
            for _ in range(2):
                await toggle_rule(browser, nodes, last)
        if cycle == 12:
            meeting.code = await meeting.sanne.code(meeting.board)
            await join_on_phone(browser, meeting, "neef", "Neef Bram")
            await browser.call("wait_text", name="laptop", selector=".people", text="Neef Bram")
            await browser.call(
                "click", name="laptop", selector=".people li:has-text('Neef Bram') button"
            )
            await browser.call("wait", name="neef", selector=".finished")
            await browser.call("close", name="neef")
    await same_status_everywhere(browser, nodes)

    for screen in ("laptop", "wall", *PHONES):
        long = await holdings(browser, screen)
        url = await browser.call("url", name=screen)
        await browser.call("goto", name=screen, url=url)
        await browser.call("wait", name=screen, selector=".status.connected")
        if screen in PHONES:
            await browser.call("wait", name=screen, selector="#compose")
        fresh = await holdings(browser, screen)
        print(screen, "after the meeting", long, "fresh", fresh)
        within_margin(long, fresh, screen)
    assert all([await browser.call("errors", name=s) == [] for s in ("laptop", "wall", *PHONES)])
