"""A first run: the server starts with no account, prints a one-time link, and the person
at the machine makes the first facilitator account in the browser (docs/security.md)."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from server.access.accounts import Accounts
from tests.conftest import print_log_if_failed
from tests.support.server import Admin, ServerProcess
from tests.support.web import PASSWORD, browser, form_token

LINK = re.compile(r"http://127\.0\.0\.1:\d+(/setup/[A-Za-z0-9_-]+)")
EMAIL = "sanne@jeugdzorg.example"
SETUP_PENDING = "Er is nog geen account"


async def printed_link(server: ServerProcess) -> str:
    """The path of the link the server printed in its terminal."""
    match = LINK.search(await server.wait_for_log("/setup/"))
    assert match, "the printed line has no setup link"
    return match.group(1)


@pytest.fixture
async def fresh(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[ServerProcess]:
    """A server on an empty data directory, as `make run` the first time."""
    server = ServerProcess(tmp_path / "data")
    await server.start()
    yield server
    await server.stop()
    print_log_if_failed(request, server)


async def fill_in(
    client: httpx.AsyncClient,
    link: str,
    *,
    email: str = EMAIL,
    password: str = PASSWORD,
    again: str = PASSWORD,
    demo: bool = False,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    page = await client.get(link, headers=headers)
    assert page.status_code == 200, page.text
    fields = {
        "form_token": form_token(page.text),
        "name": "Sanne de Boer",
        "email": email,
        "password": password,
        "password_again": again,
    }
    if demo:
        fields["demo"] = "yes"
    return await client.post(link, data=fields, headers=headers)


async def audited(data_dir: Path, event: str) -> list[dict[str, object]]:
    admin = Admin(data_dir)
    await admin.store.open()
    try:
        rows = await admin.store.fetch_all(
            "SELECT detail FROM audit_log WHERE event = ? ORDER BY id", (event,)
        )
    finally:
        await admin.store.close()
    return [json.loads(row[0]) for row in rows]


async def accounts_in(data_dir: Path) -> int:
    admin = Admin(data_dir)
    await admin.store.open()
    try:
        row = await admin.store.fetch_one("SELECT count(*) FROM users")
    finally:
        await admin.store.close()
    assert row is not None
    return int(row[0])


async def test_the_printed_link_makes_the_first_account_once_and_signs_in(
    fresh: ServerProcess,
) -> None:
    link = await printed_link(fresh)
    client = browser(fresh)
    signin = await client.get("/signin")
    assert SETUP_PENDING in signin.text
    english = await browser(fresh).get(link + "?lang=en")
    assert "Get started: the first account" in english.text

    created = await fill_in(client, link)
    assert created.status_code == 303
    assert created.headers["location"] == "/?welcome=1"
    dashboard = await client.get("/?welcome=1")
    assert dashboard.status_code == 200
    assert "Welkom. Wat nu?" in dashboard.text
    assert "Sanne de Boer" in dashboard.text

    again = await browser(fresh).get(link)
    assert again.status_code == 200
    assert "Al ingericht" in again.text
    assert 'name="password"' not in again.text
    resubmitted = await client.post(
        link, data={"form_token": "x", "email": "mallory@example.org", "password": PASSWORD}
    )
    assert "Al ingericht" in resubmitted.text or resubmitted.status_code == 403
    assert await accounts_in(fresh.data_dir) == 1
    assert SETUP_PENDING not in (await browser(fresh).get("/signin")).text

    # the account signs in as any other: the same rules and hashing as `user create`
    other = browser(fresh)
    page = await other.get("/signin")
    signed_in = await other.post(
        "/signin",
        data={"form_token": form_token(page.text), "email": EMAIL, "password": PASSWORD},
    )
    assert signed_in.status_code == 303


async def test_the_secret_is_printed_once_and_never_logged(fresh: ServerProcess) -> None:
    link = await printed_link(fresh)
    secret = link.rsplit("/", 1)[-1]
    await browser(fresh).get(link + "x")
    await fill_in(browser(fresh), link)
    await browser(fresh).get(link)
    await fresh.stop()
    lines = [line for line in fresh.log_lines if secret in line]
    assert len(lines) == 1 and not lines[0].startswith("{")


async def test_a_wrong_link_is_refused_plainly_and_the_right_one_still_works(
    fresh: ServerProcess,
) -> None:
    link = await printed_link(fresh)
    client = browser(fresh)
    wrong = await client.get(link[:-1] + ("A" if link[-1] != "A" else "B"))
    assert wrong.status_code == 404
    assert "Deze link werkt niet" in wrong.text
    assert 'name="password"' not in wrong.text
    assert (await client.get("/setup/nope", headers={"Accept-Language": "en"})).text.count(
        "This link does not work"
    )
    assert (await fill_in(client, link)).status_code == 303
    assert [d["reason"] for d in await audited(fresh.data_dir, "setup_refused")] == [
        "wrong",
        "wrong",
    ]


async def test_passwords_that_differ_are_said_plainly_and_lose_nothing(
    fresh: ServerProcess,
) -> None:
    link = await printed_link(fresh)
    client = browser(fresh)
    differ = await fill_in(client, link, again=PASSWORD + "!")
    assert differ.status_code == 400
    assert "De twee wachtwoorden verschillen" in differ.text
    assert EMAIL in differ.text  # what was typed is still there
    short = await fill_in(client, link, password="kort", again="kort")
    assert "minstens 10 tekens" in short.text
    assert await accounts_in(fresh.data_dir) == 0
    assert (await fill_in(client, link)).status_code == 303


async def test_an_expired_link_is_refused_plainly(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "data", setup_link_seconds="1")
    await server.start()
    try:
        link = await printed_link(server)
        printed_at = time.monotonic()
        await asyncio.sleep(max(0.0, printed_at + 1.2 - time.monotonic()))  # its lifetime
        expired = await browser(server).get(link)
        assert expired.status_code == 410
        assert "Deze link is verlopen" in expired.text
        assert [d["reason"] for d in await audited(server.data_dir, "setup_refused")] == [
            "expired"
        ]
    finally:
        await server.stop()


async def test_a_restart_voids_the_old_link_and_prints_a_new_one(tmp_path: Path) -> None:
    first = ServerProcess(tmp_path / "data")
    await first.start()
    old = await printed_link(first)
    await first.stop()
    second = ServerProcess(tmp_path / "data", port=first.port)
    await second.start()
    try:
        new = await printed_link(second)
        assert new != old
        assert (await browser(second).get(old)).status_code == 404
        assert (await fill_in(browser(second), new)).status_code == 303
    finally:
        await second.stop()


async def test_the_link_does_not_open_from_another_machine(tmp_path: Path) -> None:
    # a proxy on this machine whose X-Forwarded-For the settings believe: the client is
    # the address it names, as for a browser elsewhere
    server = ServerProcess(tmp_path / "data", forwarded_allow_ips="127.0.0.1")
    await server.start()
    try:
        link = await printed_link(server)
        elsewhere = {"X-Forwarded-For": "203.0.113.7"}
        client = browser(server)
        refused = await client.get(link, headers=elsewhere)
        assert refused.status_code == 403
        assert "Alleen op de server zelf" in refused.text
        local = await client.get(link)
        posted = await client.post(
            link,
            headers=elsewhere,
            data={
                "form_token": form_token(local.text),
                "name": "Mallory",
                "email": "mallory@example.org",
                "password": PASSWORD,
                "password_again": PASSWORD,
            },
        )
        assert posted.status_code == 403
        assert await accounts_in(server.data_dir) == 0
        assert [d["address"] for d in await audited(server.data_dir, "setup_refused")] == [
            "203.0.113.7",
            "203.0.113.7",
        ]
    finally:
        await server.stop()


async def test_the_setting_lets_the_link_open_from_elsewhere(tmp_path: Path) -> None:
    server = ServerProcess(
        tmp_path / "data", forwarded_allow_ips="127.0.0.1", setup_from_anywhere="1"
    )
    await server.start()
    try:
        link = await printed_link(server)
        assert await server.wait_for_log("from any machine")
        created = await fill_in(
            browser(server), link, headers={"X-Forwarded-For": "203.0.113.7"}
        )
        assert created.status_code == 303
    finally:
        await server.stop()


async def test_no_link_and_no_setup_page_once_an_account_exists(tmp_path: Path) -> None:
    admin = Admin(tmp_path / "data")
    await admin.store.open()
    await Accounts(admin.store).create_user(EMAIL, "Sanne de Boer", PASSWORD)
    await admin.store.close()
    server = ServerProcess(tmp_path / "data")
    await server.start()
    try:
        await server.wait_for_log("Application startup complete")
        assert not any("/setup/" in line for line in server.log_lines)
        page = await browser(server).get("/setup/anything")
        assert page.status_code == 200
        assert "Al ingericht" in page.text
        assert 'name="password"' not in page.text
        assert SETUP_PENDING not in (await browser(server).get("/signin")).text
    finally:
        await server.stop()


async def test_an_account_made_with_the_command_closes_the_printed_link(
    fresh: ServerProcess,
) -> None:
    link = await printed_link(fresh)
    admin = Admin(fresh.data_dir)
    await admin.store.open()
    await Accounts(admin.store).create_user("kees@jeugdzorg.example", "Kees", PASSWORD)
    await admin.store.close()
    page = await browser(fresh).get(link)
    assert "Al ingericht" in page.text
    assert 'name="password"' not in page.text


async def test_forms_sent_at_once_make_one_account(fresh: ServerProcess) -> None:
    link = await printed_link(fresh)
    clients = [browser(fresh) for _ in range(8)]
    pages = await asyncio.gather(*(client.get(link) for client in clients))
    results = await asyncio.gather(
        *(
            client.post(
                link,
                data={
                    "form_token": form_token(page.text),
                    "name": f"Collega {n}",
                    "email": f"collega{n}@jeugdzorg.example",
                    "password": PASSWORD,
                    "password_again": PASSWORD,
                },
            )
            for n, (client, page) in enumerate(zip(clients, pages, strict=True))
        )
    )
    assert sorted(r.status_code for r in results) == [200] * 7 + [303]
    assert await accounts_in(fresh.data_dir) == 1


async def test_the_demo_checkbox_gives_the_demo_case_to_the_new_account(
    fresh: ServerProcess,
) -> None:
    link = await printed_link(fresh)
    client = browser(fresh)
    assert (await fill_in(client, link, demo=True)).status_code == 303
    dashboard = await client.get("/?welcome=1")
    assert "Familie Jansen (voorbeeld)" in dashboard.text
    case = re.search(r'href="(/cases/[^"]+)"', dashboard.text)
    assert case, "the demo case is not on the new account's dashboard"
    opened = await client.get(case.group(1))
    assert opened.status_code == 200
    assert "Netwerkbijeenkomst 23 november" in opened.text
    assert [d["demo_case"] for d in await audited(fresh.data_dir, "first_account_created")] == [
        True
    ]
