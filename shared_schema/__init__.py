"""The one definition of the Netwerkbord board document.

`board.v1.json` is the public format (JSON Schema of the document's JSON rendering, with
`x-ytype` naming the Yjs shared type behind each value). This package loads it, creates new
boards from it and validates live pycrdt documents against it.
"""

from shared_schema.board import (
    SCHEMA_VERSION,
    BoardSchema,
    Language,
    SchemaViolation,
    board_schema,
    new_board_update,
)

__all__ = [
    "SCHEMA_VERSION",
    "BoardSchema",
    "Language",
    "SchemaViolation",
    "board_schema",
    "new_board_update",
]
