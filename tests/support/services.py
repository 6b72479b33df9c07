"""Throwaway PostgreSQL and Redis servers on loopback, started by the tests themselves."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from tests.support.server import free_port


def _postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed (make test installs Debian's postgresql)")
    return Path(found[-1]).parent


def postgres_tool(name: str) -> str:
    """The path of one of PostgreSQL's programs: pg_dump, pg_restore, createdb."""
    return str(_postgres_bin() / name)


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as the postgres user."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@contextlib.contextmanager
def postgres() -> Iterator[str]:
    """A fresh cluster in a temporary folder; yields a connection URL."""
    folder = Path(tempfile.mkdtemp(prefix="nb-postgres-"))
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(folder, user.pw_uid, user.pw_gid)
    data, port, binaries = folder / "data", free_port(), _postgres_bin()
    subprocess.run(
        _as_postgres(
            [
                str(binaries / "initdb"),
                "-D",
                str(data),
                "-U",
                "netwerkbord",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        ),
        check=True,
        capture_output=True,
    )
    server = subprocess.Popen(
        _as_postgres(
            [
                str(binaries / "postgres"),
                "-D",
                str(data),
                "-p",
                str(port),
                "-h",
                "127.0.0.1",
                "-k",
                str(folder),
                "-c",
                "fsync=off",
                "-c",
                "max_connections=200",
            ]
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(
            lambda: (
                subprocess.run(
                    [str(binaries / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)],
                    capture_output=True,
                    check=False,
                ).returncode
                == 0
            ),
            "PostgreSQL",
        )
        yield f"postgresql://netwerkbord@127.0.0.1:{port}/postgres"
    finally:
        server.terminate()
        server.wait(30)
        shutil.rmtree(folder, ignore_errors=True)


class RedisServer:
    """A Redis on a fixed port, so that a restart is found again at the same address."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        redis_server = shutil.which("redis-server")
        if redis_server is None:
            raise RuntimeError("Redis is not installed (make test installs Debian's redis-server)")
        self.process = subprocess.Popen(
            [
                redis_server,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for(self._answers, "Redis")

    def _answers(self) -> bool:
        import socket  # noqa: PLC0415

        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(30)
            self.process = None


def _wait_for(ready: object, what: str, seconds: float = 30) -> None:
    assert callable(ready)
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start")
        time.sleep(0.05)


def fresh_database(url: str) -> str:
    """A new, empty database in the cluster at `url`; returns its URL."""
    import secrets  # noqa: PLC0415

    import psycopg  # noqa: PLC0415

    name = "t_" + secrets.token_hex(6)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")  # name is ours: hex only
    return url.rsplit("/", 1)[0] + "/" + name


class NginxServer:
    """Debian's nginx with a configuration of ours, in a temporary folder: `http_block` is
    what goes inside `http {}` (docs/deploy.md's block, adapted by the test)."""

    def __init__(self, folder: Path, http_block: str) -> None:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(nginx).exists():
            raise RuntimeError("nginx is not installed (make test installs Debian's nginx)")
        self.binary = nginx
        self.folder = folder
        self.logs = folder / "logs"
        temp = folder / "temp"
        for place in (self.logs, temp):
            place.mkdir(parents=True, exist_ok=True)
        temp.chmod(0o777)  # the workers run as nobody when the master runs as root
        self.config = folder / "nginx.conf"
        temp_paths = "\n".join(
            f"    {kind}_temp_path {temp / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        self.config.write_text(
            f"worker_processes 1;\n"
            f"pid {folder / 'nginx.pid'};\n"
            f"error_log {self.logs / 'main-error.log'} info;\n"
            "events { worker_connections 512; }\n"
            "http {\n"
            f"    access_log {self.logs / 'main-access.log'};\n"
            f"{temp_paths}\n"
            f"{http_block}\n"
            "}\n"
        )
        self.process: subprocess.Popen[bytes] | None = None

    def _command(self, *extra: str) -> list[str]:
        return [self.binary, "-p", str(self.folder), "-c", str(self.config), *extra]

    def test_config(self) -> subprocess.CompletedProcess[str]:
        """`nginx -t` on the configuration: returncode 0 and 'syntax is ok' when it is."""
        return subprocess.run(
            self._command("-t"), capture_output=True, text=True, check=False
        )

    def start(self, port: int) -> None:
        with (self.logs / "stderr.log").open("ab") as stderr:
            self.process = subprocess.Popen(
                self._command("-g", "daemon off;"), stdout=subprocess.DEVNULL, stderr=stderr
            )
        _wait_for(lambda: _listens(port), "nginx")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(30)
            self.process = None

    def log_text(self) -> str:
        """Everything nginx wrote in its log folder, every file."""
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')}"
            for path in sorted(self.logs.iterdir())
        )


def _listens(port: int) -> bool:
    import socket  # noqa: PLC0415

    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def self_signed_certificate(folder: Path, name: str) -> tuple[Path, Path]:
    """A throwaway certificate for `name` and 127.0.0.1: (fullchain.pem, privkey.pem)."""
    folder.mkdir(parents=True, exist_ok=True)
    chain, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", str(key), "-out", str(chain), "-subj", f"/CN={name}",
            "-addext", f"subjectAltName=DNS:{name},IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    return chain, key


class PostgresServer:
    """A PostgreSQL cluster that can be stopped and started again at the same address."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="nb-postgres-"))
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
        self.data, self.port, self.binaries = self.folder / "data", free_port(), _postgres_bin()
        subprocess.run(
            _as_postgres(
                [
                    str(self.binaries / "initdb"), "-D", str(self.data), "-U", "netwerkbord",
                    "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8",
                ]
            ),
            check=True,
            capture_output=True,
        )
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"postgresql://netwerkbord@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        self.process = subprocess.Popen(
            _as_postgres(
                [
                    str(self.binaries / "postgres"), "-D", str(self.data), "-p", str(self.port),
                    "-h", "127.0.0.1", "-k", str(self.folder), "-c", "fsync=off",
                ]
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for(self._answers, "PostgreSQL")

    def _answers(self) -> bool:
        command = [str(self.binaries / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)]
        return subprocess.run(command, capture_output=True, check=False).returncode == 0

    def stop(self) -> None:
        """A fast shutdown, as `systemctl restart postgresql` does: sessions are ended."""
        if self.process is not None:
            subprocess.run(
                _as_postgres(
                    [str(self.binaries / "pg_ctl"), "stop", "-D", str(self.data), "-m", "fast"]
                ),
                check=True,
                capture_output=True,
            )
            self.process.wait(60)
            self.process = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
