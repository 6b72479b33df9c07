"""Small builders the sync tests share."""

from __future__ import annotations

import httpx


def card(card_id: str, text: str, kind: str = "harm", author: str = "$me") -> dict[str, object]:
    """A card as the harness adds it: `$me` stands for the sending client's participant id."""
    return {
        "id": card_id,
        "text": text,
        "kind": kind,
        "author": author,
        "created": "2026-11-23T10:00:00Z",
    }


async def health(http_url: str) -> dict[str, object]:
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{http_url}/healthz")
        response.raise_for_status()
        result: dict[str, object] = response.json()
        return result


def statement(statement_id: str, text: str, author: str = "$me") -> dict[str, object]:
    """A danger statement, safety goal or bottom line."""
    return {"id": statement_id, "text": text, "author": author, "created": "2026-11-23T10:00:00Z"}
