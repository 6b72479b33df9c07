"""Settings, read once from the environment into one typed object."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

PREFIX = "NETWERKBORD_"


class SettingsError(Exception):
    """A setting in the environment that cannot be used."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("var")
    host: str = "127.0.0.1"
    port: int = 8000
    allowed_origins: tuple[str, ...] = ()
    max_message_bytes: int = 1024 * 1024
    messages_per_second: float = 100.0
    message_burst: int = 300
    send_queue_limit: int = 2048
    room_idle_seconds: float = 30.0
    hold_seconds: float = 10.0
    refusals_before_backoff: int = 3  # per token, then it waits (server/sync/turnstile.py)
    address_refusals_before_backoff: int = 30
    connections_per_participant: int = 8
    connections_per_token: int = 4
    presence_timeout_seconds: float = 30.0
    compact_after_updates: int = 1000
    secret_key: str | None = None
    default_token_ttl: int = 12 * 3600
    sqlite_synchronous: str = "NORMAL"
    log_level: str = "info"
    public_url: str | None = None
    database_url: str | None = None
    redis_url: str | None = None
    secure_cookies: bool = False
    forwarded_allow_ips: tuple[str, ...] = ()
    header_timeout_seconds: float = 10.0
    # reading and writing frames below ASGI, where the installed uvicorn and websockets
    # allow it (server/fastpath/); off: every message through ASGI
    fast_path: bool = True
    # the time a record's PDF may take before it is stopped (and can be tried again): a
    # tenth of the largest board the schema allows took about a minute on a busy host
    # (bench/record_render.py); a real meeting's record takes a second or two
    record_render_seconds: float = 1200.0
    # the first run's one-time link (server/access/setup.py): how long it works, and
    # whether it opens from another machine than the server's own
    setup_link_seconds: float = 30 * 60
    setup_from_anywhere: bool = False
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def database_path(self) -> Path:
        return self.data_dir / "netwerkbord.sqlite3"

    def origins(self) -> frozenset[str]:
        """Allowed WebSocket origins: the configured list, or the server's own address."""
        if self.allowed_origins:
            return frozenset(self.allowed_origins)
        hosts = {self.host, "localhost", "127.0.0.1"}
        schemes = ("http", "https")
        own = {f"{scheme}://{h}:{self.port}" for h in hosts for scheme in schemes}
        if self.public_url:
            own.add(self.public_url.rstrip("/"))
        return frozenset(own)

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            value = env.get(PREFIX + name)
            return value if value not in (None, "") else None

        def number(name: str, default: float, kind: type[int] | type[float]) -> float:
            raw = get(name)
            if raw is None:
                return default
            try:
                value = kind(raw)
            except ValueError as error:
                raise SettingsError(f"{PREFIX}{name} must be a number, not {raw!r}") from error
            if value <= 0:
                raise SettingsError(f"{PREFIX}{name} must be greater than zero")
            return value

        defaults = cls()
        origins = get("ALLOWED_ORIGINS")
        fast_path = (get("FAST_PATH") or "on").lower()
        if fast_path not in _SWITCH:
            raise SettingsError(f"{PREFIX}FAST_PATH must be on or off, not {fast_path!r}")
        synchronous = (get("SQLITE_SYNCHRONOUS") or defaults.sqlite_synchronous).upper()
        if synchronous not in ("NORMAL", "FULL"):
            raise SettingsError(f"{PREFIX}SQLITE_SYNCHRONOUS must be NORMAL or FULL")
        return cls(
            data_dir=Path(get("DATA_DIR") or defaults.data_dir),
            host=get("HOST") or defaults.host,
            port=int(number("PORT", defaults.port, int)),
            allowed_origins=_listed(origins),
            max_message_bytes=int(number("MAX_MESSAGE_BYTES", defaults.max_message_bytes, int)),
            messages_per_second=number("MESSAGES_PER_SECOND", defaults.messages_per_second, float),
            message_burst=int(number("MESSAGE_BURST", defaults.message_burst, int)),
            send_queue_limit=int(number("SEND_QUEUE_LIMIT", defaults.send_queue_limit, int)),
            room_idle_seconds=number("ROOM_IDLE_SECONDS", defaults.room_idle_seconds, float),
            hold_seconds=number("HOLD_SECONDS", defaults.hold_seconds, float),
            refusals_before_backoff=int(
                number("REFUSALS_BEFORE_BACKOFF", defaults.refusals_before_backoff, int)
            ),
            address_refusals_before_backoff=int(
                number(
                    "ADDRESS_REFUSALS_BEFORE_BACKOFF",
                    defaults.address_refusals_before_backoff,
                    int,
                )
            ),
            connections_per_participant=int(
                number("CONNECTIONS_PER_PARTICIPANT", defaults.connections_per_participant, int)
            ),
            connections_per_token=int(
                number("CONNECTIONS_PER_TOKEN", defaults.connections_per_token, int)
            ),
            presence_timeout_seconds=number(
                "PRESENCE_TIMEOUT_SECONDS", defaults.presence_timeout_seconds, float
            ),
            compact_after_updates=int(
                number("COMPACT_AFTER_UPDATES", defaults.compact_after_updates, int)
            ),
            secret_key=get("SECRET_KEY"),
            default_token_ttl=int(number("TOKEN_TTL", defaults.default_token_ttl, int)),
            sqlite_synchronous=synchronous,
            log_level=(get("LOG_LEVEL") or defaults.log_level).lower(),
            public_url=get("PUBLIC_URL"),
            database_url=get("DATABASE_URL"),
            redis_url=get("REDIS_URL"),
            secure_cookies=(get("SECURE_COOKIES") or "").lower() in ("1", "true", "yes"),
            forwarded_allow_ips=_listed(get("FORWARDED_ALLOW_IPS")),
            header_timeout_seconds=number(
                "HEADER_TIMEOUT_SECONDS", defaults.header_timeout_seconds, float
            ),
            record_render_seconds=number(
                "RECORD_RENDER_SECONDS", defaults.record_render_seconds, float
            ),
            setup_link_seconds=number(
                "SETUP_LINK_SECONDS", defaults.setup_link_seconds, float
            ),
            setup_from_anywhere=(get("SETUP_FROM_ANYWHERE") or "").lower()
            in ("1", "true", "yes"),
            fast_path=_SWITCH[fast_path],
        )


_SWITCH = {"on": True, "off": False}


def _listed(value: str | None) -> tuple[str, ...]:
    """A comma-separated setting as a tuple; nothing when unset."""
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())
