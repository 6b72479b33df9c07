"""What a phone downloads to join a board: the page, its scripts and stylesheet (compressed
as served), and the first sync of a realistic board."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import connect

from bench.servers import start_ours
from server.demo import create_demo
from server.store.sqlite import SQLiteStore
from server.sync import protocol


async def measure(data_dir: Path) -> dict[str, Any]:
    store = SQLiteStore(data_dir / "netwerkbord.sqlite3")
    await store.open()
    _, _, board = await create_demo(store, "bench-password-123")
    code = await store.fetch_one("SELECT code FROM join_codes WHERE board_id = ?", (board,))
    await store.close()
    server = await start_ours(data_dir)
    base = f"http://127.0.0.1:{server.port}"
    try:
        async with httpx.AsyncClient(base_url=base, headers={"accept-encoding": "gzip"}) as phone:
            form = await phone.get(f"/j/{code[0]}")
            token = re.search(r'name="form_token" value="([^"]+)"', form.text)
            assert token is not None
            joined = await phone.post(
                f"/j/{code[0]}",
                data={"form_token": token.group(1), "name": "Opa", "relation": "opa"},
            )
            page = await phone.get(joined.headers["location"])
            sizes = {"page (html)": page.num_bytes_downloaded}
            assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text)
            script = next(a for a in assets if a.endswith(".js"))
            body = (await phone.get(script)).text
            assets += [
                "/static/dist/" + c.lstrip("./")
                for c in re.findall(r'"(\./chunks/[^"]+\.js)"', body)
            ]
            for asset in assets:
                response = await phone.get(asset)
                sizes[asset] = response.num_bytes_downloaded  # as sent: compressed
            cookie = "; ".join(f"{k}={v}" for k, v in phone.cookies.items())
        async with connect(
            f"{server.client_url}/{board}", additional_headers={"cookie": cookie}, max_size=None
        ) as ws:
            await ws.send(protocol.sync_step1(b"\x00"))
            first = await ws.recv()
            while isinstance(first, bytes) and first[:2] != b"\x00\x01":
                first = await ws.recv()
            sizes["first sync (uncompressed)"] = len(first)
    finally:
        await server.stop()
    return {"bytes": sizes, "total_bytes": sum(sizes.values())}
