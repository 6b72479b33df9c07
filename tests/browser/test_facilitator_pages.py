"""The facilitator's screens as a facilitator uses them: every link and button reachable from
the dashboard, by clicking only; one person in two tabs; the board on paper; by keyboard."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

from tests.browser.helpers import EMAIL, WORRIES, add_card, sign_in_and_open
from tests.browser.wall_cases import new_stress_meeting
from tests.support.node import NodeClients
from tests.support.server import Admin, ServerProcess
from tests.support.web import PASSWORD, join_by_code, sign_in

ME = "sanne"
HOME = "a[href='/'] >> nth=0"  # the dashboard link every page of a signed-in person has
LAST = {"Afmelden", "Sign out"}  # signing out: clicked at the very end
DESTRUCTIVE = re.compile(r"verwijder|remove", re.IGNORECASE)  # a card, a person: tested alone
IDS = re.compile(r"/(boards|cases|records)/[^/?#]+")


def kind_of(url: str) -> str:
    """The page a URL is, whatever board or case: /boards/{id}/projector."""
    path = re.sub(r"^https?://[^/]+", "", url).split("#")[0].split("?")[0]
    return IDS.sub(lambda m: f"/{m.group(1)}/{{id}}", path)


def key_of(item: dict[str, Any]) -> str:
    href = item["href"]
    if href and href.startswith("#"):
        return f"a {href}"
    if item["tag"] == "summary":
        return "summary"  # its name carries the join code, which changes
    return (
        f"a {kind_of(href)}{href[href.index('?') :] if '?' in href else ''}"
        if href
        else (f"{item['tag']} {item['name']}")
    )


def skipped(item: dict[str, Any]) -> bool:
    name = item["name"]
    return (
        not item["visible"]
        or name.split(" (")[0] in LAST
        or item["danger"]
        or bool(DESTRUCTIVE.match(name))
    )


async def no_error_on(
    browser: NodeClients, name: str, loads: list[dict[str, Any]], what: str
) -> None:
    for load in loads:
        assert load["status"] < 400, (what, load)
    assert await browser.call("count", name=name, selector=".message.error[role=alert]") == 0, what
    assert await browser.call("errors", name=name) == [], what


async def sign_in_by_hand(browser: NodeClients, server: ServerProcess) -> None:
    await browser.call("open", name=ME, width=1366, height=768)
    await browser.call("goto", name=ME, url=f"{server.http_url}/signin")
    await browser.call("fill", name=ME, selector="#email", value=EMAIL)
    await browser.call("fill", name=ME, selector="#password", value=PASSWORD)
    await browser.call("click", name=ME, selector="button[type=submit]")
    await browser.call("wait", name=ME, selector="h1")


async def follow(browser: NodeClients, path: list[str]) -> str:
    """From the dashboard, click what `path` names, in turn; returns the page's kind."""
    await browser.call("click_nth", name=ME, index=await index_of(browser, "HOME"))
    for key in path:
        await browser.call("click_nth", name=ME, index=await index_of(browser, key))
        if kind_of(await browser.call("url", name=ME)).startswith("/boards/{id}"):
            await browser.call("wait", name=ME, selector=".status.connected")
    return kind_of(await browser.call("url", name=ME))


async def index_of(browser: NodeClients, key: str) -> int:
    items = await browser.call("clickables", name=ME)
    for item in items:
        if item["visible"] and (key_of(item) == key or (key == "HOME" and item["href"] == "/")):
            return int(item["index"])
    raise AssertionError(f"{key} is not on the page any more")


async def check_popup(browser: NodeClients, what: str) -> None:
    popup = ME + "+"
    result = await browser.call("wait_load", name=popup)
    await no_error_on(browser, popup, result["loads"], what)
    if kind_of(result["url"]).endswith("/projector"):
        await browser.call("wait", name=popup, selector=".status.connected")
        assert await browser.call("console", name=popup) == [], what
    await browser.call("close_page", name=popup)


async def test_every_link_and_button_a_facilitator_can_reach_works(
    server: ServerProcess, admin: Admin, browser: NodeClients
) -> None:
    sanne = await sign_in(server, admin, EMAIL, "Sanne de Boer")
    case = await sanne.new_case("Familie Jansen")
    await new_stress_meeting(admin.store, case, sanne.user_id)
    await sign_in_by_hand(browser, server)

    clicked: set[tuple[str, str]] = set()
    explored = {"/"}
    paths: list[list[str]] = [[]]
    while paths:
        path = paths.pop(0)
        kind = await follow(browser, path)
        while True:
            items = [
                item
                for item in await browser.call("clickables", name=ME)
                if not skipped(item) and (kind, key_of(item)) not in clicked
            ]
            if not items:
                break
            # Switching the language last on each page, and back at once (the names change).
            items.sort(key=lambda item: bool(item["href"] and item["href"].startswith("?lang")))
            item = items[0]
            key = key_of(item)
            clicked.add((kind, key))
            what = f"{kind}: {key}"
            before = await browser.call("url", name=ME)
            result = await browser.call("click_nth", name=ME, index=item["index"])
            await no_error_on(browser, ME, result["loads"], what)
            if item["target"] == "_blank":
                await check_popup(browser, what)
            landed = kind_of(result["url"])
            if key.startswith("a ?lang"):
                back = [
                    i
                    for i in await browser.call("clickables", name=ME)
                    if (i["href"] or "").startswith("?lang")
                ]
                clicked.add((kind, key_of(back[0])))
                await browser.call("click_nth", name=ME, index=back[0]["index"])
            elif result["url"] != before and result["loads"]:
                if landed not in explored:
                    explored.add(landed)
                    paths.append([*path, key])
                await follow(browser, path)
    assert {"/", "/cases/{id}", "/boards/{id}"} <= explored
    board_keys = {key for kind, key in clicked if kind == "/boards/{id}"}
    assert "a /boards/{id}/projector" in board_keys  # the meeting panel's
    assert "a /" in board_keys and "a /cases/{id}" in board_keys  # back from the board
    assert "a /boards/{id}/projector" in {key for kind, key in clicked if kind == "/"}
    assert len(clicked) > 40

    # Last: end the meeting from the board (after its confirmation), then sign out.
    await follow(browser, ["a /boards/{id}"])
    await browser.call("click", name=ME, selector=".meeting-panel summary")
    await browser.call("click", name=ME, selector=".panel-actions button.danger")
    await browser.call("wait_url", name=ME, glob="**/records/**")
    result = await browser.call("wait_load", name=ME)
    await no_error_on(browser, ME, result["loads"], "end the meeting")
    # The record is the document itself, without the site around it: back to the board,
    # closed now, and from there to the dashboard to sign out.
    await browser.call("back", name=ME)
    await browser.call("wait", name=ME, selector=".banner.notice")
    await browser.call("click", name=ME, selector=".board-nav a[href='/']")
    await browser.call("wait_url", name=ME, glob=server.http_url + "/")
    await browser.call("click", name=ME, selector="form[action='/signout'] button")
    await browser.call("wait", name=ME, selector="#email")


async def test_one_person_in_two_tabs_is_one_chip_and_one_rating(
    server: ServerProcess, admin: Admin, browser: NodeClients
) -> None:
    sanne = await sign_in(server, admin, EMAIL, "Sanne de Boer")
    board = await sanne.new_meeting(await sanne.new_case())
    for tab in ("a", "b"):
        await sign_in_and_open(browser, server, tab, EMAIL, board)
    await browser.call("click", name="a", selector=".scale:first-child .score >> nth=3")
    await browser.call("click", name="b", selector=".scale:first-child .score >> nth=6")
    for tab in ("a", "b"):
        await browser.call("wait_values", name=tab, selector=".scale:first-child .pin", want=["6"])
        assert await browser.call("texts", name=tab, selector=".presence .person") == [
            "Sanne de Boer"
        ]


async def test_the_printed_board_shows_no_code_and_no_buttons(
    server: ServerProcess, admin: Admin, browser: NodeClients, tmp_path: Path
) -> None:
    sanne = await sign_in(server, admin, EMAIL, "Sanne de Boer")
    board = await new_stress_meeting(admin.store, await sanne.new_case(), sanne.user_id)
    await sign_in_and_open(browser, server, "a", EMAIL, board, width=1366, height=768)
    await browser.call("click", name="a", selector=".meeting-panel summary")
    await browser.call("wait", name="a", selector=".panel-body .qr")
    await browser.call("emulate_media", name="a", media="print")
    for selector in (
        "button",
        ".qr",
        ".meeting-panel",
        "select.place",
        "#wall-part",
        ".skip-links a",
    ):
        boxes = await browser.call("boxes", name="a", selector=selector)
        assert all(box["width"] == 0 for box in boxes), selector
    pdf = Path(await browser.call("pdf", name="a", path=str(tmp_path / "board.pdf")))
    pages = len(re.findall(rb"/Type\s*/Page[^s]", await asyncio.to_thread(pdf.read_bytes)))
    assert 0 < pages <= 6, pages  # 40 worries, 9 rules, 18 people: compact, not a dozen pages


async def test_skip_links_come_first_and_a_card_is_one_tab_stop(
    screens: Any, browser: NodeClients
) -> None:
    for text in ("Een", "Twee", "Drie"):
        await add_card(browser, "a", WORRIES, text)
    await add_card(browser, "a", ".plan-section", "Oma is er elke avond")
    first = await browser.call("tab_from_top", name="a", times=1)
    assert first["tag"] == "a" and first["href"] == "#part-columns", first
    await browser.call(
        "wait_values", name="a", selector=f"{WORRIES} textarea", want=["Een", "Twee", "Drie"]
    )
    stops = await browser.call("tab_stops", name="a")
    per_card: dict[str, list[str]] = {}
    for stop in stops:
        if stop["card"]:
            per_card.setdefault(stop["card"], []).append(stop["tag"])
    # Each card, the plan rule too (agree button, five fields), is one stop: its words.
    assert list(per_card.values()) == [["textarea"]] * 4, per_card
    names = [stop["name"] for stop in stops if stop["tag"] == "button"]
    assert "Verwijderen" not in names
    # Inside a card, its own controls come next, named after it.
    await browser.call("focus_end", name="a", selector=f"{WORRIES} li:first-child textarea")
    await browser.call("press_key", name="a", key="Tab")
    await browser.call("press_key", name="a", key="Tab")
    label = await browser.call("attribute", name="a", selector=":focus", attribute="aria-label")
    assert label == "Verwijder wat er is gebeurd (schade): Een", label


async def test_a_card_is_removed_by_the_button_named_after_it(
    screens: Any, browser: NodeClients
) -> None:
    await add_card(browser, "a", WORRIES, "Blijft staan")
    await add_card(browser, "a", WORRIES, "Weg ermee")
    await browser.call("wait_text", name="b", selector=f"{WORRIES} textarea", text="Weg ermee")
    named = "Verwijder wat er is gebeurd (schade): Weg ermee"
    await browser.call("click", name="a", selector=f"button[aria-label='{named}']")
    for screen in ("a", "b"):
        await browser.call(
            "wait_values", name=screen, selector=f"{WORRIES} textarea", want=["Blijft staan"]
        )
    assert await browser.call("dialogs", name="a") == ["Dit verwijderen?"]


async def test_a_relative_is_removed_from_the_meeting_by_the_button_with_their_name(
    server: ServerProcess, admin: Admin, browser: NodeClients
) -> None:
    sanne = await sign_in(server, admin, EMAIL, "Sanne de Boer")
    board = await sanne.new_meeting(await sanne.new_case())
    for name in ("Opa Henk", "Tante Mien"):
        _, joined = await join_by_code(server, await sanne.code(board), name)
        assert joined.status_code == 303
    await sign_in_and_open(browser, server, "a", EMAIL, board)
    await browser.call("click", name="a", selector=".meeting-panel summary")
    await browser.call("wait_text", name="a", selector=".people", text="Tante Mien")
    await browser.call(
        "click", name="a", selector="button[aria-label='Opa Henk uit de bijeenkomst verwijderen']"
    )
    await browser.call("wait_text", name="a", selector=".people li", text="verwijderd")
    rows = await browser.call("texts", name="a", selector=".people li")
    removed = [row for row in rows if "verwijderd" in row]
    assert len(removed) == 1
    assert removed[0].startswith("Opa Henk · verwijderd")  # and the button to let him back


async def test_in_forced_colours_the_chosen_rating_still_looks_chosen(
    screens: Any, browser: NodeClients
) -> None:
    await browser.call("emulate_media", name="a", forced_colors="active")
    await browser.call("click", name="a", selector=".scale:first-child .score >> nth=3")
    await browser.call("wait", name="a", selector=".scale:first-child .score.chosen")
    colours = await browser.call(
        "computed", name="a", selector=".scale:first-child .score", property="backgroundColor"
    )
    assert colours[3] not in colours[:3] + colours[4:], colours
