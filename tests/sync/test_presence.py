"""Awareness states: newer clocks win, and nobody speaks for another connection."""

from __future__ import annotations

import time

from server.sync.presence import Accepted, Presence
from server.sync.protocol import AwarenessEntry


def entry(client: int, clock: int, state: str = '{"user":{"name":"Oma"}}') -> AwarenessEntry:
    return AwarenessEntry(client, clock, state)


def test_a_newer_clock_replaces_an_older_state() -> None:
    presence: Presence[str] = Presence()
    assert presence.apply("oma", (entry(1, 1),)) == Accepted(changes=[entry(1, 1)])
    assert presence.apply("oma", (entry(1, 1),)) == Accepted()
    assert presence.apply("oma", (entry(1, 2, '{"a":1}'),)) == Accepted([entry(1, 2, '{"a":1}')])
    assert presence.present() == [entry(1, 2, '{"a":1}')]


def test_the_same_state_with_a_newer_clock_is_a_renewal() -> None:
    presence: Presence[str] = Presence()
    presence.apply("oma", (entry(1, 1), entry(2, 1)))
    assert presence.apply("oma", (entry(1, 2), entry(2, 2, '{"b":2}'))) == Accepted(
        changes=[entry(2, 2, '{"b":2}')], renewals=[entry(1, 2)]
    )
    presence.apply("oma", (entry(1, 3, "null"),))
    assert presence.current([entry(1, 2), entry(2, 2, '{"b":2}')]) == [entry(2, 2, '{"b":2}')]


def test_a_connection_cannot_change_or_remove_anothers_state() -> None:
    presence: Presence[str] = Presence()
    presence.apply("oma", (entry(1, 1),))
    assert presence.apply("intruder", (entry(1, 5, "null"), entry(1, 6, '{"x":1}'))) == Accepted()
    assert presence.present() == [entry(1, 1)]


def test_leaving_removes_everything_that_connection_set() -> None:
    presence: Presence[str] = Presence()
    presence.apply("oma", (entry(1, 1), entry(2, 4)))
    presence.apply("opa", (entry(3, 1),))
    assert presence.remove_owner("oma") == [entry(1, 2, "null"), entry(2, 5, "null")]
    assert presence.present() == [entry(3, 1)]
    assert len(presence) == 1


def test_an_explicit_removal_at_the_same_clock_is_taken() -> None:
    presence: Presence[str] = Presence()
    presence.apply("oma", (entry(1, 3),))
    assert presence.apply("oma", (entry(1, 3, "null"),)) == Accepted([entry(1, 3, "null")])
    assert presence.present() == []


def test_the_echo_of_a_removal_claims_nothing_and_the_client_can_come_back() -> None:
    presence: Presence[str] = Presence()
    presence.apply("oma", (entry(1, 3),))
    removal = presence.remove_owner("oma")
    assert presence.apply("opa", tuple(removal)) == Accepted()  # y-websocket sends it back
    assert presence.apply("oma again", (entry(1, 3),)) == Accepted([entry(1, 3)])
    assert presence.present() == [entry(1, 3)]


def test_states_not_renewed_in_time_expire_and_the_others_stay() -> None:
    presence: Presence[str | None] = Presence()
    presence.apply(None, (entry(1, 1),))
    presence.apply("opa", (entry(2, 1),))
    assert presence.expire(None, time.monotonic() - 30) == []
    assert presence.expire(None, time.monotonic() + 1) == [entry(1, 2, "null")]
    assert not presence.owns_any(None)
    assert presence.present() == [entry(2, 1)]
