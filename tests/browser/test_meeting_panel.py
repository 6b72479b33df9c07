"""The facilitator's meeting panel: removing a person, and the new code offered with it."""

from __future__ import annotations

import os

from tests.browser.conftest import Screens
from tests.support.node import NodeClients
from tests.support.server import ServerProcess
from tests.support.waiting import until
from tests.support.web import join_by_code

SHOTS = os.environ.get("NETWERKBORD_SCREENSHOTS")


async def test_removing_a_person_offers_a_new_code_and_shows_when_they_try_again(
    server: ServerProcess, screens: Screens, browser: NodeClients
) -> None:
    await browser.call("click", name="a", selector=".meeting-panel summary")
    await browser.call("wait", name="a", selector=".meeting-panel .code")
    old_code = (await browser.call("texts", name="a", selector=".meeting-panel .code"))[0]
    phone, joined = await join_by_code(server, old_code.replace("-", ""), "Kees", "oom")
    assert joined.status_code == 303
    await browser.call("wait_text", name="a", selector=".meeting-panel .people", text="Kees")

    await browser.call("click", name="a", selector=".meeting-panel .people button")
    await browser.call("wait_text", name="a", selector=".meeting-panel .people", text="verwijderd")
    asked = await browser.call("dialogs", name="a")
    assert asked[0] == "Kees uit de bijeenkomst verwijderen?"
    assert "Ook een nieuwe code geven?" in asked[1]

    async def the_code_changed() -> bool:
        shown = await browser.call("texts", name="a", selector=".meeting-panel .code")
        return bool(shown[0]) and shown[0] != old_code

    await until(the_code_changed, "the panel showing the new code")
    back = await phone.get(f"/j/{old_code.replace('-', '')}")
    assert back.status_code == 410, "the old code is replaced"
    if SHOTS:
        await browser.call("screenshot", name="a", path=f"{SHOTS}/meeting-panel-removed.png")
