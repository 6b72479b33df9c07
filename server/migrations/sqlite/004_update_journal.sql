-- How far the update journal (server/store/journal.py) has been folded into board_updates:
-- of the journal the running server writes (named anew each time one starts), every file
-- of an older generation, and this generation's file up to `folded_to` bytes. Updated in
-- the same transaction as the rows it folds in.
CREATE TABLE update_journal (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    journal TEXT NOT NULL,
    generation INTEGER NOT NULL,
    folded_to INTEGER NOT NULL
);
INSERT INTO update_journal (id, journal, generation, folded_to) VALUES (1, '', 0, 0);
