"""Makes the screenshots of ending a meeting: the record being written, writing it failed
(a server given no time to make the PDF), and the record in the browser.

Run: .venv/bin/python -m docs.screenshots.record_pages
"""

from __future__ import annotations

import asyncio
import secrets
import subprocess
import tempfile
from pathlib import Path

from server.demo import DEMO_EMAIL, create_demo
from server.store.sqlite import SQLiteStore
from tests.support.server import ServerProcess

HERE = Path(__file__).resolve().parent


async def take(prefix: str, **env: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        store = SQLiteStore(data / "netwerkbord.sqlite3")
        await store.open()
        password = secrets.token_urlsafe(12)
        _, _, board = await create_demo(store, password)
        await store.close()
        server = ServerProcess(data, **env)
        await server.start()
        try:
            await asyncio.to_thread(
                subprocess.run,
                [
                    "node",
                    str(HERE / "take_record.mjs"),
                    server.http_url,
                    DEMO_EMAIL,
                    password,
                    board,
                    str(HERE),
                    prefix,
                ],
                check=True,
            )
        finally:
            await server.stop()


async def main() -> None:
    await take("record-failed", record_render_seconds="0.01")
    await take("record-writing")


if __name__ == "__main__":
    asyncio.run(main())
