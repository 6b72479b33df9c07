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


# Tests run once on each socket path, fast and plain (server/fastpath/): a representative
# few, since the whole suite takes the fast path (or, with NETWERKBORD_FAST_PATH=off set
# for the test run, the plain one: docs/architecture.md).
BOTH_PATHS = (
    "tests/sync/test_board_sync.py",
    "tests/sync/test_bad_input.py",
    "tests/sync/test_awareness.py",
    "tests/browser/test_typing_together.py",
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    where = metafunc.definition.path.relative_to(Path(__file__).parent.parent).as_posix()
    if where in BOTH_PATHS and "fast_path" in metafunc.fixturenames:
        metafunc.parametrize("fast_path", ["on", "off"], indirect=True, ids=["fast", "plain"])


@pytest.fixture
def fast_path(request: pytest.FixtureRequest) -> dict[str, str]:
    """The `server` fixture's NETWERKBORD_FAST_PATH: as the environment says, unless the
    test is one of BOTH_PATHS."""
    path: str | None = getattr(request, "param", None)
    return {} if path is None else {"fast_path": path}


@pytest.fixture
async def server(
    tmp_path: Path, request: pytest.FixtureRequest, fast_path: dict[str, str]
) -> AsyncIterator[ServerProcess]:
    process = ServerProcess(tmp_path / "data", **fast_path)
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
