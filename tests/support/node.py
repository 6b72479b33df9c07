"""Real Yjs clients: a Node process running yjs + y-websocket, driven over stdio."""

from __future__ import annotations

import asyncio
import itertools
import json
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).parent.parent / "node" / "clients.mjs"


class NodeError(Exception):
    pass


class NodeClients:
    """Real Yjs clients (tests/node/clients.mjs), or a headless browser (browser.mjs)."""

    def __init__(self, script: Path = SCRIPT) -> None:
        self._script = script
        self._process: asyncio.subprocess.Process | None = None
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future[Any]] = {}
        self._reader: asyncio.Task[None] | None = None
        self._stderr: list[str] = []

    async def start(self) -> None:
        self._process = await asyncio.create_subprocess_exec(
            "node",
            str(self._script),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            limit=64 * 1024 * 1024,
        )
        self._reader = asyncio.create_task(self._read())
        self._stderr_reader = asyncio.create_task(self._read_stderr())

    async def _read(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        async for line in self._process.stdout:
            reply = json.loads(line)
            future = self._waiting.pop(reply["id"], None)
            if future is None or future.done():
                continue
            if reply["ok"]:
                future.set_result(reply["result"])
            else:
                future.set_exception(NodeError(reply["error"]))
        for future in self._waiting.values():
            if not future.done():
                future.set_exception(NodeError("node exited: " + "".join(self._stderr[-20:])))

    async def _read_stderr(self) -> None:
        assert self._process is not None and self._process.stderr is not None
        async for line in self._process.stderr:
            self._stderr.append(line.decode(errors="replace"))

    async def call(self, op: str, **arguments: Any) -> Any:
        assert self._process is not None and self._process.stdin is not None
        request_id = next(self._ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiting[request_id] = future
        line = json.dumps({"id": request_id, "op": op, **arguments}) + "\n"
        self._process.stdin.write(line.encode())
        await self._process.stdin.drain()
        return await asyncio.wait_for(future, 60)

    async def connect(
        self, name: str, url: str, board: str, token: str | None, **extra: Any
    ) -> Any:
        return await self.call("connect", name=name, url=url, board=board, token=token, **extra)

    async def close(self) -> None:
        if self._process is None:
            return
        assert self._process.stdin is not None
        self._process.stdin.close()
        try:
            await asyncio.wait_for(self._process.wait(), 10)
        except TimeoutError:
            self._process.kill()
            await self._process.wait()
        if self._reader is not None:
            await self._reader
        await self._stderr_reader

    @property
    def stderr(self) -> str:
        return "".join(self._stderr)
