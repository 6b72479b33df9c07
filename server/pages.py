"""The HTML pages (Jinja2 templates in web/templates) and the static files they use."""

from __future__ import annotations

from pathlib import Path

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

WEB_DIR = Path(__file__).resolve().parent.parent / "web"


def templates() -> Jinja2Templates:
    return Jinja2Templates(directory=WEB_DIR / "templates")


def page_routes() -> list[BaseRoute]:
    return [
        Mount("/static", app=StaticFiles(directory=WEB_DIR / "static", check_dir=False),
              name="static"),
    ]
