"""The translation catalogue: web/i18n/{language}.json and web/i18n/*.{language}.json,
merged; shared by the server's templates and the browser code."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from starlette.requests import Request

I18N_DIR = Path(__file__).resolve().parent.parent / "web" / "i18n"
LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
LANGUAGE_COOKIE = "nb_lang"


@cache
def catalogue(language: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    files = [I18N_DIR / f"{language}.json", *sorted(I18N_DIR.glob(f"*.{language}.json"))]
    for path in files:
        if path.exists():
            merged.update(json.loads(path.read_text("utf-8")))
    return merged


def language_of(request: Request) -> str:
    """?lang= wins, then the cookie, then the browser's first choice we speak; Dutch first."""
    for candidate in (request.query_params.get("lang"), request.cookies.get(LANGUAGE_COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    accepted = request.headers.get("accept-language", "")
    for part in accepted.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


class Translator:
    def __init__(self, language: str) -> None:
        self.language = language
        self._texts = catalogue(language)
        self._fallback = catalogue(DEFAULT_LANGUAGE)

    def __call__(self, key: str, **values: object) -> str:
        text = self._texts.get(key) or self._fallback.get(key) or key
        return text.format(**values) if values else text
