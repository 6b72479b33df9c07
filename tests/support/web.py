"""People using the web pages over real HTTP: a signed-in facilitator, a relative's phone."""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx

from server.access.accounts import Accounts
from tests.support.server import Admin, ServerProcess

_FIELD = re.compile(r'name="(csrf_token|form_token)" value="([^"]+)"')
# Every client the helpers open, closed by an autouse fixture even when a test fails.
OPEN_CLIENTS: list[httpx.AsyncClient] = []


def browser(server: ServerProcess) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=server.http_url)
    OPEN_CLIENTS.append(client)
    return client


async def close_all_clients() -> None:
    while OPEN_CLIENTS:
        await OPEN_CLIENTS.pop().aclose()


PASSWORD = "correct horse battery staple"


def form_token(html: str) -> str:
    match = _FIELD.search(html)
    assert match, "the page has no form token"
    return match.group(2)


@dataclass
class Facilitator:
    client: httpx.AsyncClient
    csrf_token: str
    user_id: str
    name: str

    async def post(self, path: str, **fields: str) -> httpx.Response:
        return await self.client.post(path, data={"csrf_token": self.csrf_token, **fields})

    async def api(self, path: str, json: object | None = None) -> httpx.Response:
        return await self.client.post(
            path, json=json or {}, headers={"X-CSRF-Token": self.csrf_token}
        )

    async def new_case(self, title: str = "Familie Jansen") -> str:
        response = await self.post("/cases", title=title)
        assert response.status_code == 303, response.text
        return response.headers["location"].rsplit("/", 1)[-1]

    async def new_meeting(self, case_id: str, title: str = "Netwerkbijeenkomst 1") -> str:
        response = await self.post(f"/cases/{case_id}/boards", title=title, language="nl")
        assert response.status_code == 303, response.text
        return response.headers["location"].rsplit("/", 1)[-1]

    async def code(self, board_id: str) -> str:
        response = await self.client.get(f"/api/boards/{board_id}")
        assert response.status_code == 200, response.text
        code: str = response.json()["code"]
        return code

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.client.cookies.items())

    async def close(self) -> None:
        await self.client.aclose()


async def sign_in(server: ServerProcess, admin: Admin, email: str, name: str) -> Facilitator:
    accounts = Accounts(admin.store)
    user = await accounts.find_by_email(email) or await accounts.create_user(email, name, PASSWORD)
    client = browser(server)
    page = await client.get("/signin")
    response = await client.post(
        "/signin",
        data={
            "form_token": form_token(page.text),
            "email": email,
            "password": PASSWORD,
            "next": "/",
        },
    )
    assert response.status_code == 303, response.text
    dashboard = await client.get("/")
    assert dashboard.status_code == 200
    return Facilitator(client, form_token(dashboard.text), user.id, name)


async def join_by_code(
    server: ServerProcess, code: str, name: str, relation: str = ""
) -> tuple[httpx.AsyncClient, httpx.Response]:
    """A relative's phone: open the code's page, give a name; returns the phone's client."""
    phone = browser(server)
    page = await phone.get(f"/j/{code}")
    if page.status_code != 200:
        return phone, page
    response = await phone.post(
        f"/j/{code}",
        data={
            "form_token": form_token(page.text),
            "name": name,
            "relation": relation,
        },
    )
    return phone, response


def cookie_header(client: httpx.AsyncClient) -> str:
    return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


async def try_code(server: ServerProcess, code: str, name: str = "Oom") -> httpx.Response:
    """What a phone sees when it tries `code`; the phone is put away afterwards."""
    phone, response = await join_by_code(server, code, name)
    await phone.aclose()
    return response


async def try_password(
    client: httpx.AsyncClient, email: str, password: str, address: str | None = None
) -> httpx.Response:
    """The sign-in form filled in and sent, as from `address` (an X-Forwarded-For a proxy
    would add; the server believes it only from a proxy it is told to trust)."""
    headers = {"X-Forwarded-For": address} if address else {}
    page = await client.get("/signin", headers=headers)
    return await client.post(
        "/signin",
        data={"form_token": form_token(page.text), "email": email, "password": password},
        headers=headers,
    )
