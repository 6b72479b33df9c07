"""Structured logs: one JSON object a line, with whatever `extra` a call carries."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

_STANDARD = set(vars(logging.makeLogRecord({})))
_STANDARD |= {"message", "asctime", "taskName", "color_message"}


_SECRET_PARAMETER = re.compile(r"(token=)[^&\s\"']+")
_QUERY_STRING = re.compile(r"(/[^\s?\"']*)\?[^\s\"']*")
# the first run's one-time link carries its secret in the path (server/access/setup.py)
_SETUP_SECRET = re.compile(r"(/setup/)[^\s/?#\"']+")


class RedactTokens(logging.Filter):
    """Servers and proxies log request lines; a token in one would open the board to any
    reader of the log. Every path's query string is cut out of every message before it is
    written (a token may be in one, as may a join code), and any `token=` left besides; so
    is the first run's secret from a /setup/ path, in the message and in every field."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "?" in message or "token=" in message or "/setup/" in message:
            message = _QUERY_STRING.sub(r"\1", message)
            message = _SETUP_SECRET.sub(r"\1[redacted]", message)
            record.msg = _SECRET_PARAMETER.sub(r"\1[redacted]", message)
            record.args = None
        for key, value in list(vars(record).items()):
            if key not in _STANDARD and isinstance(value, str) and "/setup/" in value:
                setattr(record, key, _SETUP_SECRET.sub(r"\1[redacted]", value))
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure(level: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactTokens())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # uvicorn's access log would print every URL, tokens included: we log joins ourselves.
    logging.getLogger("uvicorn.access").disabled = True
    logging.getLogger("uvicorn.error").handlers[:] = []
