-- Case records: what a meeting agreed, frozen. Rows are never changed or removed in the
-- ordinary course of work; a correction is a new row naming the one it corrects.
CREATE TABLE case_records (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    board_id TEXT NOT NULL REFERENCES boards (id),
    created_at TEXT NOT NULL,
    closed_by TEXT NOT NULL,
    closed_by_name TEXT NOT NULL,
    language TEXT NOT NULL,
    title TEXT NOT NULL,
    participants TEXT NOT NULL,
    state BYTEA NOT NULL,
    document TEXT NOT NULL,
    html TEXT NOT NULL,
    pdf BYTEA NOT NULL,
    manifest TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    corrects TEXT REFERENCES case_records (id),
    correction_reason TEXT
);
CREATE INDEX case_records_by_case ON case_records (case_id, created_at);

CREATE FUNCTION case_records_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'case records are immutable: add a correction instead';
END;
$$;

CREATE TRIGGER case_records_are_not_changed BEFORE UPDATE OR DELETE ON case_records
    FOR EACH ROW EXECUTE FUNCTION case_records_are_immutable();

ALTER TABLE boards ADD COLUMN corrects TEXT;
ALTER TABLE boards ADD COLUMN correction_reason TEXT;
ALTER TABLE boards ADD COLUMN carried_from TEXT;
