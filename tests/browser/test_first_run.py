"""A newcomer's first run in the browser: from the link the server printed to a meeting,
by clicking only."""

from __future__ import annotations

import os
import re

from tests.support.node import NodeClients
from tests.support.server import ServerProcess
from tests.support.web import PASSWORD

SHOTS = os.environ.get("NETWERKBORD_SCREENSHOTS")
ME = "newcomer"
PRINTED_LINK = re.compile(r"http://\S+/setup/\S+")


async def test_a_newcomer_goes_from_the_printed_link_to_a_meeting(
    server: ServerProcess, browser: NodeClients
) -> None:
    printed = PRINTED_LINK.search(await server.wait_for_log("/setup/"))
    assert printed, "the server printed no setup link"
    await browser.call("open", name=ME, width=1366, height=768)
    await browser.call("goto", name=ME, url=printed.group(0))
    await browser.call("wait", name=ME, selector="#name")
    if SHOTS:
        await browser.call("screenshot", name=ME, path=f"{SHOTS}/setup-laptop.png", full=True)
    await browser.call("fill", name=ME, selector="#name", value="Sanne de Boer")
    await browser.call("fill", name=ME, selector="#email", value="sanne@jeugdzorg.example")
    await browser.call("fill", name=ME, selector="#password", value=PASSWORD)
    await browser.call("fill", name=ME, selector="#password-again", value=PASSWORD)
    await browser.call("click", name=ME, selector="button[type=submit]")

    await browser.call("wait_text", name=ME, selector="#welcome-title", text="Welkom")
    if SHOTS:
        await browser.call("screenshot", name=ME, path=f"{SHOTS}/setup-welcome-laptop.png")
    await browser.call("fill", name=ME, selector="#case-title", value="Familie Jansen")
    await browser.call("click", name=ME, selector="form[action='/cases'] button[type=submit]")
    await browser.call("wait_url", name=ME, glob="**/cases/*")
    await browser.call("click", name=ME, selector="form[action$='/boards'] button[type=submit]")
    await browser.call("wait_url", name=ME, glob="**/boards/*")
    await browser.call("wait", name=ME, selector=".status.connected")
    assert await browser.call("errors", name=ME) == []

    # the link is spent: the same address now says so, plainly, and sends to sign in
    await browser.call("open", name="later", width=1366, height=768)
    await browser.call("goto", name="later", url=printed.group(0))
    await browser.call("wait_text", name="later", selector="h1", text="Al ingericht")
    assert await browser.call("count", name="later", selector="#password") == 0


async def test_the_setup_page_on_a_phone(server: ServerProcess, browser: NodeClients) -> None:
    printed = PRINTED_LINK.search(await server.wait_for_log("/setup/"))
    assert printed, "the server printed no setup link"
    await browser.call("open", name=ME, width=390, height=844, mobile=True)
    await browser.call("goto", name=ME, url=printed.group(0))
    await browser.call("wait", name=ME, selector="#name")
    width = await browser.call("evaluate", name=ME, expression="document.body.scrollWidth")
    assert width <= 390, "the setup page scrolls sideways on a phone"
    if SHOTS:
        await browser.call("screenshot", name=ME, path=f"{SHOTS}/setup-phone.png", full=True)
