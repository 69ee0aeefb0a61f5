-- 0013: internal notes on a request (内部备注, issue 10; keep in step with
-- ../postgres/0013_request_notes.sql). Staff write them on the request page; they are never shown
-- to the applicant. A note is a row of record: append-only (a wrong note is followed by another,
-- never edited), and the audit entry that writes it commits to it (audit_seq, payload part
-- `notes`).
CREATE TABLE request_notes (
    id INTEGER PRIMARY KEY,
    request_id BIGINT NOT NULL REFERENCES requests(id),
    body TEXT NOT NULL,
    author TEXT NOT NULL,
    written_at TEXT NOT NULL,
    audit_seq BIGINT NOT NULL
);
CREATE INDEX request_notes_request ON request_notes (request_id, id);
CREATE INDEX request_notes_audit ON request_notes (audit_seq);
CREATE TRIGGER request_notes_no_update BEFORE UPDATE ON request_notes
BEGIN SELECT RAISE(ABORT, 'request notes are append-only'); END;
CREATE TRIGGER request_notes_no_delete BEFORE DELETE ON request_notes
BEGIN SELECT RAISE(ABORT, 'request notes are append-only'); END;
CREATE TRIGGER request_notes_no_replace BEFORE INSERT ON request_notes
WHEN EXISTS (SELECT 1 FROM request_notes WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'request notes are append-only'); END;
