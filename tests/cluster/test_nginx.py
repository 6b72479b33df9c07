"""docs/deploy.md's nginx configuration, read from the page and run by Debian's nginx in
front of two processes on PostgreSQL and Redis: what an operator gets by following it."""

from __future__ import annotations

import re
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.cluster.cluster import Cluster, converged, two_processes
from tests.support.node import NodeClients
from tests.support.server import ServerProcess, free_port
from tests.support.services import NginxServer, RedisServer, self_signed_certificate
from tests.sync.helpers import card

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
DEPLOY_DOC = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"
SERVER_NAME = "netwerkbord.example.org"


def nginx_block_from_docs() -> str:
    """The ```nginx block of the page's "## nginx" section, as it stands."""
    text = DEPLOY_DOC.read_text(encoding="utf-8")
    section = text[text.index("## nginx") :]
    found = re.search(r"```nginx\n(.*?)```", section, re.DOTALL)
    assert found is not None, "docs/deploy.md has no nginx block under '## nginx'"
    return found.group(1)


def adapted(block: str, folder: Path, tls_port: int, plain_port: int, backends: list[int]) -> str:
    """The block with this test's ports, certificate and log folder; each place must still be
    in the page, so the page cannot drift from what is tested here."""
    replacements = [
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{tls_port} ssl http2;"),
        ("listen 80;", f"listen 127.0.0.1:{plain_port};"),
        ("/etc/ssl/netwerkbord/", f"{folder / 'certs'}/"),
        ("/var/log/nginx/", f"{folder / 'logs'}/"),
        ("server 127.0.0.1:8001 ", f"server 127.0.0.1:{backends[0]} "),
        ("server 127.0.0.1:8002 ", f"server 127.0.0.1:{backends[1]} "),
    ]
    for old, new in replacements:
        assert old in block, f"docs/deploy.md's nginx block no longer has {old!r}: adapt the test"
        block = block.replace(old, new)
    return block


def documented_nginx(folder: Path, backends: list[int]) -> tuple[NginxServer, int, int]:
    tls_port, plain_port = free_port(), free_port()
    self_signed_certificate(folder / "certs", SERVER_NAME)
    config = adapted(nginx_block_from_docs(), folder, tls_port, plain_port, backends)
    return NginxServer(folder, config), tls_port, plain_port


@dataclass
class Fronted:
    cluster: Cluster
    nginx: NginxServer
    tls_port: int
    plain_port: int

    @property
    def ws_url(self) -> str:
        return f"wss://127.0.0.1:{self.tls_port}/ws/boards"

    @property
    def certificate(self) -> str:
        return str(self.nginx.folder / "certs" / "fullchain.pem")


@pytest.fixture
async def fronted(
    tmp_path: Path, postgres_url: str, redis_server: RedisServer, request: pytest.FixtureRequest
) -> AsyncIterator[Fronted]:
    async with two_processes(tmp_path, postgres_url, redis_server, request) as cluster:
        nginx, tls_port, plain_port = documented_nginx(
            tmp_path / "nginx", [cluster.one.port, cluster.two.port]
        )
        nginx.start(tls_port)
        try:
            yield Fronted(cluster, nginx, tls_port, plain_port)
        finally:
            nginx.stop()


def test_the_documented_nginx_configuration_passes_nginx_t(tmp_path: Path) -> None:
    nginx, _, _ = documented_nginx(tmp_path, [free_port(), free_port()])
    checked = nginx.test_config()
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr


def server_of(fronted: Fronted, participant: str) -> ServerProcess:
    """The process whose log says `participant` joined last."""
    for server in (fronted.cluster.one, fronted.cluster.two):
        if server.running and any(
            '"joined"' in line and participant in line for line in server.log_lines
        ):
            return server
    raise AssertionError(f"no process says {participant} joined")


async def test_through_the_documented_nginx_a_killed_process_loses_nothing_and_leaks_no_token(
    fronted: Fronted, nodes: NodeClients
) -> None:
    """Oma's page comes in through nginx (token as a subprotocol, as the pages send it), as
    does an older client with ?token= in the address; Juf is on the other process directly.
    Oma's process is killed while everyone types: her page comes back through nginx by
    itself, on the other process, with everything she saw. No log of nginx or of either
    process holds a token afterwards."""
    cluster = fronted.cluster
    tokens = {name: await cluster.token(name) for name in ("oma", "oud", "juf")}
    assert await nodes.connect(
        "oma", fronted.ws_url, cluster.board, tokens["oma"],
        tokenIn="protocol", ca=fronted.certificate,
    ) == {"synced": True}
    assert await nodes.connect(
        "oud", fronted.ws_url, cluster.board, tokens["oud"], ca=fronted.certificate
    ) == {"synced": True}
    oma = await nodes.call("me", name="oma")
    dies = server_of(fronted, oma)
    lives = cluster.two if dies is cluster.one else cluster.one
    assert await nodes.connect("juf", lives.ws_url, cluster.board, tokens["juf"]) == {
        "synced": True
    }

    await nodes.call("add", name="oma", part="worries", item=card("w-oma", "oma: "))
    await nodes.call("add", name="juf", part="worries", item=card("w-juf", "juf: "))
    for name in ("oma", "oud", "juf"):
        await nodes.call("wait_length", name=name, part="worries", length=2)
    for name, index, char in (("oma", 0, "o"), ("juf", 1, "j")):
        await nodes.call(
            "storm", name=name, part="worries", index=index, count=60, interval=15, char=char
        )
    await nodes.call("wait_text_length", name="juf", part="worries", index=0, length=20)
    seen_before = {name: await nodes.call("texts", name=name, part="worries") for name in tokens}

    await dies.kill()
    await nodes.call("wait_closed", name="oma")
    await nodes.call("wait_synced", name="oma", timeout=20000)
    await nodes.call("wait_synced", name="oud", timeout=20000)
    for name in ("oma", "juf"):
        await nodes.call("stop_storm", name=name)
    texts = await converged(nodes, ["oma", "oud", "juf"])
    for name, before in seen_before.items():
        for text in before:
            assert any(now.startswith(text) for now in texts), f"{name} had seen {text!r}"
    assert server_of(fronted, oma) is lives

    trust = ssl.create_default_context(cafile=fronted.certificate)
    async with httpx.AsyncClient(verify=trust) as client:
        ready = await client.get(f"https://127.0.0.1:{fronted.tls_port}/readyz")
        plain = await client.get(
            f"http://127.0.0.1:{fronted.plain_port}/boards/{cluster.board}?token={tokens['oud']}"
        )
    assert ready.status_code == 200
    assert plain.status_code == 301

    logs = fronted.nginx.log_text() + "\n".join(cluster.one.log_lines + cluster.two.log_lines)
    assert f"/ws/boards/{cluster.board}" in logs  # the logs were written, and read here
    for name, token in tokens.items():
        assert token not in logs, f"{name}'s token is in a log"
        assert token.split(".")[-1] not in logs, f"the signature of {name}'s token is in a log"
