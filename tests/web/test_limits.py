"""Limits on guessing that slow the guesser down without locking anyone else out."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from server.access.limits import ACCOUNT_DELAYS, delay_after
from tests.conftest import print_log_if_failed
from tests.support.server import Admin, ServerProcess
from tests.support.web import (
    PASSWORD,
    browser,
    join_by_code,
    sign_in,
    try_code,
    try_password,
)

SANNE = "sanne@jeugdzorg.example"


@pytest.fixture
async def behind_proxy(
    tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[ServerProcess]:
    """A server that trusts X-Forwarded-For from its proxy on 127.0.0.1."""
    process = ServerProcess(tmp_path / "proxied", forwarded_allow_ips="127.0.0.1")
    await process.start()
    yield process
    await process.stop()
    print_log_if_failed(request, process)


async def test_wrong_passwords_from_elsewhere_do_not_lock_the_facilitator_out(
    behind_proxy: ServerProcess,
) -> None:
    admin = Admin(behind_proxy.data_dir)
    await admin.store.open()
    sanne = await sign_in(behind_proxy, admin, SANNE, "Sanne de Boer")
    known_device = sanne.client.cookies["nb_device"]
    await admin.store.close()

    attacker = browser(behind_proxy)
    tries = [
        (await try_password(attacker, SANNE, f"guess {i}", "203.0.113.66")).status_code
        for i in range(6)
    ]
    assert tries == [401] * 5 + [429]
    elsewhere = await try_password(browser(behind_proxy), SANNE, "guess 7", "198.51.100.7")
    assert elsewhere.status_code == 429, "the account slows every device it does not know"
    stranger = await try_password(browser(behind_proxy), SANNE, PASSWORD, "192.0.2.10")
    assert stranger.status_code == 429

    assert "Probeer het over 1 min. opnieuw" in stranger.text

    laptop = browser(behind_proxy)
    laptop.cookies.set("nb_device", known_device)
    signed_in = await try_password(laptop, SANNE, PASSWORD, "192.0.2.10")
    assert signed_in.status_code == 303, signed_in.text
    assert (await laptop.get("/")).status_code == 200


async def test_wrong_codes_from_one_phone_do_not_block_the_right_code_on_the_same_network(
    server: ServerProcess, admin: Admin
) -> None:
    sanne = await sign_in(server, admin, SANNE, "Sanne de Boer")
    code = await sanne.code(await sanne.new_meeting(await sanne.new_case()))

    nephew = browser(server)
    assert (await nephew.get("/j")).status_code == 200
    statuses = [(await nephew.get(f"/j/WRONG{i}")).status_code for i in range(7)]
    assert statuses == [404] * 5 + [429, 429]
    assert "te vaak een verkeerde code" in (await nephew.get("/j/WRONG9")).text
    assert (await nephew.get(f"/j/{code}")).status_code == 429, "the guesser stays slowed"

    _, grandmother = await join_by_code(server, code, "Oma Riet", "oma")
    assert grandmother.status_code == 303, grandmother.text


async def test_the_same_wrong_code_typed_again_counts_once(server: ServerProcess) -> None:
    phone = browser(server)
    assert (await phone.get("/j")).status_code == 200
    statuses = [(await phone.get("/j/QQQQQQ")).status_code for _ in range(8)]
    assert statuses == [404] * 8


async def test_a_script_without_cookies_does_not_keep_a_scanned_qr_code_out(
    server: ServerProcess, admin: Admin
) -> None:
    sanne = await sign_in(server, admin, SANNE, "Sanne de Boer")
    code = await sanne.code(await sanne.new_meeting(await sanne.new_case()))
    statuses = [(await try_code(server, f"WR{i:04d}")).status_code for i in range(7)]
    assert statuses == [404] * 5 + [429, 429]

    phone = browser(server)  # scans the QR code: its first request, without a cookie yet
    asked = await phone.get(f"/j/{code}")
    assert asked.status_code == 429
    assert "druk op Verder" in asked.text
    pressed = await phone.post("/j", data={"code": code}, follow_redirects=True)
    assert pressed.status_code == 200
    assert "Welkom bij" in pressed.text


async def test_a_script_that_keeps_making_new_phones_is_stopped_per_address(
    server: ServerProcess,
) -> None:
    statuses = []
    for i in range(52):
        phone = browser(server)
        await phone.get("/j")
        statuses.append((await phone.get(f"/j/WR{i:04d}")).status_code)
        await phone.aclose()
    assert statuses == [404] * 50 + [429, 429]


async def failed_sign_in_addresses(data_dir: Path) -> list[str]:
    admin = Admin(data_dir)
    await admin.store.open()
    rows = await admin.store.fetch_all(
        "SELECT detail FROM audit_log WHERE event = 'sign_in_failed' ORDER BY at", ()
    )
    await admin.store.close()
    return [json.loads(row[0])["address"] for row in rows]


async def test_a_forwarded_address_from_a_peer_not_trusted_is_ignored(
    server: ServerProcess,
) -> None:
    await try_password(browser(server), SANNE, "wrong", "203.0.113.66")
    assert await failed_sign_in_addresses(server.data_dir) == ["127.0.0.1"]


async def test_a_forwarded_address_from_the_trusted_proxy_is_used(
    behind_proxy: ServerProcess,
) -> None:
    await try_password(browser(behind_proxy), SANNE, "wrong", "203.0.113.66")
    assert await failed_sign_in_addresses(behind_proxy.data_dir) == ["203.0.113.66"]


def test_the_wait_grows_with_the_wrong_passwords() -> None:
    first_at = ACCOUNT_DELAYS[0][0]
    assert delay_after(first_at - 1) == 0
    waits = [delay_after(failures) for failures, _ in ACCOUNT_DELAYS]
    assert waits == sorted(set(waits)), "each step waits longer than the one before"
