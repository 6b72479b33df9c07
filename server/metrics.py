"""Prometheus metrics, in a registry of the application's own."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.open_rooms = Gauge("netwerkbord_open_rooms", "Boards loaded in memory.", registry=r)
        self.connections = Gauge(
            "netwerkbord_connections", "Open board connections.", ["role"], registry=r
        )
        self.updates_accepted = Counter(
            "netwerkbord_updates_accepted", "Board updates stored and broadcast.", registry=r
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
        self.bytes_in = Counter(
            "netwerkbord_bytes_received", "WebSocket bytes received.", registry=r
        )
        self.bytes_out = Counter(
            "netwerkbord_bytes_sent", "WebSocket bytes sent to clients.", registry=r
        )
        self.messages_out = Counter(
            "netwerkbord_messages_sent",
            "Messages to clients: written to the socket at once, or queued behind a busy one.",
            ["way"],
            registry=r,
        )
        self.sent_direct = self.messages_out.labels(way="direct")
        self.sent_queued = self.messages_out.labels(way="queued")
        self.store_latency = Histogram(
            "netwerkbord_store_append_seconds",
            "Time to make a batch of updates durable.",
            buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0),
            registry=r,
        )
        self.room_load_seconds = Histogram(
            "netwerkbord_room_load_seconds", "Time to load a board into memory.", registry=r
        )
        self.compactions = Counter("netwerkbord_compactions", "Log compactions done.", registry=r)
