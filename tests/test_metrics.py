"""The hot path's histogram: its buckets as Prometheus reads them."""

from __future__ import annotations

import pytest

from server.metrics import Durations


def test_a_duration_on_a_bound_counts_in_that_bucket_and_every_bucket_is_cumulative() -> None:
    durations = Durations((0.001, 0.01))
    for seconds in (0.0005, 0.001, 0.002, 0.5):
        durations.observe(seconds)
    assert durations.buckets() == [("0.001", 2.0), ("0.01", 3.0), ("+Inf", 4.0)]
    assert durations.total == pytest.approx(0.5035)
