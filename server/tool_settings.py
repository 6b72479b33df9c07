"""Which store and which key a command-line tool uses: said out loud, and refused where they
cannot be the servers'.

A tool run without the servers' settings used to work quietly on a SQLite file of its own
and a key it had just made, whose tokens every server then refused. Now every tool names
its store (and `token` its key) on stderr, reads the servers' settings file when given one
(`--env-file`, or NETWERKBORD_ENV_FILE), and refuses what could only be somebody else's
data: a new SQLite database (except for `demo`), or a key of its own beside a PostgreSQL
store, which only the servers' NETWERKBORD_SECRET_KEY can sign for.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from enum import Enum
from pathlib import Path

from psycopg.conninfo import conninfo_to_dict

from server.settings import PREFIX, Settings, SettingsError

ENV_FILE = PREFIX + "ENV_FILE"


class ToolRefused(Exception):
    """What the tool will not do with these settings, and what to give it instead."""


class Need(Enum):
    """What a command needs of the settings."""

    STORE = "store"  # an existing store
    STORE_AND_KEY = "store and key"  # an existing store, and the servers' key
    NEW_STORE_ALLOWED = "new store allowed"  # may make a new SQLite database (demo)


# command (as argparse names it) → what it needs
NEEDS: dict[str, Need] = {
    "board": Need.STORE,
    "user": Need.STORE,
    "records": Need.STORE,
    "token": Need.STORE_AND_KEY,
    "demo": Need.NEW_STORE_ALLOWED,
}

_ASK_FOR_SETTINGS = (
    "Give the tool the servers' settings: --env-file with the file the servers read "
    "(systemd's EnvironmentFile), or NETWERKBORD_DATABASE_URL and NETWERKBORD_SECRET_KEY "
    "(or --data-dir for one process on SQLite)."
)


def environment(env_file: Path | None, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The process's environment, with the settings file's NETWERKBORD_* lines over it."""
    merged = dict(os.environ if environ is None else environ)
    path = env_file or (Path(merged[ENV_FILE]) if merged.get(ENV_FILE) else None)
    if path is None:
        return merged
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SettingsError(f"cannot read the settings file {path}: {error.strerror}") from error
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, equals, value = line.removeprefix("export ").partition("=")
        if not equals:
            raise SettingsError(f"{path}, line {number}: expected NAME=value")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        merged[name.strip()] = value
    return merged


def describe_store(settings: Settings) -> str:
    if settings.database_url:
        parts = conninfo_to_dict(settings.database_url)  # never the password
        where = f"{parts.get('host', 'localhost')}:{parts.get('port', 5432)}"
        return f"PostgreSQL {parts.get('user', '')}@{where}/{parts.get('dbname', '')}"
    return f"SQLite {settings.database_path.resolve()}"


def check(command: str, settings: Settings) -> list[str]:
    """Lines to say on stderr before the command runs; ToolRefused if it must not run."""
    need = NEEDS.get(command, Need.STORE)
    said = [f"store: {describe_store(settings)}"]
    if not settings.database_url and not settings.database_path.exists():
        if need is not Need.NEW_STORE_ALLOWED:
            raise ToolRefused(
                f"There is no database at {settings.database_path.resolve()}, and this tool "
                "makes none: the servers' data is elsewhere. " + _ASK_FOR_SETTINGS
            )
        said.append("store: a NEW, empty SQLite database is made there")
    if need is Need.STORE_AND_KEY:
        said.append(_key(settings))
    return said


def _key(settings: Settings) -> str:
    if settings.secret_key:
        return "key: NETWERKBORD_SECRET_KEY"
    if settings.database_url:
        raise ToolRefused(
            "The store is PostgreSQL, shared by servers that sign with NETWERKBORD_SECRET_KEY, "
            "which is not set here: a token signed with any other key is refused by every "
            "server (4401), so none is made. " + _ASK_FOR_SETTINGS
        )
    path = (settings.data_dir / "secret.key").resolve()
    if path.exists():
        return f"key: {path}"
    return (
        f"key: {path}, made NEW now (servers started on this data directory without "
        "NETWERKBORD_SECRET_KEY use it; any other refuses these tokens)"
    )
