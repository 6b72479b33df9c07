-- Boards, their update log and snapshots, and the people given access to them.
CREATE TABLE boards (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    language TEXT NOT NULL,
    epoch TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    created_at TEXT NOT NULL
);

CREATE TABLE board_updates (
    id BIGSERIAL PRIMARY KEY,
    board_id TEXT NOT NULL REFERENCES boards (id),
    data BYTEA NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX board_updates_by_board ON board_updates (board_id, id);

CREATE TABLE board_snapshots (
    board_id TEXT PRIMARY KEY REFERENCES boards (id),
    upto_id BIGINT NOT NULL,
    data BYTEA NOT NULL,
    updates_compacted BIGINT NOT NULL,
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
