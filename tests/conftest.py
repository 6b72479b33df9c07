from __future__ import annotations

from collections.abc import AsyncIterator, Generator, Iterator
from pathlib import Path

import pytest

from tests.support.node import NodeClients
from tests.support.server import Admin, ServerProcess
from tests.support.services import RedisServer, postgres
from tests.support.web import close_all_clients


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item,
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def print_log_if_failed(request: pytest.FixtureRequest, server: ServerProcess) -> None:
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        print("--- server log (last 40 lines) ---")
        print("\n".join(line[-3000:] for line in server.log_lines[-40:]))


@pytest.fixture
async def server(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[ServerProcess]:
    process = ServerProcess(tmp_path / "data")
    await process.start()
    yield process
    await process.stop()
    print_log_if_failed(request, process)


@pytest.fixture
async def admin(server: ServerProcess) -> AsyncIterator[Admin]:
    admin = Admin(server.data_dir)
    await admin.store.open()
    yield admin
    await admin.store.close()


@pytest.fixture(autouse=True)
async def close_web_clients() -> AsyncIterator[None]:
    yield
    await close_all_clients()


@pytest.fixture
async def nodes() -> AsyncIterator[NodeClients]:
    clients = NodeClients()
    await clients.start()
    yield clients
    await clients.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with postgres() as url:
        yield url


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    redis = RedisServer()
    redis.start()
    yield redis
    redis.stop()
