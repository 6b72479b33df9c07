"""Frames built once for a whole room read back, by websockets' own parser, as what was sent."""

from __future__ import annotations

import pytest
from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from server.sync.wire import binary_frame


def parse(data: bytes) -> Frame:
    """What a client's websockets library makes of `data` (server frames are not masked)."""
    reader = StreamReader()
    reader.feed_data(data)
    reader.feed_eof()
    parser = Frame.parse(reader.read_exact, mask=False)
    try:
        while True:
            next(parser)
    except StopIteration as done:
        frame: Frame = done.value
    assert reader.at_eof(), "bytes left over after the frame"
    return frame


@pytest.mark.parametrize("size", [0, 1, 125, 126, 65_535, 65_536, 300_000])
def test_a_frame_of_any_length_reads_back_as_its_payload(size: int) -> None:
    payload = bytes(range(256)) * (size // 256) + bytes(size % 256)
    frame = parse(binary_frame(payload))
    assert frame.opcode is Opcode.BINARY
    assert frame.fin
    assert frame.data == payload
