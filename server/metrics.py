"""Prometheus metrics, in a registry of the application's own.

What every keystroke counts (bytes in and out, messages sent, updates stored, the store's
time) is kept in plain numbers that only the event loop's thread adds to, and handed to the
registry when it is scraped. A prometheus_client Counter or Histogram takes a lock for
every count: five a keystroke came to 20-26 µs of its CPU at 200 boards (timed the way
bench/sections.py times its steps, which adds about 2 µs to each).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

STORE_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0)


class Tally:
    """A counter for the event loop's thread alone: no lock, read when scraped."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0.0

    def inc(self, amount: float = 1) -> None:
        self.value += amount


class Durations:
    """A histogram for the event loop's thread alone: no lock, read when scraped."""

    __slots__ = ("bounds", "counts", "total")

    def __init__(self, bounds: tuple[float, ...]) -> None:
        self.bounds = bounds
        self.counts = [0] * (len(bounds) + 1)  # the last for what exceeds every bound
        self.total = 0.0

    def observe(self, seconds: float) -> None:
        self.counts[bisect_left(self.bounds, seconds)] += 1  # a bound includes its value
        self.total += seconds

    def buckets(self) -> list[tuple[str, float]]:
        cumulative, running = [], 0
        for bound, count in zip(
            (*map(floatToGoString, self.bounds), "+Inf"), self.counts, strict=True
        ):
            running += count
            cumulative.append((bound, float(running)))
        return cumulative


class _HotPath(Collector):
    """Reads the tallies of `Metrics` when the registry is scraped."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    def collect(self) -> Iterator[Metric]:
        m = self._metrics
        for name, help_text, tally in (
            (
                "netwerkbord_updates_accepted",
                "Board updates stored and broadcast.",
                m.updates_accepted,
            ),
            ("netwerkbord_bytes_received", "WebSocket bytes received.", m.bytes_in),
            ("netwerkbord_bytes_sent", "WebSocket bytes sent to clients.", m.bytes_out),
        ):
            yield CounterMetricFamily(name, help_text, value=tally.value)
        sent = CounterMetricFamily(
            "netwerkbord_messages_sent",
            "Messages to clients: written to the socket at once, or queued behind a busy one.",
            labels=["way"],
        )
        sent.add_metric(["direct"], m.sent_direct.value)
        sent.add_metric(["queued"], m.sent_queued.value)
        yield sent
        yield HistogramMetricFamily(
            "netwerkbord_store_append_seconds",
            "Time to make a batch of updates durable.",
            buckets=m.store_latency.buckets(),
            sum_value=m.store_latency.total,
        )


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.open_rooms = Gauge("netwerkbord_open_rooms", "Boards loaded in memory.", registry=r)
        self.connections = Gauge(
            "netwerkbord_connections", "Open board connections.", ["role"], registry=r
        )
        self.updates_refused = Counter(
            "netwerkbord_updates_refused", "Board updates refused.", ["reason"], registry=r
        )
        self.connections_closed = Counter(
            "netwerkbord_connections_closed",
            "Connections closed by the server, by code.",
            ["code"],
            registry=r,
        )
        self.room_load_seconds = Histogram(
            "netwerkbord_room_load_seconds", "Time to load a board into memory.", registry=r
        )
        self.compactions = Counter("netwerkbord_compactions", "Log compactions done.", registry=r)
        # counted for every keystroke
        self.updates_accepted = Tally()
        self.bytes_in = Tally()
        self.bytes_out = Tally()
        self.sent_direct = Tally()
        self.sent_queued = Tally()
        self.store_latency = Durations(STORE_BUCKETS)
        r.register(_HotPath(self))
