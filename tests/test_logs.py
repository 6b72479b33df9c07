"""The server's own log keeps no query string: a token or a join code may be in one."""

from __future__ import annotations

import logging

from server.logs import JsonFormatter, RedactTokens


def test_the_servers_log_lines_hold_no_query_string() -> None:
    record = logging.makeLogRecord(
        {
            "name": "uvicorn.error",
            "msg": '%s - "WebSocket %s" [accepted]',
            "args": ("127.0.0.1:50000", "/ws/boards/b_1?epoch=e1&view=project&code=KXR7PM"),
        }
    )
    assert RedactTokens().filter(record)
    line = JsonFormatter().format(record)
    assert "WebSocket /ws/boards/b_1" in line
    for secret in ("epoch=e1", "KXR7PM", "?"):
        assert secret not in line


def test_the_first_runs_secret_never_reaches_the_log() -> None:
    record = logging.makeLogRecord(
        {
            "name": "server.app",
            "msg": "database unavailable at %s",
            "args": ("/setup/s3cretS3cret-_x",),
            "path": "/setup/s3cretS3cret-_x",
        }
    )
    assert RedactTokens().filter(record)
    line = JsonFormatter().format(record)
    assert "s3cretS3cret" not in line
    assert "/setup/[redacted]" in line
