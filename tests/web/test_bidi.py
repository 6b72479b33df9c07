"""Text people typed is shown isolated: a right-to-left override stays inside it."""

from __future__ import annotations

import re

from tests.support.server import Admin, ServerProcess
from tests.support.web import browser, sign_in

OVERRIDE = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "gnp.exe" shows as "exe.png"
TITLE = f"Familie {OVERRIDE}gnp.exe"
FSI, PDI = "\u2068", "\u2069"


async def test_a_title_with_a_direction_override_is_shown_isolated(
    server: ServerProcess, admin: Admin
) -> None:
    sanne = await sign_in(server, admin, "sanne@jeugdzorg.example", f"Sanne {OVERRIDE}reoB")
    case = await sanne.new_case(TITLE)
    board = await sanne.new_meeting(case, TITLE)

    dashboard = (await sanne.client.get("/")).text
    assert f"<bdi>{TITLE}</bdi>" in dashboard
    assert f"<bdi>Sanne {OVERRIDE}reoB</bdi>" in dashboard
    outside = re.sub(r"<bdi>[^<]*</bdi>", "", dashboard)
    assert OVERRIDE not in outside, "every override on the page is inside an isolate"

    page = (await sanne.client.get(f"/cases/{case}")).text
    assert f"<title>{FSI}{TITLE}{PDI} ·" in page
    assert f"<h1><bdi>{TITLE}</bdi></h1>" in page
    assert 'name="title" dir="auto"' in page

    phone = browser(server)
    join = (await phone.get(f"/j/{await sanne.code(board)}")).text
    assert f"{FSI}{TITLE}{PDI}" in join
    assert 'name="name" dir="auto"' in join


async def test_the_live_board_keeps_an_override_inside_its_title(
    server: ServerProcess, admin: Admin
) -> None:
    sanne = await sign_in(server, admin, "sanne@jeugdzorg.example", "Sanne de Boer")
    board = await sanne.new_meeting(await sanne.new_case(TITLE), TITLE)

    for view in ("", "/projector"):
        page = (await sanne.client.get(f"/boards/{board}{view}")).text
        assert f"<title>{FSI}{TITLE}{PDI} · Netwerkbord</title>" in page, view
