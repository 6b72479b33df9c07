"""What a phone page holds after the facilitator locks and unlocks the board many times.

A relative joins the demo meeting on a 360x640 phone; the facilitator locks and unlocks the
board CYCLES times (through the API, as the lock button does); after a full garbage
collection the page's DOM nodes, event listeners (Chrome DevTools' Performance.getMetrics)
and the observers on the board document (window.netwerkbord.census) are read, before and
after, and the same again after a fresh load of the page.

Run: .venv/bin/python -m bench.phone_locks [CYCLES]   (after `make bundle`)
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.browser.conftest import BROWSER
from tests.browser.phones import demo_meeting
from tests.support.node import NodeClients

LOCKED = ":is(.banner.notice, .locked-note):has-text('op slot')"


async def measure(cycles: int) -> dict[str, Any]:
    browser = NodeClients(BROWSER)
    await browser.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            async with demo_meeting(Path(folder) / "data") as meeting:
                await browser.call("open", name="oma", width=360, height=640, mobile=True)
                await browser.call("goto", name="oma", url=f"{meeting.front}/j/{meeting.code}")
                await browser.call("fill", name="oma", selector="#name", value="Oma Riet")
                await browser.call("click", name="oma", selector="button[type=submit]")
                await browser.call("wait", name="oma", selector=".status.connected")
                results = {"fresh": await browser.call("holdings", name="oma")}
                lock = f"/api/boards/{meeting.board}/lock"
                loop = asyncio.get_running_loop()
                started = loop.time()
                for _ in range(cycles):
                    for locked in (True, False):
                        assert (
                            await meeting.sanne.api(lock, {"locked": locked})
                        ).status_code == 200
                        state = "visible" if locked else "hidden"
                        await browser.call("wait", name="oma", selector=LOCKED, state=state)
                results["seconds"] = round(loop.time() - started, 2)
                results[f"after {cycles} lock cycles"] = await browser.call("holdings", name="oma")
                await browser.call("goto", name="oma", url=await browser.call("url", name="oma"))
                await browser.call("wait", name="oma", selector=".status.connected")
                results["reloaded"] = await browser.call("holdings", name="oma")
                return results
    finally:
        await browser.close()


if __name__ == "__main__":
    print(json.dumps(asyncio.run(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 30)), indent=2))
