"""Small facts about Yjs encodings that pycrdt does not expose."""

from __future__ import annotations

from collections.abc import Iterator

_NOTHING_LEFT = b"\x00\x00"  # an update with no structs and an empty delete set


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


def builds_on_unknown(rest: bytes, state_vector: bytes) -> bool:
    """Whether an update needs history the document lacks. `rest` is the update with every
    struct the document has taken out (`get_update(update, state_vector)`, encoded by Yrs):
    structs left in it build on missing items, and a deletion of items the document has not
    seen would be kept pending by Yrs and applied unjudged when those items arrive."""
    if rest == _NOTHING_LEFT:  # the common case: the document took all of it
        return False
    values = _var_uints(rest)
    if next(values) != 0:  # groups of structs still to integrate
        return True
    clients = next(values, 0)
    if clients == 0:
        return False
    known = decode_state_vector(state_vector)
    for _ in range(clients):
        client, ranges = next(values), next(values)
        for _ in range(ranges):
            clock, length = next(values), next(values)
            if clock + length > known.get(client, 0):
                return True
    return False


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
