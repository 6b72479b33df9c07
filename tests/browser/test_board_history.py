"""The board opened from a facilitator's token link, and a board whose history was restored."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from tests.browser.helpers import add_card
from tests.support.node import NodeClients
from tests.support.server import Admin, ServerProcess
from tests.support.sqlite_backup import copy_database

WORRIES = ".column-worries .kind-harm"
WORRY_TEXTS = ".column-worries textarea"


async def open_with_token(
    browser: NodeClients, server: ServerProcess, admin: Admin, board: str, name: str
) -> str:
    token = await admin.token(board, "facilitator", name)
    await browser.call("open", name=name)
    await browser.call("goto", name=name, url=f"{server.http_url}/boards/{board}?token={token}")
    await browser.call("wait", name=name, selector=".status.connected")
    return token


def give_new_epoch(database: Path, board: str) -> None:
    """What restoring a board's history does: it is a new history, so a new epoch."""
    with contextlib.closing(sqlite3.connect(database)) as db, db:
        db.execute("UPDATE boards SET epoch = 'restored-epoch' WHERE id = ?", (board,))


async def test_a_token_link_opens_the_board_and_leaves_no_token_in_the_address(
    server: ServerProcess, admin: Admin, browser: NodeClients
) -> None:
    board = await admin.create_board("Familie Jansen")
    sanne = await open_with_token(browser, server, admin, board, "Sanne de Boer")
    await open_with_token(browser, server, admin, board, "Piet Bakker")

    url = await browser.call("url", name="Sanne de Boer")
    assert url == f"{server.http_url}/boards/{board}"
    assert sanne not in url
    await add_card(browser, "Sanne de Boer", WORRIES, "Papa schreeuwt als hij gedronken heeft")
    await browser.call(
        "wait_text", name="Piet Bakker", selector=WORRY_TEXTS, text="als hij gedronken heeft"
    )
    await browser.call("wait_text", name="Piet Bakker", selector=".presence", text="Sanne de Boer")
    assert not any(sanne in line for line in server.log_lines)


async def test_a_restored_board_replaces_what_the_screens_held(
    server: ServerProcess, admin: Admin, browser: NodeClients
) -> None:
    """After a restore the screens show the board as restored: what they held from the lost
    history is thrown away, not pushed back into the board."""
    board = await admin.create_board("Familie Jansen")
    await open_with_token(browser, server, admin, board, "a")
    await open_with_token(browser, server, admin, board, "b")
    await add_card(browser, "a", WORRIES, "Voor de back-up")
    await browser.call("wait_text", name="b", selector=WORRY_TEXTS, text="Voor de back-up")

    database = server.data_dir / "netwerkbord.sqlite3"
    backup = server.data_dir.parent / "backup.sqlite3"
    await server.stop()
    copy_database(database, backup)
    await server.start()
    for name in ("a", "b"):
        await browser.call("wait", name=name, selector=".status.connected", timeout=30000)
    await add_card(browser, "a", WORRIES, "Na de back-up")
    await browser.call("wait_text", name="b", selector=WORRY_TEXTS, text="Na de back-up")

    await server.stop()
    copy_database(backup, database)
    give_new_epoch(database, board)
    await server.start()
    for name in ("a", "b"):
        await browser.call("wait_text", name=name, selector=".banner", text="hersteld")
        await browser.call("wait", name=name, selector=".status.connected", timeout=30000)
        await browser.call("wait_values", name=name, selector=WORRY_TEXTS, want=["Voor de back-up"])
    # Still live, on the restored history.
    await add_card(browser, "b", WORRIES, "Na het herstel")
    await browser.call("wait_text", name="a", selector=WORRY_TEXTS, text="Na het herstel")
    assert await browser.call("errors", name="a") == []
