"""A phone whose connection drops in the middle of a meeting (the socket cut by a proxy
between the browser and the server): what the page says is true at every moment."""

from __future__ import annotations

from pathlib import Path

from tests.browser.phones import demo_meeting, in_view, join_on_phone
from tests.support.node import NodeClients
from tests.support.proxy import proxy_to
from tests.support.server import free_port

CARD = "Oma kan de kinderen op woensdag ophalen"
WATCH_SENT = """(() => {
  window.saidSent = false
  const look = () => {
    const said = document.querySelector('#compose-feedback').textContent
    if (said.includes('Verzonden')) window.saidSent = true
  }
  const all = { subtree: true, childList: true, characterData: true }
  new MutationObserver(look).observe(document.body, all)
  look()
  return true
})()"""


async def test_a_card_added_offline_is_called_sent_only_once_the_server_has_it(
    tmp_path: Path, browser: NodeClients, nodes: NodeClients
) -> None:
    front = free_port()
    async with demo_meeting(tmp_path / "data", front_port=front) as meeting:
        async with proxy_to(meeting.server.port, port=front) as proxy:
            await join_on_phone(browser, meeting, "oma", "Oma Riet", "oma")
            token = await meeting.facilitator_token()
            await nodes.connect("sanne", meeting.server.ws_url, meeting.board, token)
            worries = len(await nodes.call("texts", name="sanne", part="worries"))

            proxy.cut()
            await browser.call("wait_text", name="oma", selector=".status", text="Geen verbinding")
            # The connection's state stays in view wherever the relative has scrolled to.
            await browser.call("evaluate", name="oma", expression="scrollTo(0, 1500)")
            await in_view(browser, "oma", ".status")
            await browser.call("evaluate", name="oma", expression="scrollTo(0, 0)")

            await browser.call("fill", name="oma", selector="#compose-text", value=CARD)
            await browser.call("click", name="oma", selector="#compose button[type=submit]")
            said = await in_view(browser, "oma", "#compose-feedback")
            assert "Wacht op verzending" in str(said["text"]), said
            header = await in_view(browser, "oma", ".delivery")
            assert header["text"] == "Wacht op verzending"
            assert CARD not in await nodes.call("texts", name="sanne", part="worries")

            # The connection comes back, but the server's answers are kept from the phone:
            # the server stores the card, and the phone must not say so before it hears it.
            assert await browser.call("evaluate", name="oma", expression=WATCH_SENT)
            proxy.hold_answers()
            proxy.restore()
            await nodes.call(
                "wait_text", name="sanne", part="worries", index=worries, includes=CARD
            )
            assert proxy.held > 0  # the phone has not heard the server's answers
            assert await browser.call("evaluate", name="oma", expression="window.saidSent") is False
            assert "Verzonden" not in await browser.call(
                "texts", name="oma", selector="#compose-feedback, .bar"
            )

            proxy.release()
            await browser.call(
                "wait_text", name="oma", selector="#compose-feedback", text="Verzonden"
            )
            await browser.call("wait", name="oma", selector=".delivery", state="hidden")
            await browser.call("wait_text", name="oma", selector=".status", text="Verbonden")
            assert await browser.call("errors", name="oma") == []
