"""What the person who runs the server sees: health, metrics, headers, the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from server.access.roles import Role
from server.access.tokens import TokenSigner, load_secret_key
from server.boards import new_board_id
from tests.support.node import NodeClients
from tests.support.server import Admin, ServerProcess, metric
from tests.support.waiting import until
from tests.sync.helpers import card


async def test_health_and_metrics_report_rooms_connections_and_updates(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    board = await admin.create_board()
    token = await admin.token(board, Role.FACILITATOR, "Sanne")
    assert await nodes.connect("sanne", server.ws_url, board, token) == {"synced": True}
    await nodes.call("add", name="sanne", part="worries", item=card("w", "Zorg"))
    viewer = await admin.token(board, Role.VIEWER, "Beamer")
    assert await nodes.connect("beamer", server.ws_url, board, viewer) == {"synced": True}
    await nodes.call("wait_length", name="beamer", part="worries", length=1)
    async with httpx.AsyncClient(base_url=server.http_url) as client:
        health = (await client.get("/healthz")).json()
        metrics = (await client.get("/metrics")).text
    assert health == {"status": "ok", "open_rooms": 1}
    assert "netwerkbord_open_rooms 1.0" in metrics
    assert 'netwerkbord_connections{role="facilitator"} 1.0' in metrics
    assert 'netwerkbord_connections{role="viewer"} 1.0' in metrics
    # the card, and the server naming the participants
    assert metric(metrics, "netwerkbord_updates_accepted_total") >= 2
    stored = metric(metrics, "netwerkbord_store_append_seconds_count")
    assert stored >= 2
    assert metric(metrics, 'netwerkbord_store_append_seconds_bucket{le="+Inf"}') == stored
    assert metric(metrics, "netwerkbord_bytes_received_total") > 0
    assert metric(metrics, "netwerkbord_bytes_sent_total") > 0


async def test_every_response_carries_the_security_headers(server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=server.http_url) as client:
        response = await client.get("/healthz")
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


async def test_an_idle_board_is_evicted_from_memory(tmp_path: Path, nodes: NodeClients) -> None:
    server = ServerProcess(tmp_path / "data", room_idle_seconds="0.2")
    await server.start()
    admin = Admin(server.data_dir)
    await admin.store.open()
    try:
        board = await admin.create_board()
        token = await admin.token(board, Role.PARTICIPANT, "Oom")
        assert await nodes.connect("oom", server.ws_url, board, token) == {"synced": True}
        await nodes.call("disconnect", name="oom")
        async with httpx.AsyncClient(base_url=server.http_url) as client:

            async def no_open_rooms() -> bool:
                return bool((await client.get("/healthz")).json()["open_rooms"] == 0)

            await until(no_open_rooms, "the board leaving memory")
        assert await nodes.connect("oom2", server.ws_url, board, token) == {"synced": True}
    finally:
        await admin.store.close()
        await server.stop()


def run_cli(*arguments: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *arguments, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_the_command_line_creates_a_board_and_issues_tokens(tmp_path: Path) -> None:
    assert run_cli("demo", data_dir=tmp_path).returncode == 0  # the tools make no database
    created = run_cli(
        "board", "create", "--title", "Familie de Wit", "--language", "en", data_dir=tmp_path
    )
    assert created.returncode == 0, created.stderr
    board = created.stdout.strip()
    issued = run_cli(
        "token", board, "--role", "viewer", "--name", "Beamer", "--ttl", "60", data_dir=tmp_path
    )
    assert issued.returncode == 0, issued.stderr
    grant = TokenSigner(load_secret_key(tmp_path, None)).verify(issued.stdout.strip(), board)
    assert grant.role is Role.VIEWER
    assert grant.name == "Beamer"


def test_the_command_line_says_plainly_when_a_board_does_not_exist(tmp_path: Path) -> None:
    assert run_cli("demo", data_dir=tmp_path).returncode == 0  # the tools make no database
    result = run_cli("token", "nope", "--role", "viewer", data_dir=tmp_path)
    assert result.returncode == 1
    assert "There is no board with id 'nope'" in result.stderr


def test_board_ids_never_read_as_command_line_options() -> None:
    """One random id in 64 started with "-" and `netwerkbord token` took it for an option."""
    assert not any(new_board_id().startswith("-") for _ in range(2000))
