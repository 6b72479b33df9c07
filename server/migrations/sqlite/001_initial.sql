-- Boards, their update log and snapshots, and the people given access to them.
CREATE TABLE boards (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    language TEXT NOT NULL,
    epoch TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    created_at TEXT NOT NULL
);

-- The source of truth: every accepted update, in the order it was accepted, attributed.
CREATE TABLE board_updates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    board_id TEXT NOT NULL REFERENCES boards (id),
    data BLOB NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX board_updates_by_board ON board_updates (board_id, id);

-- The compacted state of every update of a board up to and including `upto_id`.
CREATE TABLE board_snapshots (
    board_id TEXT PRIMARY KEY REFERENCES boards (id),
    upto_id INTEGER NOT NULL,
    data BLOB NOT NULL,
    updates_compacted INTEGER NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE participants (
    id TEXT PRIMARY KEY,
    board_id TEXT NOT NULL REFERENCES boards (id),
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX participants_by_board ON participants (board_id);
