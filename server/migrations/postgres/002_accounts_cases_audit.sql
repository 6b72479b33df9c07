-- Facilitator accounts and their sessions, cases shared between colleagues, join codes for
-- relatives' phones, and the audit trail.
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Only a hash of each session token is kept: a copy of the database opens no session.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL
);

CREATE TABLE case_members (
    case_id TEXT NOT NULL REFERENCES cases (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (case_id, user_id)
);
CREATE INDEX case_members_by_user ON case_members (user_id);

ALTER TABLE boards ADD COLUMN case_id TEXT REFERENCES cases (id);
ALTER TABLE boards ADD COLUMN closed_at TEXT;
CREATE INDEX boards_by_case ON boards (case_id);

CREATE TABLE join_codes (
    code TEXT PRIMARY KEY,
    board_id TEXT NOT NULL REFERENCES boards (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX join_codes_by_board ON join_codes (board_id);

ALTER TABLE participants ADD COLUMN relation TEXT NOT NULL DEFAULT '';
ALTER TABLE participants ADD COLUMN revoked_at TEXT;

CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at TEXT NOT NULL,
    event TEXT NOT NULL,
    actor_id TEXT,
    actor_name TEXT,
    board_id TEXT,
    case_id TEXT,
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_by_board ON audit_log (board_id, id);
CREATE INDEX audit_by_case ON audit_log (case_id, id);

-- Compaction folds the update log into a snapshot and moves the folded rows here: loading
-- stays fast, and every accepted update stays on record with who sent it and when.
CREATE TABLE board_updates_archive (
    id BIGINT PRIMARY KEY,
    board_id TEXT NOT NULL REFERENCES boards (id),
    data BYTEA NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX board_updates_archive_by_board ON board_updates_archive (board_id, id);
