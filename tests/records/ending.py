"""Ending a meeting as the facilitator does: the end button, then the page it leads to."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from tests.support.server import ServerProcess
from tests.support.waiting import until
from tests.support.web import Facilitator, form_token

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


_TRY_AGAIN = re.compile(
    r'<form method="post" action="([^"]+)"[^>]*>(?:(?!</form>).)*Opnieuw proberen', re.S
)


async def press_try_again(sanne: Facilitator, page: httpx.Response) -> httpx.Response:
    """The "Try again" button on the page: its form, with the token the page gave."""
    form = _TRY_AGAIN.search(page.text)
    assert form, "the page has no button to try again"
    return await sanne.client.post(form[1], data={"csrf_token": form_token(page.text)})


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


def renderers(server_pid: int) -> list[int]:
    """The PDF workers the server process has started and that are still alive."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        state, parent = stat.rsplit(")", 1)[1].split()[:2]
        if int(parent) == server_pid and state != "Z" and b"server.records.pdf" in command:
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


async def a_renderer(server: ServerProcess) -> int:
    """The PDF worker of the record being written, once the server has started it."""
    assert server.process is not None
    pid = server.process.pid

    async def started() -> bool:
        return bool(renderers(pid))

    await until(started, "the PDF worker started", WRITING_SECONDS)
    return renderers(pid)[0]
