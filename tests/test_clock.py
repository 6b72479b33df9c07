"""The clock read with every keystroke writes what the slow way writes."""

from __future__ import annotations

import re
from unittest import mock

from server import clock

EXACT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00")


def test_the_exact_time_reads_as_the_slow_way_writes_it() -> None:
    before = clock.iso_exact(clock.now())
    fast = clock.exact_now_text()
    after = clock.iso_exact(clock.now())
    assert EXACT.fullmatch(fast)
    assert before <= fast <= after  # same format, so text order is time order


def test_the_seconds_move_on_at_the_second() -> None:
    moments = [100.999999, 101.0, 101.000001, 3600 * 24 * 366 + 0.5]
    with mock.patch("server.clock.time.time", side_effect=moments):
        texts = [clock.exact_now_text() for _ in moments]
    assert texts == [
        "1970-01-01T00:01:40.999999+00:00",
        "1970-01-01T00:01:41.000000+00:00",
        "1970-01-01T00:01:41.000001+00:00",
        "1971-01-02T00:00:00.500000+00:00",
    ]
