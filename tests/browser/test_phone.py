"""A relative on a small phone joins with the code, adds a worry and a rating; the
facilitator's board and the projector show them."""

from __future__ import annotations

from tests.browser.helpers import sign_in_and_open
from tests.support.node import NodeClients
from tests.support.server import Admin, ServerProcess
from tests.support.web import sign_in

EMAIL = "sanne@jeugdzorg.example"


async def test_a_relative_joins_on_a_phone_and_everyone_sees_their_card_and_rating(
    server: ServerProcess, admin: Admin, browser: NodeClients
) -> None:
    sanne = await sign_in(server, admin, EMAIL, "Sanne de Boer")
    board = await sanne.new_meeting(await sanne.new_case("Familie Jansen"))
    code = await sanne.code(board)
    await sign_in_and_open(browser, server, "laptop", EMAIL, board)
    await sign_in_and_open(
        browser, server, "wall", EMAIL, board, width=1920, height=1080, view="projector"
    )

    await browser.call("open", name="phone", width=360, height=640, mobile=True)
    await browser.call("goto", name="phone", url=f"{server.http_url}/j")
    await browser.call(
        "fill", name="phone", selector="#code", value=f"{code[:3]}-{code[3:]}".lower()
    )
    await browser.call("click", name="phone", selector="button[type=submit]")
    await browser.call("fill", name="phone", selector="#name", value="Opa Henk")
    await browser.call("fill", name="phone", selector="#relation", value="opa")
    await browser.call("click", name="phone", selector="button[type=submit]")
    await browser.call("wait", name="phone", selector=".status.connected")
    assert (await browser.call("url", name="phone")).endswith(f"/boards/{board}/phone")

    await browser.call(
        "fill", name="phone", selector="#compose-text", value="Ik maak me zorgen als vader drinkt"
    )
    await browser.call("select", name="phone", selector="#compose-where", value="worries:danger")
    await browser.call("click", name="phone", selector="#compose button[type=submit]")
    await browser.call("click", name="phone", selector="[data-tab=scales]")
    await browser.call("click", name="phone", selector="#panel-scales .score >> nth=6")

    for screen in ("laptop", "wall", "phone"):
        await browser.call(
            "wait_text",
            name=screen,
            selector=".column-worries .kind-danger .text",
            text="Ik maak me zorgen als vader drinkt",
        )
    for screen in ("laptop", "wall"):
        await browser.call("wait_text", name=screen, selector=".kind-danger .by", text="Opa Henk")
        await browser.call("wait_text", name=screen, selector=".scale .rating-row", text="Opa Henk")
        assert "6" in await browser.call("texts", name=screen, selector=".scale .pin")
    assert await browser.call("count", name="wall", selector=".join-corner .qr") == 1
    wall_buttons = await browser.call("count", name="wall", selector="button:visible")
    assert wall_buttons == 0
    assert await browser.call("errors", name="phone") == []
    assert await browser.call("storage", name="phone") == {"local": 0, "session": 0, "indexeddb": 0}

    # A code that does not exist, and then the meeting ends.
    await browser.call("open", name="other", width=360, height=640, mobile=True)
    await browser.call("goto", name="other", url=f"{server.http_url}/j/ZZZZZZ")
    await browser.call(
        "wait_text", name="other", selector=".message", text="Deze code kennen we niet"
    )
    assert (await sanne.api(f"/api/boards/{board}/end")).status_code == 200
    await browser.call(
        "wait_text", name="phone", selector=".finished", text="De bijeenkomst is afgelopen"
    )
    await browser.call("goto", name="other", url=f"{server.http_url}/j/{code}")
    await browser.call(
        "wait_text", name="other", selector=".message", text="Deze bijeenkomst is afgelopen"
    )
