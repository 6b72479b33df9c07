"""Updates as a real Yjs client makes them: a new card, then characters typed into it."""

from __future__ import annotations

from typing import Any

from pycrdt import Array, Doc, Map, Text


def card_then_keystrokes(board: bytes, author: str, keystrokes: int) -> list[bytes]:
    """On the board whose state is `board`: the update adding a card by `author`, then one
    update per character typed into its text."""
    client: Doc[Any] = Doc()
    client.apply_update(board)
    updates: list[bytes] = []
    subscription = client.observe(lambda event: updates.append(event.update))
    worries = client.get("worries", type=Array)
    worries.append(
        Map(
            {
                "id": "c1",
                "text": Text(""),
                "kind": "harm",
                "author": author,
                "created": "2026-01-01T00:00:00Z",
            }
        )
    )
    text = worries[len(worries) - 1]["text"]
    for _ in range(keystrokes):
        text += "x"
    client.unobserve(subscription)
    return updates
