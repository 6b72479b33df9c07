"""Durable storage: the update log, snapshots, boards and participants."""

from server.store.base import BoardRecord, BoardState, LogEntry, Store

__all__ = ["BoardRecord", "BoardState", "LogEntry", "Store"]
