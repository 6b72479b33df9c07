"""Ending a meeting as the facilitator does: the end button, then the page it leads to."""

from __future__ import annotations

import httpx

from tests.support.waiting import until
from tests.support.web import Facilitator

WRITING_SECONDS = 120.0  # a bound for a stuck test, not a timing goal: busy hosts are slow


async def end_meeting(sanne: Facilitator, board: str) -> str:
    """Press "end meeting"; returns the page it leads to (the meeting's record page)."""
    response = await sanne.api(f"/api/boards/{board}/end")
    assert response.status_code == 200, response.text
    url: str = response.json()["record_url"]
    assert url == f"/boards/{board}/record"
    return url


async def record_page(sanne: Facilitator, board: str) -> httpx.Response:
    return await sanne.client.get(f"/boards/{board}/record")


async def record_written(sanne: Facilitator, board: str) -> str:
    """Wait on the meeting's record page, as the facilitator does, until it leads to the
    record; returns the record's id."""
    seen: list[httpx.Response] = []

    async def written() -> bool:
        seen.append(await record_page(sanne, board))
        return seen[-1].status_code == 303

    await until(written, "the record written", WRITING_SECONDS)
    location = seen[-1].headers["location"]
    assert location.startswith("/records/"), location
    return location.removeprefix("/records/")


async def end_and_wait(sanne: Facilitator, board: str) -> str:
    await end_meeting(sanne, board)
    return await record_written(sanne, board)
