"""Makes the documentation's screenshots from the demo case.

Run: .venv/bin/python -m docs.screenshots.make
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


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        store = SQLiteStore(data / "netwerkbord.sqlite3")
        await store.open()
        password = secrets.token_urlsafe(12)
        _, _, board = await create_demo(store, password)
        await store.close()
        server = ServerProcess(data)
        await server.start()
        try:
            await asyncio.to_thread(
                subprocess.run,
                [
                    "node",
                    str(HERE / "take.mjs"),
                    server.http_url,
                    DEMO_EMAIL,
                    password,
                    board,
                    str(HERE),
                ],
                check=True,
            )
        finally:
            await server.stop()


if __name__ == "__main__":
    asyncio.run(main())
