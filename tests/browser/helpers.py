"""People at their screens: signing in and opening the board in a real browser."""

from __future__ import annotations

from tests.support.node import NodeClients
from tests.support.server import ServerProcess
from tests.support.web import PASSWORD

EMAIL = "sanne@jeugdzorg.example"
WORRIES = ".column-worries .kind-harm"
STRENGTHS = ".column-working_well .kind-strength"
GOALS = ".column-next_steps .kind-goal"
FIRST_WORRY = f"{WORRIES} li:first-child textarea"


async def sign_in_on(
    browser: NodeClients,
    server: ServerProcess,
    name: str,
    email: str,
    *,
    width: int = 1280,
    height: int = 800,
) -> None:
    """A new screen `name`, signed in as `email` through the sign-in page."""
    await browser.call("open", name=name, width=width, height=height)
    await browser.call("goto", name=name, url=f"{server.http_url}/signin")
    await browser.call("fill", name=name, selector="#email", value=email)
    await browser.call("fill", name=name, selector="#password", value=PASSWORD)
    await browser.call("click", name=name, selector="button[type=submit]")
    await browser.call("wait", name=name, selector="h1")


async def sign_in_and_open(
    browser: NodeClients,
    server: ServerProcess,
    name: str,
    email: str,
    board: str,
    *,
    width: int = 1280,
    height: int = 800,
    view: str = "",
) -> None:
    await sign_in_on(browser, server, name, email, width=width, height=height)
    suffix = f"/{view}" if view else ""
    await browser.call("goto", name=name, url=f"{server.http_url}/boards/{board}{suffix}")
    await browser.call("wait", name=name, selector=".status.connected")


async def add_card(browser: NodeClients, name: str, section: str, text: str) -> None:
    """Press the section's add button and type into the new card."""
    await browser.call("click", name=name, selector=f"{section} .add")
    await browser.call("wait", name=name, selector=f"{section} li:last-child textarea:focus")
    await browser.call("keyboard", name=name, text=text)


async def first_worry_on_both_screens(browser: NodeClients, text: str) -> None:
    """The laptop (a) writes the first worry and it is on the colleague's screen (b) too."""
    await add_card(browser, "a", WORRIES, text)
    await browser.call("wait_text", name="b", selector=FIRST_WORRY, text=text)
