"""Screenshots of the phone page's states at 360x640, from the demo case: the first screen,
the plan read in full, offline with a card waiting, the card sent, the meeting ended, and a
relative removed. The connection is cut by the tests' proxy (tests/support/proxy.py).

Run: .venv/bin/python -m docs.screenshots.phone_states   (after `make bundle`)
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from tests.browser.conftest import BROWSER
from tests.browser.phones import Meeting, demo_meeting, join_on_phone
from tests.support.node import NodeClients
from tests.support.proxy import proxy_to
from tests.support.server import free_port

HERE = Path(__file__).resolve().parent


async def shoot(browser: NodeClients, phone: str, name: str) -> None:
    await browser.call("screenshot", name=phone, path=str(HERE / f"phone-{name}.png"))


async def removed(browser: NodeClients, meeting: Meeting) -> None:
    await join_on_phone(browser, meeting, "oom", "Oom Piet", "oom")
    people = (await meeting.sanne.client.get(f"/api/boards/{meeting.board}")).json()
    piet = next(p for p in people["participants"] if p["name"] == "Oom Piet")
    await meeting.sanne.api(f"/api/boards/{meeting.board}/participants/{piet['id']}/remove")
    await browser.call("wait", name="oom", selector=".finished")
    await shoot(browser, "oom", "removed")


async def main() -> None:
    browser = NodeClients(BROWSER)
    await browser.start()
    front = free_port()
    try:
        with tempfile.TemporaryDirectory() as folder:
            async with (
                demo_meeting(Path(folder) / "data", front_port=front) as meeting,
                proxy_to(meeting.server.port, port=front) as proxy,
            ):
                await join_on_phone(browser, meeting, "oma", "Oma Riet", "oma")
                await shoot(browser, "oma", "first")
                await browser.call("click", name="oma", selector="[data-tab=plan]")
                await shoot(browser, "oma", "plan")
                await browser.call("click", name="oma", selector="[data-tab=worries]")
                await browser.call("evaluate", name="oma", expression="scrollTo(0, 0)")
                proxy.cut()
                await browser.call("wait", name="oma", selector=".status.disconnected")
                text = "Oma kan de kinderen op woensdag ophalen"
                await browser.call("fill", name="oma", selector="#compose-text", value=text)
                await browser.call("click", name="oma", selector="#compose button[type=submit]")
                await shoot(browser, "oma", "offline")
                proxy.restore()
                await browser.call(
                    "wait_text", name="oma", selector="#compose-feedback", text="Verzonden"
                )
                await shoot(browser, "oma", "sent")
                await removed(browser, meeting)
                await meeting.sanne.api(f"/api/boards/{meeting.board}/end")
                await browser.call("wait", name="oma", selector=".finished")
                await shoot(browser, "oma", "ended")
    finally:
        await browser.close()


if __name__ == "__main__":
    asyncio.run(main())
