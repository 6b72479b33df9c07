"""Starting the two servers under test, and reading their CPU time and memory from /proc."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from bench import floor

BENCH = Path(__file__).resolve().parent
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Running:
    name: str
    process: asyncio.subprocess.Process
    port: int
    client_url: str
    log: list[str]

    def cpu_seconds(self) -> tuple[float, float]:
        """User and kernel CPU seconds the server has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) / TICKS, int(fields[12]) / TICKS

    def system_calls(self) -> tuple[int, int]:
        """Read and write system calls the server has made so far (sockets included)."""
        counts = dict(
            line.split(": ")
            for line in Path(f"/proc/{self.process.pid}/io").read_text().splitlines()
        )
        return int(counts["syscr"]), int(counts["syscw"])

    def memory_kib(self, field: str = "VmHWM") -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
        return 0

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 30)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


async def start_process(
    name: str,
    command: list[str],
    env: dict[str, str],
    port: int,
    ready: str,
    client_url: str,
    ready_seconds: float = 60,
) -> Running:
    process = await asyncio.create_subprocess_exec(
        *command,
        env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    log: list[str] = []
    started = asyncio.get_running_loop().create_future()

    async def read() -> None:
        assert process.stdout is not None
        async for raw in process.stdout:
            line = raw.decode(errors="replace").rstrip()
            log.append(line)
            if ready in line and not started.done():
                started.set_result(None)

    asyncio.get_running_loop().create_task(read())
    await asyncio.wait_for(started, ready_seconds)
    return Running(name, process, port, client_url, log)


async def start_ours(
    data_dir: Path,
    entry: tuple[str, ...] = ("-m", "server.cli"),
    env: dict[str, str] | None = None,
    under: tuple[str, ...] = (),
    ready_seconds: float = 60,
) -> Running:
    """`netwerkbord serve` on SQLite in `data_dir`; `entry` may put a Python wrapper in front
    of the command line (bench.sections does), `under` a program such as valgrind."""
    port = free_port()
    command = [
        *under,
        sys.executable,
        *entry,
        "serve",
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
    ]
    return await start_process(
        "netwerkbord",
        command,
        env or {},
        port,
        "Uvicorn running on",
        f"ws://127.0.0.1:{port}/ws/boards",
        ready_seconds,
    )


async def start_reference() -> Running:
    port = free_port()
    server = BENCH / "node_modules" / "@y" / "websocket-server" / "src" / "server.js"
    return await start_process(
        "y-websocket-server 0.1.1",
        ["node", str(server)],
        {"HOST": "127.0.0.1", "PORT": str(port)},
        port,
        "running at",
        f"ws://127.0.0.1:{port}",
    )


async def start_floor() -> Running:
    """The reference's job on our stack (bench/floor.py)."""
    port = free_port()
    command = [sys.executable, "-m", "bench.floor", str(port)]
    return await start_process("floor", command, {}, port, floor.READY, f"ws://127.0.0.1:{port}")
