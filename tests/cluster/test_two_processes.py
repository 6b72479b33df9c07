"""Two server processes behind one load balancer: PostgreSQL shared, Redis between them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from server.access.roles import Role
from server.access.tokens import TokenSigner
from server.boards import create_board, grant_access
from server.store.postgres import PostgresStore
from tests.conftest import print_log_if_failed
from tests.support.node import NodeClients
from tests.support.server import ServerProcess
from tests.support.services import RedisServer, fresh_database
from tests.support.waiting import until
from tests.sync.helpers import card

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
SECRET = "cluster-test-secret-key"
WRITERS = ("oma", "vader", "juf", "buurman")


@dataclass
class Cluster:
    one: ServerProcess
    two: ServerProcess
    store: PostgresStore
    signer: TokenSigner
    board: str

    async def token(self, name: str) -> str:
        return await grant_access(self.store, self.signer, self.board, Role.FACILITATOR, name, 3600)


@pytest.fixture
async def cluster(
    tmp_path: Path, postgres_url: str, redis_server: RedisServer, request: pytest.FixtureRequest
) -> AsyncIterator[Cluster]:
    async with two_processes(tmp_path, postgres_url, redis_server, request) as started:
        yield started


@asynccontextmanager
async def two_processes(
    tmp_path: Path,
    postgres_url: str,
    redis_server: RedisServer,
    request: pytest.FixtureRequest,
    **settings: str,
) -> AsyncIterator[Cluster]:
    database = fresh_database(postgres_url)
    env = {"database_url": database, "redis_url": redis_server.url, "secret_key": SECRET}
    one = ServerProcess(tmp_path / "one", **env, **settings)
    two = ServerProcess(tmp_path / "two", **env, **settings)
    await one.start()
    await two.start()
    store = PostgresStore(database, pool_size=2)
    await store.open()
    board = await create_board(store, "Familie Jansen", "nl")
    yield Cluster(one, two, store, TokenSigner(SECRET), board.id)
    await store.close()
    for server in (one, two):
        await server.stop()
        print_log_if_failed(request, server)


async def converged(nodes: NodeClients, names: list[str], part: str = "worries") -> list[str]:
    """Wait until every client shows the same texts; return them."""
    for _ in range(300):
        texts = [sorted(await nodes.call("texts", name=n, part=part)) for n in names]
        if all(t == texts[0] for t in texts):
            return texts[0]
        await asyncio.sleep(0.05)
    raise AssertionError(f"did not converge: {texts}")


async def test_clients_on_two_processes_see_each_other_live(
    cluster: Cluster, nodes: NodeClients
) -> None:
    for index, name in enumerate(WRITERS):
        server = cluster.one if index % 2 == 0 else cluster.two
        assert await nodes.connect(
            name, server.ws_url, cluster.board, await cluster.token(name)
        ) == {"synced": True}
    for name in WRITERS:
        await nodes.call("add", name=name, part="worries", item=card(f"w-{name}", f"{name}: "))
    for name in WRITERS:
        await nodes.call("wait_length", name=name, part="worries", length=len(WRITERS))
    await nodes.call("type", name="oma", part="worries", index=0, text="hallo")
    texts = await converged(nodes, list(WRITERS))
    assert len(texts) == 4
    assert any("hallo" in text for text in texts)


async def test_someone_leaving_here_takes_nobody_elses_presence_along(
    cluster: Cluster, nodes: NodeClients
) -> None:
    """y-websocket sends every awareness message it receives back to its server: the
    process where Vader and Juf are gets Oma's state back from both. Vader leaving must not
    make that process tell everyone that Oma left."""
    placement = {"oma": cluster.one, "vader": cluster.two, "juf": cluster.two}
    for name, server in placement.items():
        assert await nodes.connect(
            name, server.ws_url, cluster.board, await cluster.token(name)
        ) == {"synced": True}
    ids = {name: int(await nodes.call("client_id", name=name)) for name in placement}
    for name in placement:
        await nodes.call("awareness", name=name, state={"user": {"name": name}})

    async def juf_sees_everyone() -> bool:
        seen = {entry["id"] for entry in await nodes.call("awareness", name="juf")}
        return set(ids.values()) <= seen

    await until(juf_sees_everyone, "Juf seeing everyone's state", seconds=10)

    await nodes.call("disconnect", name="vader")

    async def juf_told_vader_left() -> bool:
        return ids["vader"] in await nodes.call("awareness_removed", name="juf")

    await until(juf_told_vader_left, "Juf told that Vader left", seconds=10)
    await asyncio.sleep(0.5)  # whatever else the leaving caused has arrived by now
    for name in ("juf", "oma"):
        assert ids["oma"] not in await nodes.call("awareness_removed", name=name)
    assert ids["vader"] in await nodes.call("awareness_removed", name="oma")


async def test_the_presence_of_a_killed_process_expires_and_its_clients_reappear_here(
    tmp_path: Path,
    postgres_url: str,
    redis_server: RedisServer,
    request: pytest.FixtureRequest,
    nodes: NodeClients,
) -> None:
    """A process that dies says nobody left. Its clients' states are forgotten once they
    are not renewed (after 2 s here, 30 s by default), and then those clients, reconnecting
    to the process that is left, are shown there again."""
    timeout = {"presence_timeout_seconds": "2"}
    async with two_processes(tmp_path, postgres_url, redis_server, request, **timeout) as cluster:
        tokens = {name: await cluster.token(name) for name in ("oma", "juf")}
        for name, server in (("oma", cluster.one), ("juf", cluster.two)):
            assert await nodes.connect(name, server.ws_url, cluster.board, tokens[name]) == {
                "synced": True
            }
        oma = int(await nodes.call("client_id", name="oma"))
        await nodes.call("awareness", name="oma", state={"user": {"name": "oma"}})
        await until_juf_sees(nodes, oma, "oma")
        # While her process lives, her state outlives the timeout: she changes it more often
        # than that (a page does, moving from card to card), and each change is renewal.
        for tick in range(8):
            await nodes.call("awareness", name="oma", state={"user": {"name": "oma"}, "at": tick})
            await asyncio.sleep(0.5)
        assert oma not in await nodes.call("awareness_removed", name="juf")

        await cluster.one.kill()

        async def juf_told_she_left() -> bool:
            return oma in await nodes.call("awareness_removed", name="juf")

        await until(juf_told_she_left, "Juf told that Oma's state expired")

        await nodes.call(
            "reconnect",
            name="oma",
            url=cluster.two.ws_url,
            board=cluster.board,
            token=tokens["oma"],
        )
        for place in ("w-1", "w-2"):  # two changes: past the clock of her removal
            state = {"user": {"name": "oma"}, "editing": place}
            await nodes.call("awareness", name="oma", state=state)
        await until_juf_sees(nodes, oma, "w-2")


async def until_juf_sees(nodes: NodeClients, client_id: int, fragment: str) -> None:
    async def seen() -> bool:
        states = await nodes.call("awareness", name="juf")
        return any(s["id"] == client_id and fragment in str(s["state"]) for s in states)

    await until(seen, f"Juf seeing {fragment!r} from {client_id}")


async def test_a_killed_process_loses_nothing_and_its_clients_carry_on_elsewhere(
    cluster: Cluster, nodes: NodeClients
) -> None:
    tokens = {name: await cluster.token(name) for name in WRITERS}
    for index, name in enumerate(WRITERS):
        server = cluster.one if index % 2 == 0 else cluster.two
        assert await nodes.connect(name, server.ws_url, cluster.board, tokens[name]) == {
            "synced": True
        }
        await nodes.call("add", name=name, part="worries", item=card(f"w-{name}", f"{name}: "))
    for name in WRITERS:
        await nodes.call("wait_length", name=name, part="worries", length=len(WRITERS))
        await nodes.call(
            "storm",
            name=name,
            part="worries",
            index=WRITERS.index(name) % 4,
            count=40,
            interval=20,
            char=name[0],
        )
    await nodes.call("wait_text_length", name="vader", part="worries", index=0, length=20)
    seen_before = {name: await nodes.call("texts", name=name, part="worries") for name in WRITERS}

    await cluster.one.kill()
    for name in WRITERS[::2]:  # the clients that were on the dead process
        await nodes.call(
            "reconnect", name=name, url=cluster.two.ws_url, board=cluster.board, token=tokens[name]
        )
    for name in WRITERS:
        await nodes.call("stop_storm", name=name)
    texts = await converged(nodes, list(WRITERS))
    for name, before in seen_before.items():
        for text in before:
            assert any(now.startswith(text[: len(text)]) or text in now for now in texts), (
                f"{name} had seen {text!r}"
            )

    assert await nodes.connect(
        "late", cluster.two.ws_url, cluster.board, await cluster.token("late")
    ) == {"synced": True}
    assert sorted(await nodes.call("texts", name="late", part="worries")) == texts


async def test_clients_converge_again_after_redis_restarts(
    cluster: Cluster, nodes: NodeClients, redis_server: RedisServer
) -> None:
    for name, server in (("oma", cluster.one), ("vader", cluster.two)):
        assert await nodes.connect(
            name, server.ws_url, cluster.board, await cluster.token(name)
        ) == {"synced": True}
    await nodes.call("add", name="oma", part="worries", item=card("w1", "voor: "))
    await nodes.call("wait_length", name="vader", part="worries", length=1)

    redis_server.stop()
    await nodes.call("add", name="oma", part="worries", item=card("w2", "tijdens, bij oma"))
    await nodes.call(
        "add", name="vader", part="working_well", item=card("g1", "tijdens, bij vader", "strength")
    )
    redis_server.start()  # same port: both processes find it again and catch up
    texts = await converged(nodes, ["oma", "vader"])
    assert texts == ["tijdens, bij oma", "voor: "]
    assert await converged(nodes, ["oma", "vader"], "working_well") == ["tijdens, bij vader"]
