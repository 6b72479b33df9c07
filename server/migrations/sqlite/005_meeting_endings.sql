-- Ending a meeting is a decision stored first: the board's state as it was agreed, who ended
-- it and when, and the id its record will have. The record is written from this row until
-- it exists, after a restart too; `status` says how far that got (writing, written, failed).
CREATE TABLE meeting_endings (
    board_id TEXT PRIMARY KEY REFERENCES boards (id),
    case_id TEXT NOT NULL REFERENCES cases (id),
    record_id TEXT NOT NULL UNIQUE,
    decided_at TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_by_name TEXT NOT NULL,
    case_title TEXT NOT NULL,
    state BLOB NOT NULL,
    participants TEXT NOT NULL,
    corrects TEXT,
    correction_reason TEXT,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    problem TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX meeting_endings_unwritten ON meeting_endings (status);

-- A record's seal: an HMAC-SHA256 of its manifest under the server's secret key, so a
-- record rewritten with recomputed digests no longer verifies. Empty for records written
-- before it existed (verify reports them as unsealed).
ALTER TABLE case_records ADD COLUMN seal TEXT;
