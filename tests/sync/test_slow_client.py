"""A client that stops reading: its messages queue, then it is closed; the meeting goes on."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import connect

from server.access.roles import Role
from server.errors import CloseCode
from server.sync import protocol
from tests.support.node import NodeClients
from tests.support.server import Admin, ServerProcess, metric, running_server
from tests.sync.helpers import card

# Above a room's batch (256 updates, broadcast together): on the plain path
# (NETWERKBORD_FAST_PATH=off) every message queues, so a client that reads well holds a
# whole batch in its outbox for a moment.
QUEUE_LIMIT = 300
EMPTY_STATE_VECTOR = b"\x00"
CARDS = 1400
# Spread over the three columns, each far from full (schema: maxItems).
COLUMNS = (("worries", "harm"), ("working_well", "strength"), ("next_steps", "goal"))


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[ServerProcess]:
    limits = {"messages_per_second": "1000", "message_burst": "1000"}
    async with running_server(
        tmp_path / "data", send_queue_limit=str(QUEUE_LIMIT), **limits
    ) as process:
        yield process


async def test_a_client_that_stops_reading_is_closed_and_the_others_get_everything(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    board = await admin.create_board()
    for name in ("sanne", "beamer"):
        role = Role.FACILITATOR if name == "sanne" else Role.VIEWER
        token = await admin.token(board, role, name)
        assert await nodes.connect(name, server.ws_url, board, token) == {"synced": True}

    # A phone that stopped reading: a tiny receive buffer, and a client library that stops
    # taking frames off the socket after the first one it was not asked for.
    stuck = socket.socket()
    stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stuck.connect(("127.0.0.1", server.port))
    token = await admin.token(board, Role.PARTICIPANT, "Oom")
    url = f"{server.ws_url}/{board}?token={token}"
    async with connect(url, sock=stuck, max_queue=1, max_size=None) as phone:
        await phone.send(protocol.sync_step1(EMPTY_STATE_VECTOR))  # from now on it gets updates
        for number in range(CARDS):
            text = f"{number:04d} " + "Oom kan niet meer lezen. " * 155
            part, kind = COLUMNS[number % len(COLUMNS)]
            item = card(f"w{number}", text, kind=kind)
            await nodes.call("add", name="sanne", part=part, item=item)
        for column, (part, _) in enumerate(COLUMNS):
            length = len(range(column, CARDS, len(COLUMNS)))
            await nodes.call("wait_length", name="beamer", part=part, length=length, timeout=30000)

        async with httpx.AsyncClient(base_url=server.http_url) as client:
            for _ in range(100):
                metrics = (await client.get("/metrics")).text
                closed = f'netwerkbord_connections_closed_total{{code="{int(CloseCode.TOO_SLOW)}"}}'
                if metric(metrics, closed) >= 1:
                    break
                await asyncio.sleep(0.1)
        assert metric(metrics, closed) == 1
        assert metric(metrics, 'netwerkbord_messages_sent_total{way="queued"}') > 0

    for column, (part, _) in enumerate(COLUMNS):
        texts = await nodes.call("texts", name="beamer", part=part)
        expected = range(column, CARDS, len(COLUMNS))
        assert [text[:4] for text in texts] == [f"{number:04d}" for number in expected]
    assert await nodes.call("closes", name="sanne") == []
