"""The room's document, where an update is tried, inspected and judged before it counts.

An update cannot be taken back once a Yjs document has integrated it. The room therefore
keeps, beside its one document, what that document was built from: a checkpoint (one update
holding the whole board) and every update settled since. An incoming update is applied to
the document; its events say exactly what it changes; the schema and the sender's role judge
that. Refused, or not stored, it is taken back by building the document again from the
checkpoint and the settled updates. Accepted and stored, it is settled and broadcast.

The events are read straight from Yrs: pycrdt's own observer turns every event into Python
objects (target, delta, path) before anyone asks, which cost more than applying the update.
Typing, the common case, needs only where the text is and how long it has become; map and
array events still get pycrdt's full event objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, NamedTuple

from pycrdt import Array, ArrayEvent, Doc, Map, MapEvent
from pycrdt import _pycrdt as yrs

from server.crdt import builds_on_unknown, decode_state_vector, structs_of
from server.errors import MalformedMessage, MissingHistory, UpdateRefused
from shared_schema import BoardSchema, SchemaViolation

PLAIN_TEXT = "Texts on the board are plain text: no formatting or embedded objects."
CHECKPOINT_AFTER = 500  # settled updates kept before the whole board becomes the checkpoint

try:  # the exception pyo3 raises when Rust code panics on hostile input
    from pyo3_runtime import PanicException  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - the name only exists once pycrdt has loaded
    PanicException = BaseException

Event = ArrayEvent | MapEvent


class _Seen(NamedTuple):
    """One event, as much of it as the judgement needs: for typing, the text's new length."""

    path: tuple[str | int, ...]
    event: Event | None = None
    text_length: int | None = None


@dataclass(slots=True)  # not frozen: a frozen dataclass is three times slower to make
class Touch:
    """One place an update changed: a root, and the element of an array root if any.

    For a change to an array root itself, `inserted` holds the new elements and `removed`
    the standing (author, status) of the elements it deleted, read from before the update.
    For a change inside an element of an array root, `author` is who wrote that element and
    `status` its status (a plan rule's) before the update.
    """

    root: str
    index: int | None
    path: tuple[str | int, ...]
    event: Event | None  # None for a change to a text: see `text_length`
    text_length: int | None = None  # a changed text's length after the update
    inserted: tuple[Any, ...] = ()
    removed: tuple[Standing, ...] = ()
    author: str | None = None
    status: str | None = None

    @property
    def changed_keys(self) -> dict[str, Any]:
        """For a change to a map: key -> {"action", "oldValue", "newValue"}."""
        keys = getattr(self.event, "keys", None) if isinstance(self.event, MapEvent) else None
        return dict(keys or {})


@dataclass
class Change:
    """What one update would change on the board."""

    touches: list[Touch] = field(default_factory=list)
    state_before: bytes = b"\x00"
    state_after: bytes = b"\x00"
    clients: tuple[int, ...] = ()  # the Yjs client ids its new structs are written under

    @property
    def advances_state(self) -> bool:
        """Whether the update adds anything, even what no event shows (a deletion of what
        was already deleted, say). Asked only of an update no event showed: decoding both
        state vectors for every keystroke was the costliest part of staging one."""
        if self.state_before == self.state_after:
            return False
        return decode_state_vector(self.state_after) != decode_state_vector(self.state_before)

    @property
    def is_empty(self) -> bool:
        return not self.touches and not self.advances_state

    @property
    def roots(self) -> set[str]:
        return {touch.root for touch in self.touches}


Standing = tuple[str | None, str | None]  # an item's author and status (a plan rule's)


def author_of(element: object) -> str | None:
    if isinstance(element, Map):
        author = element.get("author")
        return author if isinstance(author, str) else None
    return None


def status_of(element: object) -> str | None:
    if isinstance(element, Map):
        status = element.get("status")
        return status if isinstance(status, str) else None
    return None


def standing_of(element: object) -> Standing:
    return author_of(element), status_of(element)


class Staging:
    """The room's document and the updates it was built from."""

    def __init__(self, schema: BoardSchema, updates: Iterable[bytes] = ()) -> None:
        self._schema = schema
        self._limits: dict[tuple[str, str], int | None] = {}
        self._events: list[tuple[str, _Seen]] | None = None
        self._subscriptions: list[yrs.Subscription] = []
        # Who wrote each element of each array root, and its status, in order: a deletion's
        # event says only where and how many, and the policy must know whose work it removes
        # and whether the meeting agreed it; an edit is judged by the status before it.
        self._standing: dict[str, list[Standing]] = {}
        self._state: bytes | None = None  # the state vector after the last staged update
        self.meta_changes = 0  # counts changes to "meta": whoever caches what it says, asks
        self._checkpoint: list[bytes] = list(updates)
        self._settled: list[bytes] = []
        self.doc: Doc[Any] = Doc()
        self.roots: dict[str, Any] = {}
        self._build([])

    def settle(self, updates: Iterable[bytes]) -> None:
        """`updates`, already in the document, are stored: they stay, whatever comes next."""
        self._settled += updates
        if len(self._settled) >= CHECKPOINT_AFTER:
            self._checkpoint = [self.doc.get_update()]
            self._settled = []

    def take_back(self, keep: Iterable[bytes] = ()) -> None:
        """Build the document again from what is settled, plus `keep` (accepted in this
        batch, not yet stored): everything else applied since is gone."""
        self._build(list(keep))

    def _build(self, keep: list[bytes]) -> None:
        self._state = None
        self.meta_changes += 1
        self.doc = Doc()
        self.roots = self._schema.roots_of(self.doc)
        for update in (*self._checkpoint, *self._settled, *keep):
            self.doc.apply_update(update)
        self._observe(self.doc)
        self._standing = {
            name: [standing_of(element) for element in root]
            for name, root in self.roots.items()
            if isinstance(root, Array)
        }

    def _observe(self, doc: Doc[Any]) -> None:
        # Yrs stops calling an observer once its Subscription is garbage-collected.
        self._subscriptions = [
            root.integrated.observe_deep(partial(self._record, name, doc))
            for name, root in self.roots.items()
        ]

    def _record(self, root: str, doc: Doc[Any], events: list[Any]) -> None:
        """Called by Yrs while the update is applied: its events are readable only now."""
        seen = self._events
        if seen is None:
            return
        if root == "meta":
            self.meta_changes += 1
        for event in events:
            path, kind = tuple(event.path), type(event)
            if kind is yrs.TextEvent:
                seen.append((root, _Seen(path, text_length=event.target.len(event.transaction))))
            elif kind is yrs.MapEvent:
                seen.append((root, _Seen(path, MapEvent(event, doc))))
            elif kind is yrs.ArrayEvent:
                seen.append((root, _Seen(path, ArrayEvent(event, doc))))
            else:  # no part of a board is XML: the schema refuses what holds it
                seen.append((root, _Seen(path)))

    def stage(self, update: bytes) -> Change:
        """Apply `update` to the document and check it against the schema. Raises what
        refuses it; the caller then takes it back."""
        before = self._state if self._state is not None else self.doc.get_state()
        self._state = None
        events: list[tuple[str, _Seen]] = []
        self._events = events
        # One transaction for the update and the reads after it: Yrs reports the events
        # when it commits. It is Yrs's own, called directly: pycrdt's wrapper costs more
        # than applying a keystroke, and each of pycrdt's methods would nest another. As
        # pycrdt's does, it commits whatever happens; what is refused is taken back after.
        ydoc = self.doc._doc
        txn = ydoc.create_transaction()
        try:
            try:
                structs = structs_of(update)
                ydoc.apply_update(txn, update)
            except (Exception, PanicException) as error:
                raise MalformedMessage("The update could not be read.") from error
            if not structs.plain:
                raise UpdateRefused(PLAIN_TEXT)
            after = ydoc.get_state(txn)
            if builds_on_unknown(yrs.get_update(update, after), after):
                raise MissingHistory
            roots = ydoc.roots(txn)
            if len(roots) != len(self.roots):  # Yrs made a root for a new name
                unknown = set(roots) - self._schema.root_names
                raise UpdateRefused(f"Unknown part of the board: {sorted(unknown)[0][:40]}.")
        finally:
            try:
                txn.commit()
            finally:
                txn.drop()
                self._events = None
        change = Change(self._touches(events), before, after, structs.clients)
        self._validate(change)
        self._state = after
        return change

    def change_as_server(self, change: Callable[[dict[str, Any]], None], origin: str) -> bytes:
        """Make `change` in the document; returns its update (b"" if it changed nothing).
        The server's own changes are not judged, only kept track of."""
        self._state = None
        captured: list[bytes] = []
        subscription = self.doc.observe(lambda event: captured.append(event.update))
        events: list[tuple[str, _Seen]] = []
        self._events = events
        try:
            with self.doc.transaction(origin=origin):
                change(self.roots)
        finally:
            self._events = None
            self.doc.unobserve(subscription)
        self._touches(events)
        return captured[0] if captured and captured[0] != b"\x00\x00" else b""

    def _touches(self, events: list[tuple[str, _Seen]]) -> list[Touch]:
        """The touches of one update. Changes to array roots come first: they bring the
        standing mirror to the after-update positions that the other events' paths use.
        Changes inside items are judged by their item's standing before the update, so the
        mirror takes a changed author or status only after all of them are read."""
        touches = [self._touch_root(root, seen) for root, seen in events if not seen.path]
        inside = [self._touch_inside(root, seen) for root, seen in events if seen.path]
        for touch in inside:
            if len(touch.path) == 1:
                self._restand(touch)
        return touches + inside

    def _restand(self, touch: Touch) -> None:
        keys = getattr(touch.event, "keys", None) if isinstance(touch.event, MapEvent) else None
        if keys and ("author" in keys or "status" in keys) and touch.index is not None:
            self._standing[touch.root][touch.index] = standing_of(
                getattr(touch.event, "target", None)
            )

    def _touch_inside(self, root: str, seen: _Seen) -> Touch:
        path, event = seen.path, seen.event
        index = path[0] if isinstance(path[0], int) else None
        standing = self._standing.get(root)
        if index is None or standing is None or index >= len(standing):
            return Touch(root, index, path, event, seen.text_length)
        author, status = standing[index]
        return Touch(root, index, path, event, seen.text_length, author=author, status=status)

    def _touch_root(self, root: str, seen: _Seen) -> Touch:
        event = seen.event
        if not isinstance(event, ArrayEvent) or root not in self._standing:
            return Touch(root, None, (), event, seen.text_length)
        standing = self._standing[root]
        inserted: list[Any] = []
        removed: list[Standing] = []
        position = 0
        for step in getattr(event, "delta", []):
            if "retain" in step:
                position += step["retain"]
            elif "delete" in step:
                removed += standing[position : position + step["delete"]]
                del standing[position : position + step["delete"]]
            elif "insert" in step:
                values = list(step["insert"])
                standing[position:position] = [standing_of(value) for value in values]
                inserted += values
                position += len(values)
        return Touch(root, None, (), event, inserted=tuple(inserted), removed=tuple(removed))

    def _validate(self, change: Change) -> None:
        try:
            rest = [touch for touch in change.touches if not self._typing_within_limit(touch)]
            if rest:
                with self.doc.transaction():  # one transaction for every read
                    self._validate_reading(rest)
        except SchemaViolation as violation:
            raise UpdateRefused(f"Not a valid board ({violation.where}).") from violation

    def _validate_reading(self, touches: list[Touch]) -> None:
        roots = self.roots
        checked: set[tuple[str, int | None]] = set()
        for touch in touches:
            root = roots[touch.root]
            if not isinstance(root, Array):
                if (touch.root, None) not in checked:
                    self._schema.validate_root(touch.root, root)
                    checked.add((touch.root, None))
                continue
            if touch.inserted:
                self._check_length(touch.root, root)
            for index in self._touched_indices(touch, root):
                if (touch.root, index) not in checked:
                    self._schema.validate_item(touch.root, index, root[index])
                    checked.add((touch.root, index))

    def _check_length(self, name: str, root: Array[Any]) -> None:
        limit = self._schema.item_limit(name)
        if limit is not None and len(root) > limit:
            raise SchemaViolation(name, f"has too many items (at most {limit})")

    def _typing_within_limit(self, touch: Touch) -> bool:
        """Typing in a card's text changes nothing but that text: its length is all there
        is to check (the card itself was checked when it was made). The hot path."""
        if touch.text_length is None or len(touch.path) != 2:
            return False
        field = touch.path[1]
        if not isinstance(field, str) or touch.index is None:
            return False
        key = (touch.root, field)
        if key not in self._limits:
            self._limits[key] = self._schema.text_limit(touch.root, field)
        limit = self._limits[key]
        if limit is None:
            return False
        if touch.text_length > limit:
            raise UpdateRefused(f"Not a valid board ({touch.root}[{touch.index}].{field}).")
        return True

    @staticmethod
    def _touched_indices(touch: Touch, root: Array[Any]) -> list[int]:
        if touch.index is not None:
            return [touch.index] if touch.index < len(root) else []
        if touch.path:
            return []
        indices: list[int] = []
        position = 0
        for step in getattr(touch.event, "delta", []):
            if "retain" in step:
                position += step["retain"]
            elif "insert" in step:
                inserted = len(step["insert"])
                indices += range(position, position + inserted)
                position += inserted
        return indices
