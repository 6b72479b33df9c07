"""Netwerkbord server: the live board, its storage and its pages."""
