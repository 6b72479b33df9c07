"""A client that sends its request headers a byte at a time does not hold a socket for ever."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import print_log_if_failed
from tests.support.server import ServerProcess

HEADER_TIMEOUT_SECONDS = 1


@pytest.fixture
async def impatient(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[ServerProcess]:
    process = ServerProcess(  # the deadline is part of the fast path (server/fastpath/)
        tmp_path / "data", header_timeout_seconds=str(HEADER_TIMEOUT_SECONDS), fast_path="on"
    )
    await process.start()
    yield process
    await process.stop()
    print_log_if_failed(request, process)


async def drip(writer: asyncio.StreamWriter, data: bytes) -> None:
    """Headers a byte every 0.2 s: each byte would renew uvicorn's keep-alive timer."""
    for byte in data:
        writer.write(bytes([byte]))
        await writer.drain()
        await asyncio.sleep(0.2)


async def test_a_client_sending_headers_a_byte_at_a_time_is_cut_off(
    impatient: ServerProcess,
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", impatient.port)
    dripping = asyncio.create_task(drip(writer, b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X" * 200))
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with asyncio.timeout(HEADER_TIMEOUT_SECONDS + 10):
        assert await reader.read() == b"", "closed without an answer"
    held = loop.time() - started
    dripping.cancel()
    writer.close()
    assert HEADER_TIMEOUT_SECONDS - 0.1 <= held < HEADER_TIMEOUT_SECONDS + 5


async def test_a_connection_that_never_sends_is_cut_off(impatient: ServerProcess) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", impatient.port)
    async with asyncio.timeout(HEADER_TIMEOUT_SECONDS + 10):
        assert await reader.read() == b""
    writer.close()


async def test_an_ordinary_request_and_a_kept_alive_one_are_answered(
    impatient: ServerProcess,
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", impatient.port)
    for _ in range(2):
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        await writer.drain()
        status = await reader.readline()
        assert status.startswith(b"HTTP/1.1 200")
        while (await reader.readline()) not in (b"\r\n", b""):
            pass
        await reader.read(100)
    writer.close()
