"""The y-protocols wire format, sans I/O: bytes in, typed messages out, and back.

Strict on purpose: every length is checked against what is left, numbers stay within what
JavaScript can represent, and a message must be exactly one message. Anything else raises
MalformedMessage, which closes only the connection that sent it.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from enum import IntEnum

from pycrdt import create_awareness_message, write_var_uint

from server.errors import MalformedMessage

_MAX_SAFE_INTEGER = 2**53 - 1
_UPDATE_HEAD = bytes([0, 2])  # MessageType.SYNC, SyncType.UPDATE


class MessageType(IntEnum):
    SYNC = 0
    AWARENESS = 1
    AUTH = 2
    QUERY_AWARENESS = 3


class SyncType(IntEnum):
    STEP1 = 0
    STEP2 = 1
    UPDATE = 2


@dataclass(frozen=True)
class SyncStep1:
    state_vector: bytes


@dataclass(slots=True)  # not frozen: one is made for every keystroke, three times as fast
class SyncUpdate:
    """A document update: a client's answer to our step 1 (step 2) or a live edit."""

    update: bytes
    is_step2: bool


@dataclass(frozen=True)
class AwarenessEntry:
    client_id: int
    clock: int
    state: str  # JSON text; "null" means the client is gone


@dataclass(frozen=True)
class AwarenessUpdate:
    entries: tuple[AwarenessEntry, ...]


@dataclass(frozen=True)
class QueryAwareness:
    pass


Message = SyncStep1 | SyncUpdate | AwarenessUpdate | QueryAwareness


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.position = 0

    def var_uint(self) -> int:
        value = 0
        shift = 0
        while True:
            if self.position >= len(self.data):
                raise MalformedMessage("Truncated number.")
            byte = self.data[self.position]
            self.position += 1
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                break
            shift += 7
            if shift > 53:
                raise MalformedMessage("Number too large.")
        if value > _MAX_SAFE_INTEGER:
            raise MalformedMessage("Number too large.")
        return value

    def var_bytes(self) -> bytes:
        length = self.var_uint()
        end = self.position + length
        if end > len(self.data):
            raise MalformedMessage("Truncated message.")
        chunk = self.data[self.position : end]
        self.position = end
        return chunk

    def var_string(self) -> str:
        try:
            return self.var_bytes().decode("utf-8")
        except UnicodeDecodeError as error:
            raise MalformedMessage("Text is not UTF-8.") from error

    def finish(self) -> None:
        if self.position != len(self.data):
            raise MalformedMessage("Unexpected bytes after the message.")


def decode(data: bytes) -> Message:
    if len(data) > 3 and data[:2] == _UPDATE_HEAD and data[2] < 0x80 and len(data) == 3 + data[2]:
        # A live edit under 128 bytes (its length in one byte), nearly every message there
        # is: read as below would read it, without building a reader.
        return SyncUpdate(data[3:], is_step2=False)
    reader = _Reader(data)
    kind = reader.var_uint()
    message: Message
    if kind == MessageType.SYNC:
        sync_kind = reader.var_uint()
        payload = reader.var_bytes()
        if sync_kind == SyncType.STEP1:
            message = SyncStep1(payload)
        elif sync_kind in (SyncType.STEP2, SyncType.UPDATE):
            message = SyncUpdate(payload, is_step2=sync_kind == SyncType.STEP2)
        else:
            raise MalformedMessage("Unknown sync message.")
    elif kind == MessageType.AWARENESS:
        message = _decode_awareness(reader.var_bytes())
    elif kind == MessageType.QUERY_AWARENESS:
        message = QueryAwareness()
    else:
        raise MalformedMessage("Unknown message type.")
    reader.finish()
    return message


def _decode_awareness(payload: bytes) -> AwarenessUpdate:
    reader = _Reader(payload)
    count = reader.var_uint()
    if count > 1000:
        raise MalformedMessage("Too many awareness states.")
    entries = []
    for _ in range(count):
        client_id = reader.var_uint()
        clock = reader.var_uint()
        state = reader.var_string()
        if len(state) <= _REMEMBERED_STATE_LENGTH:
            _check_remembered_state(state)
        else:
            _check_state(state)
        entries.append(AwarenessEntry(client_id, clock, state))
    reader.finish()
    return AwarenessUpdate(tuple(entries))


def _check_state(state: str) -> None:
    try:
        parsed = json.loads(state)
    except ValueError as error:
        raise MalformedMessage("Awareness state is not JSON.") from error
    if parsed is not None and not isinstance(parsed, dict):
        raise MalformedMessage("Awareness state must be an object.")


# y-websocket sends back every awareness message it receives: the same states, checked
# moments before. A state that passed is remembered (a refusal raises, and is not).
_REMEMBERED_STATE_LENGTH = 1024
_check_remembered_state = functools.lru_cache(maxsize=4096)(_check_state)


def sync_step1(state_vector: bytes) -> bytes:
    return (
        bytes([MessageType.SYNC, SyncType.STEP1])
        + write_var_uint(len(state_vector))
        + (state_vector)
    )


def sync_step2(update: bytes) -> bytes:
    return bytes([MessageType.SYNC, SyncType.STEP2]) + write_var_uint(len(update)) + update


def sync_update(update: bytes) -> bytes:
    length = len(update)
    if length < 0x80:  # a keystroke: its length in one byte
        return _UPDATE_HEAD + bytes((length,)) + update
    return _UPDATE_HEAD + write_var_uint(length) + update


def awareness(entries: list[AwarenessEntry]) -> bytes:
    payload = [write_var_uint(len(entries))]
    for entry in entries:
        state = entry.state.encode("utf-8")
        payload += [
            write_var_uint(entry.client_id),
            write_var_uint(entry.clock),
            write_var_uint(len(state)),
            state,
        ]
    return create_awareness_message(b"".join(payload))


def permission_denied(reason: str) -> bytes:
    """y-protocols' auth message: y-websocket shows the reason to its user."""
    text = reason.encode("utf-8")
    return bytes([MessageType.AUTH, 0]) + write_var_uint(len(text)) + text
