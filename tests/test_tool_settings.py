"""The command-line tools use the servers' store and key, or say loudly that they cannot."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from server.access.roles import Role
from server.access.tokens import TokenSigner
from server.store.postgres import PostgresStore
from tests.support.services import fresh_database

SECRET = "the-servers-secret-key"
PUBLIC = "https://netwerkbord.example.org"


def tool(*arguments: str, cwd: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    """`netwerkbord ...` as an operator runs it in a shell: in `cwd`, with only `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NETWERKBORD_")}
    env.update({f"NETWERKBORD_{k.upper()}": v for k, v in settings.items()})
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *arguments],
        cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=60,
    )


def test_tools_make_no_sqlite_database_of_their_own_when_the_servers_data_is_elsewhere(
    tmp_path: Path,
) -> None:
    for command in (
        ["token", "b_whatever", "--role", "viewer"],
        ["board", "create", "--title", "Familie Jansen"],
        ["records", "verify"],
    ):
        result = tool(*command, cwd=tmp_path)
        assert result.returncode == 2, (command, result.stderr)
        assert "There is no database at" in result.stderr
        assert "--env-file" in result.stderr
    assert not (tmp_path / "var").exists()


@pytest.mark.postgres
def test_token_refuses_a_key_of_its_own_beside_the_servers_postgresql(
    tmp_path: Path, postgres_url: str
) -> None:
    database = fresh_database(postgres_url)
    created = tool("board", "create", "--title", "Familie Jansen", cwd=tmp_path,
                   database_url=database)
    assert created.returncode == 0, created.stderr
    assert "store: PostgreSQL netwerkbord@127.0.0.1" in created.stderr
    board = created.stdout.strip()

    refused = tool("token", board, "--role", "viewer", cwd=tmp_path, database_url=database)
    assert refused.returncode == 2
    assert "NETWERKBORD_SECRET_KEY" in refused.stderr
    assert refused.stdout == ""
    assert not (tmp_path / "var" / "secret.key").exists()

    settings = tmp_path / "netwerkbord.env"
    settings.write_text(
        f"# as systemd reads it\nNETWERKBORD_DATABASE_URL={database}\n"
        f'NETWERKBORD_SECRET_KEY="{SECRET}"\n'
    )
    issued = tool("token", board, "--role", "viewer", "--env-file", str(settings), cwd=tmp_path)
    assert issued.returncode == 0, issued.stderr
    assert "key: NETWERKBORD_SECRET_KEY" in issued.stderr
    grant = TokenSigner(SECRET).verify(issued.stdout.strip(), board)
    assert grant.role is Role.VIEWER

    async def demo_user_exists() -> bool:
        store = PostgresStore(database, pool_size=1)
        await store.open()
        try:
            row = await store.fetch_one("SELECT count(*) FROM users")
        finally:
            await store.close()
        return row is not None and row[0] == 1

    demo = tool("demo", cwd=tmp_path, database_url=database, public_url=PUBLIC + "/")
    assert demo.returncode == 0, demo.stderr
    assert f"Sign in at {PUBLIC}/signin" in demo.stdout
    assert f"The demo board: {PUBLIC}/boards/b_" in demo.stdout
    assert "127.0.0.1" not in demo.stdout
    assert asyncio.run(demo_user_exists())


def test_tools_say_which_store_and_key_they_use(tmp_path: Path) -> None:
    demo = tool("demo", cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    database = (tmp_path / "var" / "netwerkbord.sqlite3").resolve()
    assert f"store: SQLite {database}" in demo.stderr
    assert "a NEW, empty SQLite database" in demo.stderr
    assert "Sign in at http://127.0.0.1:8000/signin" in demo.stdout

    created = tool("board", "create", "--title", "Familie Jansen", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    issued = tool("token", created.stdout.strip(), "--role", "viewer", cwd=tmp_path)
    assert issued.returncode == 0, issued.stderr
    assert "made NEW now" in issued.stderr
    again = tool("token", created.stdout.strip(), "--role", "viewer", cwd=tmp_path)
    key = (tmp_path / "var" / "secret.key").resolve()
    assert f"key: {key}\n" in again.stderr


def test_a_process_of_several_will_not_serve_with_a_key_of_its_own(tmp_path: Path) -> None:
    """Each process would make its own key file, and refuse the others' tokens (4401)."""
    result = tool(
        "serve", "--host", "192.0.2.1", cwd=tmp_path, redis_url="redis://127.0.0.1:1/0"
    )
    assert result.returncode == 2
    assert "NETWERKBORD_SECRET_KEY" in result.stderr
    assert not (tmp_path / "var" / "secret.key").exists()
