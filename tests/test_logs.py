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
