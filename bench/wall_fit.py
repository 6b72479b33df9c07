"""What fitting the wall costs: the heavy meeting (40 worries in one column, 18 ratings, 12
rules, 17 people) on the projector at 1920x1080, every part shown at once.

`python -m bench.wall_fit`: a real server, the projector in headless Chromium; the time from
a resize (which refits every box, as a change to the board does) to three frames later,
twenty times, against three frames with nothing to fit. Prints milliseconds.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
from pathlib import Path

from tests.browser.wall_cases import new_stress_meeting
from tests.support.server import Admin, ServerProcess
from tests.support.web import PASSWORD, sign_in

EMAIL = "sanne@jeugdzorg.example"
BROWSER = Path(__file__).resolve().parent.parent / "tests" / "node" / "browser.mjs"


async def main() -> None:
    from tests.support.node import NodeClients  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as folder:
        server = ServerProcess(Path(folder) / "data")
        await server.start()
        admin = Admin(server.data_dir)
        await admin.store.open()
        browser = NodeClients(BROWSER)
        await browser.start()
        try:
            sanne = await sign_in(server, admin, EMAIL, "Sanne de Boer")
            board = await new_stress_meeting(admin.store, await sanne.new_case(), sanne.user_id)
            await browser.call("open", name="wall", width=1920, height=1080)
            await browser.call("goto", name="wall", url=f"{server.http_url}/signin")
            await browser.call("fill", name="wall", selector="#email", value=EMAIL)
            await browser.call("fill", name="wall", selector="#password", value=PASSWORD)
            await browser.call("click", name="wall", selector="button[type=submit]")
            await browser.call("wait", name="wall", selector="h1")
            await browser.call(
                "goto", name="wall", url=f"{server.http_url}/boards/{board}/projector"
            )
            await browser.call("wait", name="wall", selector=".join-corner .code")
            refits = [await browser.call("frames_after_resize", name="wall") for _ in range(20)]
            idle = [await browser.call("frames_after_resize", name="wall", resize=False)
                    for _ in range(20)]  # fmt: skip
            print(f"three frames after a refit: median {statistics.median(refits):.1f} ms, "
                  f"max {max(refits):.1f} ms; with nothing to fit: "
                  f"median {statistics.median(idle):.1f} ms")  # fmt: skip
        finally:
            await browser.close()
            await admin.store.close()
            await server.stop()


if __name__ == "__main__":
    asyncio.run(main())
