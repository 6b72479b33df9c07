"""The update journal: accepted updates appended to a plain file before anyone sees them.

A SQLite commit made by itself, as a keystroke comes, costs the CPU several times what
writing the same update to the end of a file does (docs/performance.md). Both leave the
data in the operating system's cache, not on the disk: with `synchronous=NORMAL` that is
all a SQLite commit in WAL mode does too, so a killed server loses nothing either way, and
a power cut may lose the last moments either way. The store's thread later folds the
journal into `board_updates`, many records per commit, and notes in the same transaction
how far it got (the `update_journal` row). A server that starts after a crash folds in
whatever is left first.

Each server run writes a journal of its own, a series of files
`<database>.updates-<journal>-<generation>`. Records are appended to the newest; a new one
is started when it grows large or a write fails, and a file is deleted once everything in
it is folded. Each record is its body's length and CRC-32, then the body: the lengths of
the board id, author and time, those three, then the update.
Reading stops at the first record that is short or does not match its checksum: the end
of a write cut off by a crash, which was never acknowledged.

Only one process writes the journal (it holds `<database>.updates.lock`); any other
process that opens the database while that lock is free folds in what is left and lets go.
"""

from __future__ import annotations

import fcntl
import logging
import os
import struct
import time
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from server.store.base import LogEntry

log = logging.getLogger(__name__)

_HEADER = struct.Struct(">II")  # body length, CRC-32 of the body
_LENGTHS = struct.Struct(">HHH")  # board id, author, time
ROTATE_BYTES = 16 * 1024 * 1024

# One record: the values of a `board_updates` row, in the order of its insert.
Record = tuple[str, bytes, str, str]


class Position(NamedTuple):
    """Everything of journal `journal` before this is folded: every older generation, and
    this one up to `offset`."""

    journal: str
    generation: int
    offset: int


class JournalLocked(Exception):
    """Another process writes this journal."""


class UpdateJournal:
    """The journal's files of one database. Each server run writes a journal of its own,
    named in the database when the run starts: a backup restored after a crash names an
    older one, so the crashed run's files are not folded into it."""

    def __init__(self, database: Path) -> None:
        self._database = database
        self._lock_fd: int | None = None
        self._fd: int | None = None
        self._position = Position("", 0, 0)  # where the next record goes

    # the lock

    def lock(self, wait_seconds: float = 0.0) -> None:
        """Take the journal for this process; JournalLocked if another keeps it that long."""
        path = self._database.with_name(self._database.name + ".updates.lock")
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise JournalLocked(str(path)) from None
                time.sleep(0.05)
            else:
                self._lock_fd = fd
                return

    def close(self, *, all_folded: bool = False) -> None:
        """Stop writing and let go of the lock; with `all_folded`, delete this run's files
        first, so that a server stopped cleanly leaves none behind."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if all_folded and self._lock_fd is not None:
            journal, generation, _ = self._position
            self.forget_before(Position(journal, generation + 1, 0))
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    # reading what is left (under the lock, before writing)

    def leftovers(self, folded: Position) -> tuple[list[Record], Position]:
        """The records of `folded.journal` not yet folded, in order, and the position after
        the last of them. Files of other journals are left alone (and logged)."""
        records: list[Record] = []
        end = folded
        for journal, generation in self._files():
            if journal != folded.journal:
                log.error(
                    "update journal of another copy of the database left alone",
                    extra={"file": str(self._path(journal, generation))},
                )
                continue
            if generation < folded.generation:
                continue
            start = folded.offset if generation == folded.generation else 0
            data = self._path(journal, generation).read_bytes()
            found, offset = _read(data, start)
            records += found
            end = Position(journal, generation, offset)
            if offset < len(data):
                log.error(
                    "update journal: an unreadable end skipped",
                    extra={"generation": generation, "bytes": len(data) - offset},
                )
        return records, end

    def forget_before(self, folded: Position) -> None:
        """Delete the files of `folded.journal` before its generation: all folded."""
        for journal, generation in self._files():
            if journal == folded.journal and generation < folded.generation:
                self._path(journal, generation).unlink(missing_ok=True)

    # writing (on the event loop)

    def start(self, journal: str) -> None:
        """Write from now on to journal `journal` (one the database has just named)."""
        self._open(Position(journal, 1, 0))

    def write(self, entries: Sequence[LogEntry], created_at: str) -> tuple[list[Record], Position]:
        """Append `entries`; returns them as rows, and the position after them. Raises
        OSError if the file did not take them all; writing goes on in a new file then, so
        that nothing written later sits behind a broken record."""
        if self._fd is None:
            raise RuntimeError("the update journal is not open for writing")
        records = [(entry.board_id, entry.data, entry.author, created_at) for entry in entries]
        data = _record(records[0]) if len(records) == 1 else b"".join(map(_record, records))
        try:
            written = os.write(self._fd, data)
            if written != len(data):
                raise OSError(f"update journal: {written} of {len(data)} bytes written")
        except OSError:
            self._next_file()
            raise
        journal, generation, offset = self._position
        position = self._position = Position(journal, generation, offset + written)
        if position.offset >= ROTATE_BYTES:
            self._next_file()
        return records, position

    def _open(self, at: Position) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
        self._fd = os.open(self._path(at.journal, at.generation), flags, 0o600)
        self._position = at._replace(offset=os.fstat(self._fd).st_size)

    def _next_file(self) -> None:
        journal, generation, _ = self._position
        self._open(Position(journal, generation + 1, 0))

    def _files(self) -> list[tuple[str, int]]:
        """(journal, generation) of every journal file there is, in order."""
        prefix = self._database.name + ".updates-"
        found = []
        for path in self._database.parent.glob(prefix + "*-*"):
            journal, _, generation = path.name[len(prefix) :].rpartition("-")
            if journal and generation.isdigit():
                found.append((journal, int(generation)))
        return sorted(found)

    def _path(self, journal: str, generation: int) -> Path:
        return self._database.with_name(f"{self._database.name}.updates-{journal}-{generation:06d}")


def _record(record: Record) -> bytes:
    board_id, data, author, created_at = record
    board, who, when = board_id.encode(), author.encode(), created_at.encode()
    lengths = _LENGTHS.pack(len(board), len(who), len(when))
    body = b"%b%b%b%b%b" % (lengths, board, who, when, data)
    return _HEADER.pack(len(body), zlib.crc32(body)) + body


def _read(data: bytes, offset: int) -> tuple[list[Record], int]:
    """The whole records from `offset` on, and where the first broken one (or the end) is."""
    records: list[Record] = []
    while offset + _HEADER.size <= len(data):
        length, checksum = _HEADER.unpack_from(data, offset)
        body = data[offset + _HEADER.size : offset + _HEADER.size + length]
        if len(body) < max(length, _LENGTHS.size) or zlib.crc32(body) != checksum:
            break
        names, start = [], _LENGTHS.size
        for size in _LENGTHS.unpack_from(body):
            names.append(body[start : start + size].decode())
            start += size
        records.append((names[0], body[start:], names[1], names[2]))
        offset += _HEADER.size + length
    return records, offset
