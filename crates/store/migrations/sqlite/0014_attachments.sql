-- 0014: attachments of a request (附件, issue 10; keep in step with ../postgres/0014_attachments.sql).
-- The bytes are not here: they live in the attachment directory (a setting of the binary, outside
-- any web root), content-addressed by their SHA-256 and written atomically before the row. The
-- row is frozen (triggers) and its upload's audit entry commits to it (audit_seq, payload part
-- `attachments`), so verify_audit_log rechecks both the row and the file's digest.
CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    request_id BIGINT NOT NULL REFERENCES requests(id),
    purpose TEXT NOT NULL,
    name TEXT NOT NULL,
    mime TEXT NOT NULL,
    size BIGINT NOT NULL CHECK (size > 0),
    sha256 TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    audit_seq BIGINT NOT NULL
);
CREATE INDEX attachments_request ON attachments (request_id, id);
CREATE INDEX attachments_audit ON attachments (audit_seq);
CREATE TRIGGER attachments_no_update BEFORE UPDATE ON attachments
BEGIN SELECT RAISE(ABORT, 'attachments are frozen'); END;
CREATE TRIGGER attachments_no_delete BEFORE DELETE ON attachments
BEGIN SELECT RAISE(ABORT, 'attachments are frozen'); END;
CREATE TRIGGER attachments_no_replace BEFORE INSERT ON attachments
WHEN EXISTS (SELECT 1 FROM attachments WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'attachments are frozen'); END;
