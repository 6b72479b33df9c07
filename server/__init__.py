"""Netwerkbord server: the live board, its storage and its pages."""

from server.native import load as _load_modules

_load_modules()  # before any other server module is imported: server/native.py says why
