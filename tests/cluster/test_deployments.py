"""Two deployments sharing one Redis server: a restored copy beside the live cluster."""

from __future__ import annotations

import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from tests.cluster.cluster import SECRET, Cluster, two_processes
from tests.conftest import print_log_if_failed
from tests.support.node import NodeClients
from tests.support.server import ServerProcess
from tests.support.services import RedisServer, fresh_database, postgres_tool
from tests.sync.helpers import card

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def restored_copy(postgres_url: str, live_database: str, folder: Path) -> str:
    """pg_dump of the live database, pg_restore'd into a new one (docs/deploy.md)."""
    dump = folder / "netwerkbord.dump"
    subprocess.run(
        [postgres_tool("pg_dump"), "--format=custom", f"--file={dump}", live_database],
        check=True,
        capture_output=True,
    )
    copy = fresh_database(postgres_url)
    subprocess.run(
        [postgres_tool("pg_restore"), "--no-owner", f"--dbname={copy}", str(dump)],
        check=True,
        capture_output=True,
    )
    return copy


@pytest.fixture
async def live(
    tmp_path: Path, postgres_url: str, redis_server: RedisServer, request: pytest.FixtureRequest
) -> AsyncIterator[Cluster]:
    async with two_processes(tmp_path, postgres_url, redis_server, request) as cluster:
        yield cluster


async def test_a_restored_copy_sharing_redis_never_sees_or_sends_the_live_boards_edits(
    live: Cluster,
    tmp_path: Path,
    postgres_url: str,
    redis_server: RedisServer,
    nodes: NodeClients,
    request: pytest.FixtureRequest,
) -> None:
    """The copy runs on another Redis database number of the same server, as an operator
    trying out a restore might. A card typed on the copy must never reach the live screens
    (it is in no live database), and no live card the copy."""
    copy_database = restored_copy(postgres_url, live.store.url, tmp_path)
    copy = ServerProcess(
        tmp_path / "copy",
        database_url=copy_database,
        redis_url=redis_server.url.rsplit("/", 1)[0] + "/1",
        secret_key=SECRET,
    )
    await copy.start()
    watcher = Redis.from_url(redis_server.url)
    try:
        async with watcher.pubsub() as everything:
            await everything.psubscribe("*")
            await everything.get_message(timeout=1)  # the subscription's confirmation
            token = await live.token("kopie")
            assert await nodes.connect("kopie", copy.ws_url, live.board, token) == {
                "synced": True
            }
            for name, server in (("oma", live.one), ("juf", live.two)):
                assert await nodes.connect(
                    name, server.ws_url, live.board, await live.token(name)
                ) == {"synced": True}

            await nodes.call("add", name="kopie", part="worries", item=card("k1", "op de kopie"))
            # It went out through Redis...
            while True:
                message = await everything.get_message(timeout=10)
                assert message is not None, "the copy published nothing"
                if b"op de kopie" in message["data"]:
                    break
            # ... before this did, so any live process that took it in did so first.
            await nodes.call("add", name="juf", part="worries", item=card("l1", "live"))
            await nodes.call("wait_length", name="oma", part="worries", length=1)
            await nodes.call("wait_text", name="oma", part="worries", index=0, includes="live")
            for name in ("oma", "juf"):
                assert await nodes.call("texts", name=name, part="worries") == ["live"]
            assert await nodes.call("texts", name="kopie", part="worries") == ["op de kopie"]
    finally:
        await watcher.aclose()
        await copy.stop()
        print_log_if_failed(request, copy)


async def test_a_board_restored_to_a_new_history_hears_nothing_of_the_old_one(
    live: Cluster,
    tmp_path: Path,
    redis_server: RedisServer,
    nodes: NodeClients,
    request: pytest.FixtureRequest,
) -> None:
    """Process one still holds the board's old history (epoch) when the board is given a
    new one; processes that open it afterwards must not take in the old history's updates."""
    assert await nodes.connect("oud", live.one.ws_url, live.board, await live.token("oud")) == {
        "synced": True
    }
    await live.store.execute("UPDATE boards SET epoch = ? WHERE id = ?", ("nieuw", live.board))
    three = ServerProcess(
        tmp_path / "three", database_url=live.store.url, redis_url=redis_server.url,
        secret_key=SECRET,
    )
    await three.start()
    watcher = Redis.from_url(redis_server.url)
    try:
        for name, server in (("nieuw", live.two), ("derde", three)):
            assert await nodes.connect(
                name, server.ws_url, live.board, await live.token(name)
            ) == {"synced": True}
        async with watcher.pubsub() as everything:
            await everything.psubscribe("*")
            await everything.get_message(timeout=1)
            old = card("o1", "oude geschiedenis")
            await nodes.call("add", name="oud", part="worries", item=old)
            while True:
                message = await everything.get_message(timeout=10)
                assert message is not None, "the old history published nothing"
                if b"oude geschiedenis" in message["data"]:
                    break
        await nodes.call("add", name="nieuw", part="worries", item=card("n1", "nieuw"))
        await nodes.call("wait_text", name="derde", part="worries", index=0, includes="nieuw")
        assert await nodes.call("texts", name="derde", part="worries") == ["nieuw"]
    finally:
        await watcher.aclose()
        await three.stop()
        print_log_if_failed(request, three)
