"""Facilitator accounts: passwords (argon2), sessions, CSRF tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from server import clock
from server.store.base import Database

SESSION_SECONDS = 12 * 3600
MIN_PASSWORD_LENGTH = 10


class AccountError(Exception):
    """Something about an account a person can fix; the message says what."""


@dataclass(frozen=True)
class User:
    id: str
    email: str
    name: str


@dataclass(frozen=True)
class Session:
    user: User
    csrf_token: str

    def csrf_matches(self, candidate: str | None) -> bool:
        return candidate is not None and hmac.compare_digest(candidate, self.csrf_token)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


class Accounts:
    def __init__(self, db: Database, hasher: PasswordHasher | None = None) -> None:
        self._db = db
        self._hasher = hasher or PasswordHasher()
        # Checked when no such user exists, so a wrong email costs as long as a wrong password.
        self._decoy = self._hasher.hash(secrets.token_hex(16))

    async def create_user(self, email: str, name: str, password: str) -> User:
        email = normalise_email(email)
        if "@" not in email or len(email) > 200:
            raise AccountError("That is not an email address.")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
        if await self.find_by_email(email) is not None:
            raise AccountError(f"There is already an account for {email}.")
        user = User(id=f"u_{secrets.token_urlsafe(9)}", email=email, name=name.strip() or email)
        await self._db.execute(
            "INSERT INTO users (id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
            (user.id, user.email, user.name, self._hasher.hash(password), clock.iso(clock.now())),
        )
        return user

    async def find_by_email(self, email: str) -> User | None:
        row = await self._db.fetch_one(
            "SELECT id, email, name FROM users WHERE email = ?", (normalise_email(email),)
        )
        return User(*row) if row else None

    async def get(self, user_id: str) -> User | None:
        row = await self._db.fetch_one("SELECT id, email, name FROM users WHERE id = ?", (user_id,))
        return User(*row) if row else None

    async def authenticate(self, email: str, password: str) -> User | None:
        row = await self._db.fetch_one(
            "SELECT id, email, name, password_hash FROM users WHERE email = ?",
            (normalise_email(email),),
        )
        stored = row[3] if row else self._decoy
        try:
            self._hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        if self._hasher.check_needs_rehash(stored):
            await self._db.execute(
                "UPDATE users SET password_hash = ? WHERE id = ?",
                (self._hasher.hash(password), row[0]),
            )
        return User(row[0], row[1], row[2])

    async def start_session(self, user: User) -> str:
        """A new session for `user`; returns the token for the cookie (kept only hashed)."""
        token = secrets.token_urlsafe(32)
        await self._db.execute(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                _hash_token(token),
                user.id,
                secrets.token_urlsafe(32),
                clock.iso(clock.now()),
                clock.iso(clock.later(SESSION_SECONDS)),
            ),
        )
        return token

    async def session(self, token: str | None) -> Session | None:
        if not token:
            return None
        row = await self._db.fetch_one(
            "SELECT u.id, u.email, u.name, s.csrf_token, s.expires_at FROM sessions s "
            "JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?",
            (_hash_token(token),),
        )
        if row is None or clock.parse(row[4]) <= clock.now():
            return None
        return Session(User(row[0], row[1], row[2]), row[3])

    async def end_session(self, token: str | None) -> None:
        if token:
            await self._db.execute(
                "DELETE FROM sessions WHERE token_hash = ?", (_hash_token(token),)
            )
