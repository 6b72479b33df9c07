"""A real Netwerkbord server process on a free port, for tests that talk to it over sockets."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

from server.access.roles import Role
from server.access.tokens import TokenSigner, load_secret_key
from server.boards import create_board, grant_access
from server.store.sqlite import SQLiteStore

READY = "Uvicorn running on"
LOG_WAIT_SECONDS = 15


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProcess:
    def __init__(self, data_dir: Path, port: int | None = None, **env: str) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self.env = {**os.environ, **{f"NETWERKBORD_{k.upper()}": v for k, v in env.items()}}
        self.process: asyncio.subprocess.Process | None = None
        self.log_lines: list[str] = []
        self._new_line = asyncio.Event()
        self._reader: asyncio.Task[None] | None = None

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/boards"

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "server.cli",
            "serve",
            "--port",
            str(self.port),
            "--data-dir",
            str(self.data_dir),
            env=self.env,
            # what it prints for people (its address, the first run's link) and its log, in
            # the order written, as in a terminal
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        ready = asyncio.get_running_loop().create_future()
        self._reader = asyncio.create_task(self._read_log(ready))
        await asyncio.wait_for(ready, 30)

    async def _read_log(self, ready: asyncio.Future[None]) -> None:
        assert self.process is not None and self.process.stdout is not None
        async for raw in self.process.stdout:
            line = raw.decode(errors="replace").rstrip()
            self.log_lines.append(line)
            self._new_line.set()
            if READY in line and not ready.done():
                ready.set_result(None)
        if not ready.done():
            ready.set_exception(RuntimeError("server exited:\n" + "\n".join(self.log_lines)))

    async def wait_for_log(self, fragment: str) -> str:
        """The first log line containing `fragment`, once the server has written it."""
        async with asyncio.timeout(LOG_WAIT_SECONDS):
            while True:
                for line in self.log_lines:
                    if fragment in line:
                        return line
                self._new_line.clear()
                await self._new_line.wait()

    async def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as in a crash."""
        await self._stop(signal.SIGKILL)

    async def stop(self) -> None:
        await self._stop(signal.SIGTERM)

    async def _stop(self, sig: signal.Signals) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        self.process.send_signal(sig)
        await asyncio.wait_for(self.process.wait(), 30)
        if self._reader is not None:
            await self._reader
        self.process = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None


class Admin:
    """What the `netwerkbord board create` and `token` commands do, against the same files."""

    def __init__(self, data_dir: Path) -> None:
        self.store = SQLiteStore(data_dir / "netwerkbord.sqlite3")
        self.signer = TokenSigner(load_secret_key(data_dir, None))

    async def create_board(self, title: str = "Familie Jansen", language: str = "nl") -> str:
        board = await create_board(self.store, title, language)  # type: ignore[arg-type]
        return board.id

    async def token(
        self,
        board_id: str,
        role: Role | str = Role.PARTICIPANT,
        name: str = "Oma Jansen",
        ttl: int = 3600,
    ) -> str:
        return await grant_access(self.store, self.signer, board_id, Role(role), name, ttl)


@contextlib.asynccontextmanager
async def running_server(data_dir: Path, **env: str) -> AsyncIterator[ServerProcess]:
    server = ServerProcess(data_dir, **env)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def metric(text: str, name: str) -> float:
    """The value of `name` in a /metrics page (summed over lines that start with it)."""
    return sum(float(line.split()[-1]) for line in text.splitlines() if line.startswith(name))
