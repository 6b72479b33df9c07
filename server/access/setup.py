"""The first run: while no account exists, a one-time link printed in the terminal opens a
page that makes the first facilitator account.

The link's secret lives only in this process's memory, as its SHA-256: a restart voids it
(and prints a new one while there is still no account), and with several processes each has
its own, reached at its own address. It opens the page only while no account exists at all,
within its lifetime, and from the machine itself unless the settings allow elsewhere.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import secrets
import time
from enum import Enum

from server.access.accounts import Accounts, User
from server.store.base import Database

SETUP_PATH = "/setup/"


class Refusal(Enum):
    """Why a setup link does not open the page; each has its own plain page."""

    DONE = "done"  # an account exists: setup is over, sign in
    WRONG = "wrong"  # not this process's link (mistyped, or from before a restart)
    EXPIRED = "expired"
    REMOTE = "remote"  # not from the machine itself


class SetupRefused(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(f"setup refused: {refusal.value}")
        self.refusal = refusal


def _digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


async def has_accounts(db: Database) -> bool:
    return await db.fetch_one("SELECT 1 FROM users LIMIT 1") is not None


class FirstRun:
    def __init__(self, lifetime_seconds: float, from_anywhere: bool) -> None:
        self.lifetime_seconds = lifetime_seconds
        self.from_anywhere = from_anywhere
        self._digest: bytes | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()

    async def begin(self, db: Database) -> str | None:
        """A new secret for the link when no account exists, else None (and no link)."""
        self._digest = None
        if await has_accounts(db):
            return None
        secret = secrets.token_urlsafe(32)
        self._digest = _digest(secret)
        self._expires = time.monotonic() + self.lifetime_seconds
        return secret

    async def check(self, db: Database, secret: str, address: str) -> None:
        """Raises SetupRefused unless this link may open the page for this client now."""
        if await has_accounts(db):
            raise SetupRefused(Refusal.DONE)
        if not self.from_anywhere and not is_loopback(address):
            raise SetupRefused(Refusal.REMOTE)
        expected = self._digest or _digest(secrets.token_urlsafe(32))
        if not hmac.compare_digest(_digest(secret), expected) or self._digest is None:
            raise SetupRefused(Refusal.WRONG)
        if time.monotonic() >= self._expires:
            raise SetupRefused(Refusal.EXPIRED)

    async def create_first_account(
        self,
        db: Database,
        accounts: Accounts,
        secret: str,
        address: str,
        *,
        email: str,
        name: str,
        password: str,
    ) -> User:
        """The first account, with the same rules and hashing as `netwerkbord user create`;
        the link is spent. Raises SetupRefused, or AccountError for what the person fixes."""
        async with self._lock:
            await self.check(db, secret, address)
            user = await accounts.create_user(email, name, password)
            self._digest = None
            return user
