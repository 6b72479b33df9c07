"""Known devices: a signed cookie, given at a successful sign-in, naming the account and
the device. A device the account knows is never held up by wrong passwords others try
(OWASP's device cookies); it has its own small allowance instead."""

from __future__ import annotations

import secrets

from itsdangerous import BadSignature, URLSafeTimedSerializer

DEVICE_COOKIE = "nb_device"
DEVICE_SECONDS = 180 * 86400
_SALT = "netwerkbord.known-device.v1"


class KnownDevices:
    def __init__(self, secret_key: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt=_SALT)

    def issue(self, user_id: str, device: str | None = None) -> str:
        """The cookie for this device (a new device id unless it has one)."""
        return self._serializer.dumps({"u": user_id, "d": device or secrets.token_urlsafe(12)})

    def device(self, cookie: str | None, user_id: str | None) -> str | None:
        """The device id, if the cookie is genuine, recent enough and for this account."""
        if not cookie or user_id is None:
            return None
        try:
            payload = self._serializer.loads(cookie, max_age=DEVICE_SECONDS)
        except BadSignature:
            return None
        if not isinstance(payload, dict) or payload.get("u") != user_id:
            return None
        device = payload.get("d")
        return device if isinstance(device, str) else None
