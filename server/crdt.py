"""Small facts about Yjs encodings that pycrdt does not expose."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

_NOTHING_LEFT = b"\x00\x00"  # an update with no structs and an empty delete set

# The content of an item, as Yjs numbers it in an update (the low five bits of its info byte).
GC, DELETED, JSON, BINARY, STRING, EMBED, FORMAT, TYPE, ANY, SUBDOC, SKIP = range(11)
# What a board is made of: maps, arrays and plain texts holding strings and JSON-like values.
# Formatting attributes and embeds (rich text), binary values, subdocuments and the legacy
# JSON content are not: a card's text is plain text, and nothing else may ride along in it.
PLAIN_CONTENT = (1 << GC) | (1 << DELETED) | (1 << STRING) | (1 << TYPE) | (1 << ANY) | (1 << SKIP)
_XML_ELEMENT, _XML_HOOK = 3, 5  # shared types whose content carries a name


class Structs(NamedTuple):
    """What an update's structs are: the client ids they are written under, and the kinds of
    content in them (a bit `1 << kind` for each, from GC to SKIP; an unknown kind ends the
    reading and is the only bit above SKIP)."""

    clients: tuple[int, ...]
    kinds: int

    @property
    def plain(self) -> bool:
        return self.kinds & ~PLAIN_CONTENT == 0


def structs_of(update: bytes) -> Structs:
    """Read an update's structs (v1 encoding, as y-websocket and Yrs write it) without
    applying it. Raises IndexError if it ends early."""
    reader = _Reader(update)
    clients: list[int] = []
    kinds = 0
    for _ in range(reader.uint()):
        count = reader.uint()
        clients.append(reader.uint())
        reader.uint()  # the first struct's clock
        for _ in range(count):
            info = reader.byte()
            kind = info & 0x1F
            kinds |= 1 << kind
            if kind in (GC, SKIP):
                reader.uint()
                continue
            if kind > SKIP:  # a kind no board has (Yrs's move, say): no need to read on
                return Structs(tuple(clients), kinds)
            reader.item_header(info, None)
            reader.content(kind)
    return Structs(tuple(clients), kinds)


def needs_unknown(update: bytes, state_vector: bytes) -> bool:
    """Whether `update` certainly builds on items neither the document (whose state vector
    this is) nor the update itself has: a run of structs that starts past what the document
    has of its client, or an item whose origin or parent is missing. Read without applying
    the update; False when unsure (a kind of content it does not measure), leaving the
    answer to `builds_on_unknown` after applying. Asked only of an update already held: it
    decodes the state vector."""
    read = _runs_and_needs(update)
    if read is None:
        return False
    runs, needed = read
    known = decode_state_vector(state_vector)
    if any(start > known.get(client, 0) for client, (start, _) in runs.items()):
        return True
    for client, clock in needed:
        run = runs.get(client)
        inside = run is not None and run[0] <= clock < run[1]
        if clock >= known.get(client, 0) and not inside:
            return True
    return False


def _runs_and_needs(
    update: bytes,
) -> tuple[dict[int, tuple[int, int]], list[tuple[int, int]]] | None:
    """Each client's run of clocks in `update`, and the ids its items build on; None when
    the update holds what this does not measure."""
    reader = _Reader(update)
    runs: dict[int, tuple[int, int]] = {}
    needed: list[tuple[int, int]] = []
    for _ in range(reader.uint()):
        count = reader.uint()
        client = reader.uint()
        if client in runs:
            return None  # two runs of one client: not how Yjs or Yrs write an update
        start = clock = reader.uint()
        for _ in range(count):
            info = reader.byte()
            kind = info & 0x1F
            if kind == GC:
                clock += reader.uint()
                continue
            if kind >= SKIP:
                return None
            reader.item_header(info, needed)
            length = reader.measured(kind)
            if length < 0:
                return None
            clock += length
        runs[client] = (start, clock)
    return runs, needed

class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.position = 0

    def byte(self) -> int:
        value = self.data[self.position]
        self.position += 1
        return value

    def uint(self) -> int:
        value = shift = 0
        while True:
            byte = self.data[self.position]
            self.position += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                return value

    def item_header(self, info: int, needed: list[tuple[int, int]] | None) -> None:
        """Read an item's origins and parent; the ids among them go into `needed`."""
        ids = []
        if info & 0x80:  # left origin
            ids.append((self.uint(), self.uint()))
        if info & 0x40:  # right origin
            ids.append((self.uint(), self.uint()))
        if info & 0xC0 == 0:  # no origin: the parent is written out
            if self.uint() == 1:
                self.string()  # a root, by name
            else:
                ids.append((self.uint(), self.uint()))  # an item
            if info & 0x20:
                self.string()  # the key in a map
        if needed is not None:
            needed += ids

    def string(self) -> None:
        length = self.uint()
        if self.position + length > len(self.data):
            raise IndexError("string past the end")
        self.position += length

    def content(self, kind: int) -> None:
        if kind == DELETED:
            self.uint()
        elif kind == JSON:
            for _ in range(self.uint()):
                self.string()
        elif kind in (BINARY, STRING, EMBED):
            self.string()
        elif kind == FORMAT:
            self.string()
            self.string()
        elif kind == TYPE:
            if self.uint() in (_XML_ELEMENT, _XML_HOOK):
                self.string()
        elif kind == ANY:
            for _ in range(self.uint()):
                self.any()
        elif kind == SUBDOC:
            self.string()
            self.any()

    def measured(self, kind: int) -> int:
        """Read an item's content; its length in clock ticks (-1 if not measured here)."""
        if kind == DELETED:
            return self.uint()
        if kind == STRING:
            length = self.uint()
            end = self.position + length
            if end > len(self.data):
                raise IndexError("string past the end")
            try:
                text = self.data[self.position : end].decode("utf-8")
            except UnicodeDecodeError:
                return -1
            self.position = end
            return len(text.encode("utf-16-le")) // 2  # Yjs counts UTF-16 code units
        if kind in (JSON, ANY):
            count = self.uint()
            for _ in range(count):
                if kind == JSON:
                    self.string()
                else:
                    self.any()
            return count
        self.content(kind)
        return 1

    def any(self) -> None:
        """Skip one value in lib0's `writeAny` encoding."""
        tag = self.byte()
        if tag in (127, 126, 121, 120):  # undefined, null, false, true
            return
        if tag == 125:  # a signed varint: its last byte is below 0x80 as for unsigned
            self.uint()
        elif tag == 124:
            self._skip(4)
        elif tag in (123, 122):
            self._skip(8)
        elif tag in (119, 116):  # string, bytes
            self.string()
        elif tag == 118:  # object
            for _ in range(self.uint()):
                self.string()
                self.any()
        elif tag == 117:  # array
            for _ in range(self.uint()):
                self.any()
        else:
            raise IndexError(f"unknown value tag {tag}")

    def _skip(self, count: int) -> None:
        if self.position + count > len(self.data):
            raise IndexError("value past the end")
        self.position += count


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
