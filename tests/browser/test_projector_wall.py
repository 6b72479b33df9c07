"""The wall: the projector view at projector sizes with a heavy meeting, following the
facilitator's choice of part and a new join code at once, never taller than the screen."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.helpers import EMAIL, sign_in_and_open
from tests.browser.wall_cases import new_stress_meeting
from tests.support.node import NodeClients
from tests.support.server import Admin, ServerProcess
from tests.support.web import sign_in

PARTS = ["all", "columns", "statements", "scales", "plan", "network"]
WALL = "laptop+"  # the projector tab the laptop's link opens, dragged to the beamer
AT_ONCE = 1000  # ms: what "the wall follows at once" means here


async def open_wall(browser: NodeClients, server: ServerProcess, board: str) -> None:
    """The facilitator opens the board, then the projector from the meeting panel."""
    await sign_in_and_open(browser, server, "laptop", EMAIL, board, width=1366, height=768)
    await browser.call("click", name="laptop", selector=".meeting-panel summary")
    await browser.call("click", name="laptop", selector=".panel-actions a[href$='/projector']")
    await browser.call("wait_load", name=WALL)
    await browser.call("wait", name=WALL, selector=".status.connected")
    await browser.call("wait", name=WALL, selector=".join-corner .code")


@pytest.fixture
async def wall(server: ServerProcess, admin: Admin, browser: NodeClients) -> str:
    sanne = await sign_in(server, admin, EMAIL, "Sanne de Boer")
    case = await sanne.new_case("Familie Jansen")
    board = await new_stress_meeting(admin.store, case, sanne.user_id)
    await open_wall(browser, server, board)
    return board


def inside(box: dict[str, float], width: int, height: int) -> bool:
    return (
        box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= width + 0.5
        and box["y"] + box["height"] <= height + 0.5
    )


def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


async def visible_boxes(browser: NodeClients, selector: str) -> list[dict[str, Any]]:
    boxes: list[dict[str, Any]] = await browser.call("boxes", name=WALL, selector=selector)
    return [box for box in boxes if box["width"] > 0 and box["height"] > 0]


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)], ids=["1920x1080", "1280x720"])
async def test_the_wall_shows_each_chosen_part_whole_on_one_screen_beside_the_code(
    wall: str, browser: NodeClients, size: tuple[int, int]
) -> None:
    width, height = size
    await browser.call("resize", name=WALL, width=width, height=height)
    for part in PARTS:
        await browser.call("select", name="laptop", selector="#wall-part", value=part)
        await browser.call(
            "wait", name=WALL, selector=f".wall[data-part='{part}']", timeout=AT_ONCE
        )
        page = await browser.call("page_size", name=WALL)
        assert page["height"] <= height and page["width"] <= width, (part, page)
        regions = await visible_boxes(browser, ".wall-region")
        expected = 5 if part == "all" else 1
        assert len(regions) == expected, (part, regions)
        corner = (await visible_boxes(browser, ".join-corner"))[0]
        assert inside(corner, width, height)
        for region in regions:
            assert inside(region, width, height), (part, region)
            assert not overlap(region, corner), (part, region, corner)
        cards = await visible_boxes(browser, ".wall-region:not([hidden]) .card")
        assert not any(overlap(card, corner) for card in cards), part
        if part == "scales":  # every relative's rating is on the wall
            rows = await visible_boxes(browser, ".region-scales .ratings .rating-row")
            assert len(rows) == 18  # the demo's six and twelve more relatives
            assert all(inside(row, width, height) for row in rows)
    assert await browser.call("console", name=WALL) == []


async def test_a_new_code_made_on_the_laptop_is_on_the_wall_at_once(
    wall: str, browser: NodeClients
) -> None:
    await browser.call("resize", name=WALL, width=1280, height=720)
    before = (await browser.call("texts", name="laptop", selector=".meeting-panel .code"))[0]
    assert (await browser.call("texts", name=WALL, selector=".join-corner .code")) == [before]
    await browser.call("click", name="laptop", selector=".panel-actions button >> text=Nieuwe code")
    await browser.call(
        "wait_text_changes", name="laptop", selector=".meeting-panel .code", text=before
    )
    after = (await browser.call("texts", name="laptop", selector=".meeting-panel .code"))[0]
    await browser.call(
        "wait_values", name=WALL, selector=".join-corner .code", want=[after], timeout=AT_ONCE
    )
    qr = await browser.call("attribute", name=WALL, selector=".join-corner .qr", attribute="src")
    assert after.replace("-", "") in qr


async def test_the_projector_opens_read_only_without_a_warning(
    wall: str, browser: NodeClients, server: ServerProcess
) -> None:
    assert await browser.call("console", name=WALL) == []
    assert await browser.call("count", name=WALL, selector="textarea:not([readonly])") == 0
    assert await browser.call("count", name=WALL, selector=".wall button") == 0
    assert not any("refused" in line for line in server.log_lines)
