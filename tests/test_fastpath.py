"""The fast path (server/fastpath/) is taken only where it was tested: with any other uvicorn
or websockets, or with NETWERKBORD_FAST_PATH=off, the server runs the plain path, every
message through ASGI, and says so; the board works the same either way."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from server.access.roles import Role
from server.fastpath import PLAIN, TESTED_WITH, socket_io
from server.fastpath.inbound import BoardSocketProtocol
from server.settings import Settings
from tests.conftest import print_log_if_failed
from tests.support.node import NodeClients
from tests.support.server import Admin, ServerProcess
from tests.sync.helpers import card

ROOT = Path(__file__).parent.parent
WARNING = "the fast path was tested with"


def as_tested(name: str) -> str | None:
    return TESTED_WITH[name][0]


def test_the_fast_path_is_taken_with_the_versions_it_was_tested_with() -> None:
    chosen = socket_io(Settings(), installed=as_tested)
    assert chosen.fast
    assert chosen.ws is BoardSocketProtocol


def test_an_untested_uvicorn_gets_the_plain_path_and_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def installed(name: str) -> str | None:
        return "0.56.0" if name == "uvicorn" else as_tested(name)

    with caplog.at_level(logging.INFO, logger="server.fastpath"):
        assert socket_io(Settings(), installed=installed) is PLAIN
    [line] = caplog.records
    assert line.levelno == logging.WARNING
    assert "uvicorn 0.56.0" in line.getMessage()
    assert "plain path" in line.getMessage()


def test_the_versions_tested_with_are_those_the_lock_file_pins() -> None:
    """Whoever moves a pin in requirements.lock runs the suite with it and then names the
    new version in server/fastpath/ (or the server runs the plain path with it)."""
    lock = (ROOT / "requirements.lock").read_text()
    for name, versions in TESTED_WITH.items():
        pinned = re.search(rf"^{name}==(\S+)", lock, re.MULTILINE)
        assert pinned is not None, f"{name} is not pinned in requirements.lock"
        assert pinned.group(1) in versions


def test_the_plain_path_imports_none_of_the_fast_paths_modules(tmp_path: Path) -> None:
    """A uvicorn whose insides moved must not stop the plain path from starting: nothing on
    it imports the modules that know them."""
    script = (
        "import sys\n"
        "from server.app import create_app\n"
        "from server.cli import main\n"
        "from server.fastpath import socket_io\n"
        "from server.settings import Settings\n"
        "settings = Settings(fast_path=False, data_dir=__import__('pathlib').Path(sys.argv[1]))\n"
        "socket_io(settings).wrap(create_app(settings))\n"
        "print(sorted(m for m in sys.modules if m.startswith('server.fastpath.')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        capture_output=True, text=True, check=True, cwd=ROOT, timeout=60,
    )
    assert done.stdout.strip() == "[]", done.stdout


async def sync_and_count(server: ServerProcess, nodes: NodeClients) -> dict[str, float]:
    """A facilitator types, the projector sees it; then how many messages went which way."""
    admin = Admin(server.data_dir)
    await admin.store.open()
    try:
        board = await admin.create_board()
        for name in ("sanne", "beamer"):
            role = Role.FACILITATOR if name == "sanne" else Role.VIEWER
            token = await admin.token(board, role, name)
            assert await nodes.connect(name, server.ws_url, board, token) == {"synced": True}
    finally:
        await admin.store.close()
    await nodes.call("add", name="sanne", part="worries", item=card("w", "Zorg"))
    await nodes.call("type", name="sanne", part="worries", index=0, text=" om school")
    await nodes.call("wait_text", name="beamer", part="worries", index=0, includes="om school")
    async with httpx.AsyncClient(base_url=server.http_url) as client:
        metrics = (await client.get("/metrics")).text
    return {
        line.split('"')[1]: float(line.split()[-1])
        for line in metrics.splitlines()
        if line.startswith("netwerkbord_messages_sent_total{")
    }


async def test_with_the_fast_path_off_every_message_goes_through_asgi(
    tmp_path: Path, nodes: NodeClients, request: pytest.FixtureRequest
) -> None:
    server = ServerProcess(tmp_path / "data", fast_path="off")
    await server.start()
    try:
        sent = await sync_and_count(server, nodes)
        assert sent.get("direct", 0) == 0
        assert sent.get("queued", 0) >= 2
        assert not any(WARNING in line for line in server.log_lines)
    finally:
        await server.stop()
        print_log_if_failed(request, server)


async def test_the_fast_path_is_taken_by_default(
    tmp_path: Path, nodes: NodeClients, request: pytest.FixtureRequest
) -> None:
    """The fast way (one frame for all, written to each socket) is the way `netwerkbord serve`
    takes: a uvicorn that no longer allows it shows up here, not as a slow server in
    production. (It was tests/test_operations.py's; here the setting is pinned, so that the
    suite can run on the plain path.)"""
    server = ServerProcess(tmp_path / "data", fast_path="on")  # the default, whatever is set
    await server.start()
    try:
        sent = await sync_and_count(server, nodes)
        assert sent.get("direct", 0) >= 2
        assert sent.get("queued", 0) == 0
    finally:
        await server.stop()
        print_log_if_failed(request, server)


async def test_a_server_with_an_untested_websockets_runs_the_plain_path_and_says_so(
    tmp_path: Path, nodes: NodeClients, request: pytest.FixtureRequest
) -> None:
    """As if websockets 99.0 were installed: its metadata, first on the path, says so."""
    site = tmp_path / "site"
    (site / "websockets-99.0.dist-info").mkdir(parents=True)
    (site / "websockets-99.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: websockets\nVersion: 99.0\n"
    )
    server = ServerProcess(tmp_path / "data", fast_path="on")
    server.env["PYTHONPATH"] = str(site)
    await server.start()
    try:
        line = await server.wait_for_log(WARNING)
        assert "websockets 99.0" in line
        assert "plain path" in line
        sent = await sync_and_count(server, nodes)
        assert sent.get("direct", 0) == 0
        assert sent.get("queued", 0) >= 2
    finally:
        await server.stop()
        print_log_if_failed(request, server)
