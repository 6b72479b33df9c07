"""Rendering a page: the template, the person's language, and what every page needs."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from server.access.accounts import Session
from server.i18n import LANGUAGE_COOKIE, Translator, language_of
from server.pages import templates

_templates = templates()


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    session: Session | None = None,
    status_code: int = 200,
) -> Response:
    language = language_of(request)
    page = {
        "t": Translator(language),
        "language": language,
        "other_language": "en" if language == "nl" else "nl",
        "session": session,
        "user": session.user if session else None,
        "csrf_token": session.csrf_token if session else None,
        **(context or {}),
    }
    response = _templates.TemplateResponse(request, template, page, status_code=status_code)
    if request.query_params.get("lang") == language:
        response.set_cookie(
            LANGUAGE_COOKIE, language, max_age=365 * 86400, samesite="lax", httponly=True
        )
    return response
