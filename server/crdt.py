"""Small facts about Yjs encodings that pycrdt does not expose."""

from __future__ import annotations

from collections.abc import Iterator


def decode_state_vector(data: bytes) -> dict[int, int]:
    """A state vector as {client id: clock}. Its byte order follows a hash map's, so two
    equal documents may encode it differently: compare the decoded form."""
    values = _var_uints(data)
    count = next(values)
    vector = {}
    for _ in range(count):
        client = next(values)
        vector[client] = next(values)
    return vector


def _var_uints(data: bytes) -> Iterator[int]:
    position = 0
    while position < len(data):
        value = shift = 0
        while True:
            byte = data[position]
            position += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                break
        yield value
