"""The wire format, byte for byte, against what y-protocols writes."""

from __future__ import annotations

import pytest
from pycrdt import create_update_message

from server.errors import MalformedMessage
from server.sync import protocol
from server.sync.protocol import AwarenessEntry


def test_sync_messages_round_trip() -> None:
    assert protocol.decode(protocol.sync_step1(b"\x00")) == protocol.SyncStep1(b"\x00")
    assert protocol.decode(protocol.sync_step2(b"\x00\x00")) == protocol.SyncUpdate(
        b"\x00\x00", is_step2=True
    )
    assert protocol.decode(protocol.sync_update(b"\x01\x02")) == protocol.SyncUpdate(
        b"\x01\x02", is_step2=False
    )


def test_awareness_round_trips_and_keeps_the_json_text() -> None:
    entries = [AwarenessEntry(7, 3, '{"user":{"name":"Oma"}}'), AwarenessEntry(9, 1, "null")]
    decoded = protocol.decode(protocol.awareness(entries))
    assert decoded == protocol.AwarenessUpdate(tuple(entries))


@pytest.mark.parametrize("size", [0, 1, 127, 128, 300, 16_384])
def test_an_update_message_is_written_as_pycrdt_writes_it(size: int) -> None:
    update = bytes(range(256)) * (size // 256) + bytes(size % 256)
    assert protocol.sync_update(update) == create_update_message(update)


def test_a_long_length_is_read_as_yjs_writes_it() -> None:
    payload = bytes(300)
    message = protocol.sync_update(payload)
    assert message[:4] == b"\x00\x02\xac\x02"  # 300 as a varint: 0xac 0x02
    assert protocol.decode(message) == protocol.SyncUpdate(payload, is_step2=False)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00",
        b"\x00\x05",
        b"\x00\x00\x05abc",
        b"\x00\x00\x01ab",
        b"\x00\x02\x05abc",
        b"\x00\x02\x02abc",
        b"\x00\x02\x85" + bytes(133),  # 0x85 begins a longer length, not 133 in one byte
        b"\x09",
        b"\x00\x00" + b"\xff" * 9,
        b"\x01\x03\x01\x01\x01",
        b"\x01\x05\x01\x01\x01\x01[",
        b"\x01\x06\x01\x01\x01\x02[]",
        b"\x01\x04\x01\x01\x01\x01\xff",
        b"\x02\x00\x00",
        b"\x03\x00",
    ],
)
def test_malformed_messages_are_named_as_such(data: bytes) -> None:
    with pytest.raises(MalformedMessage):
        protocol.decode(data)


def test_query_awareness_is_one_byte() -> None:
    assert protocol.decode(b"\x03") == protocol.QueryAwareness()


def test_permission_denied_is_y_protocols_auth_message() -> None:
    assert protocol.permission_denied("nee") == b"\x02\x00\x03nee"


def test_an_awareness_state_refused_once_is_refused_again() -> None:
    """Valid states are remembered (clients send each back); a refusal never is."""
    refused = protocol.awareness([AwarenessEntry(5, 1, "[1]")])
    for _ in range(2):
        with pytest.raises(MalformedMessage):
            protocol.decode(refused)
