"""A client's outbox: what queues up behind a slow socket goes out merged, unchanged."""

from __future__ import annotations

from typing import Any

from pycrdt import Doc, Text

from server.access.roles import Role
from server.access.tokens import BoardGrant
from server.metrics import Metrics
from server.sync import protocol
from server.sync.connection import HEARTBEAT, Connection, DocumentUpdate


def outbox() -> Connection:
    grant = BoardGrant("b", Role.VIEWER, "p", "Beamer", 2**40)
    return Connection(
        None,
        grant,
        Metrics(),
        queue_limit=100,  # type: ignore[arg-type]
        messages_per_second=100,
        burst=100,
    )


def test_queued_updates_go_out_as_one_merged_update_that_gives_the_same_board() -> None:
    writer: Doc[Any] = Doc()
    updates: list[bytes] = []
    writer.observe(lambda event: updates.append(event.update))
    text = writer.get("note", type=Text)
    for word in ("Oma ", "haalt ", "Max ", "op"):
        text += word
    connection = outbox()
    for update in updates:
        connection.send(DocumentUpdate.of(update))
    connection.send(HEARTBEAT)

    merged = protocol.decode(connection._next_message())
    assert isinstance(merged, protocol.SyncUpdate)
    assert connection._next_message() == HEARTBEAT
    reader: Doc[Any] = Doc()
    reader.apply_update(merged.update)
    assert str(reader.get("note", type=Text)) == "Oma haalt Max op"


def test_a_single_update_is_sent_as_it_was_encoded() -> None:
    connection = outbox()
    update = DocumentUpdate.of(b"\x00\x00")
    connection.send(update)
    assert connection._next_message() is update.message
