"""Netwerkbord server: the live board, its storage and its pages."""

from server.native import verify as _verify_compiled_modules

_verify_compiled_modules()  # before any of them is imported: server/native.py says why
