"""The `netwerkbord` command: serve, create boards, issue tokens."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path

import uvicorn

from server.access.accounts import AccountError, Accounts
from server.access.roles import Role
from server.access.tokens import TokenSigner, load_secret_key
from server.app import create_app
from server.boards import create_board, grant_access
from server.demo import create_demo
from server.errors import BoardNotFound
from server.fastpath import socket_io
from server.logs import configure
from server.records.service import Records
from server.settings import Settings, SettingsError
from server.store import store_for
from server.tool_settings import ToolRefused, check, environment


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="netwerkbord", description="A live, shared board for network meetings."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def with_data_dir(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument(
            "--data-dir",
            type=Path,
            help="where the data lives (default ./var, or NETWERKBORD_DATA_DIR)",
        )
        p.add_argument(
            "--env-file",
            type=Path,
            help="the servers' settings file (NAME=value lines, as systemd's EnvironmentFile); "
            "its NETWERKBORD_* settings are used over the environment's "
            "(default: NETWERKBORD_ENV_FILE)",
        )
        return p

    serve = with_data_dir(commands.add_parser("serve", help="run the server"))
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default 8000)")

    board = commands.add_parser("board", help="manage boards")
    board_commands = board.add_subparsers(dest="board_command", required=True)
    create = with_data_dir(board_commands.add_parser("create", help="create a board"))
    create.add_argument("--title", required=True)
    create.add_argument("--language", choices=["nl", "en"], default="nl")

    user = commands.add_parser("user", help="manage facilitator accounts")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    create_user = with_data_dir(
        user_commands.add_parser(
            "create", help="create an account (password from a prompt, or stdin when piped)"
        )
    )
    create_user.add_argument("email")
    create_user.add_argument("--name", default="", help="the name colleagues and families see")

    records = commands.add_parser("records", help="case records")
    record_commands = records.add_subparsers(dest="records_command", required=True)
    verify = with_data_dir(
        record_commands.add_parser(
            "verify", help="check every record against its SHA-256 and its seal"
        )
    )
    verify.add_argument("case_id", nargs="?", help="only this case")

    with_data_dir(
        commands.add_parser(
            "demo", help="add a made-up case to try Netwerkbord with, and an account for it"
        )
    )

    token = with_data_dir(commands.add_parser("token", help="print an access token"))
    token.add_argument("board_id")
    token.add_argument("--role", required=True, choices=[r.value for r in Role])
    token.add_argument("--name", default="")
    token.add_argument("--ttl", type=int, help="seconds the token stays valid (default 12 h)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        settings = Settings.from_env(environment(arguments.env_file)).with_overrides(
            data_dir=arguments.data_dir,
            host=getattr(arguments, "host", None),
            port=getattr(arguments, "port", None),
        )
    except SettingsError as error:
        print(f"netwerkbord: {error}", file=sys.stderr)
        return 2
    if arguments.command == "serve":
        return _serve(settings)
    try:
        for line in check(arguments.command, settings):
            print(f"netwerkbord: {line}", file=sys.stderr)
    except ToolRefused as refusal:
        print(f"netwerkbord: {refusal}", file=sys.stderr)
        return 2
    try:
        return asyncio.run(_administer(arguments, settings))
    except (BoardNotFound, ValueError, AccountError) as error:
        print(f"netwerkbord: {error}", file=sys.stderr)
        return 1


PING_SECONDS = 30.0


def _serve(settings: Settings) -> int:
    if settings.redis_url and not settings.secret_key:
        print(
            "netwerkbord: NETWERKBORD_REDIS_URL means several processes share the boards; "
            "each needs the same NETWERKBORD_SECRET_KEY, or a token one issues another "
            "refuses (docs/deploy.md). Set it, on every process.",
            file=sys.stderr,
        )
        return 2
    configure(settings.log_level)
    io = socket_io(settings)  # the fast path, or the plain one (server/fastpath/)
    app = io.wrap(create_app(settings))
    print(f"Netwerkbord is running at http://{settings.host}:{settings.port}/", flush=True)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        http=io.http,
        ws=io.ws,
        # X-Forwarded-For and -Proto only from the proxies named in the settings; by default
        # from nobody (uvicorn's own default trusts 127.0.0.1: anything local).
        proxy_headers=bool(settings.forwarded_allow_ips),
        forwarded_allow_ips=list(settings.forwarded_allow_ips) or None,
        ws_max_size=settings.max_message_bytes,
        # as the reference Yjs server: a client that vanished is closed within a minute
        ws_ping_interval=PING_SECONDS,
        ws_ping_timeout=PING_SECONDS,
        ws_per_message_deflate=False,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=10,
    )
    return 0


async def _administer(arguments: argparse.Namespace, settings: Settings) -> int:
    store = store_for(settings)
    await store.open()
    try:
        if arguments.command == "board":
            board = await create_board(store, arguments.title, arguments.language)
            print(board.id)
        elif arguments.command == "demo":
            password = secrets.token_urlsafe(12)
            user, _, board_id = await create_demo(store, password)
            address = _address(settings)
            print(f"Sign in at {address}/signin")
            print(f"  email:    {user.email}")
            print(f"  password: {password}")
            print(f"The demo board: {address}/boards/{board_id}")
        elif arguments.command == "records":
            key = load_secret_key(settings.data_dir, settings.secret_key)
            return await _verify(Records(store, key), arguments.case_id)
        elif arguments.command == "user":
            user = await Accounts(store).create_user(
                arguments.email, arguments.name, _read_password()
            )
            print(f"Account created for {user.email} ({user.id}).")
        else:
            signer = TokenSigner(load_secret_key(settings.data_dir, settings.secret_key))
            ttl = arguments.ttl if arguments.ttl is not None else settings.default_token_ttl
            name = arguments.name or arguments.role
            print(
                await grant_access(
                    store, signer, arguments.board_id, Role(arguments.role), name, ttl
                )
            )
    finally:
        await store.close()
    return 0


def _address(settings: Settings) -> str:
    """Where people reach the server: the public URL when set, else where it listens."""
    if settings.public_url:
        return settings.public_url.rstrip("/")
    return f"http://{settings.host}:{settings.port}"


async def _verify(records: Records, case_id: str | None) -> int:
    """Prints one line per record; exits 1 if any record does not match its content or its
    seal, 3 if all match but some are unsealed (written before records were sealed)."""
    results = await records.verify(case_id)
    for result in results:
        where = f"{result.record_id} (case {result.case_id})"
        if not result.ok:
            print(f"MISMATCH  {where}: " + "; ".join(result.problems))
        elif not result.sealed:
            print(f"UNSEALED  {where}: its digests match, but it was written before records")
            print("          were sealed with the server's key, so a rewrite would not show")
        else:
            print(f"OK        {where}")
    bad = sum(not r.ok for r in results)
    unsealed = sum(r.ok and not r.sealed for r in results)
    print(f"{len(results)} record(s) checked: {bad} do not match, {unsealed} unsealed.")
    return 1 if bad else 3 if unsealed else 0


def _read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != password:
        raise AccountError("The two passwords differ.")
    return password


if __name__ == "__main__":
    sys.exit(main())
