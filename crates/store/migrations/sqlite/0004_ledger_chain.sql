-- The case ledger inside the audit chain (keep in step with ../postgres/0004_ledger_chain.sql).
-- Each audit entry that records rows commits to their content (`payload_hash`, part of the entry
-- hash); each covered row names the entry that covers it (`audit_seq`). Rows written before this
-- migration are marked 0 (recorded before the ledger was chained) and counted in ledger_legacy.
ALTER TABLE audit_log ADD COLUMN payload_hash TEXT;
ALTER TABLE requests ADD COLUMN audit_seq BIGINT;
ALTER TABLE request_events ADD COLUMN audit_seq BIGINT;
ALTER TABLE report_files ADD COLUMN audit_seq BIGINT;
CREATE TABLE ledger_legacy (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    requests BIGINT NOT NULL,
    events BIGINT NOT NULL
);
DROP TRIGGER report_files_frozen;
UPDATE requests SET audit_seq = 0;
UPDATE request_events SET audit_seq = 0;
UPDATE report_files SET audit_seq = 0;
INSERT INTO ledger_legacy (id, requests, events)
    SELECT 1, (SELECT COUNT(*) FROM requests), (SELECT COUNT(*) FROM request_events);
CREATE TRIGGER report_files_frozen BEFORE UPDATE ON report_files
BEGIN SELECT RAISE(ABORT, 'report files are frozen'); END;
CREATE INDEX requests_audit ON requests (audit_seq);
CREATE INDEX request_events_audit ON request_events (audit_seq);
CREATE INDEX report_files_audit ON report_files (audit_seq);

-- The ledger is append-only.
CREATE TRIGGER request_events_no_update BEFORE UPDATE ON request_events
BEGIN SELECT RAISE(ABORT, 'request_events is append-only'); END;
CREATE TRIGGER request_events_no_delete BEFORE DELETE ON request_events
BEGIN SELECT RAISE(ABORT, 'request_events is append-only'); END;
CREATE TRIGGER ledger_legacy_no_update BEFORE UPDATE ON ledger_legacy
BEGIN SELECT RAISE(ABORT, 'ledger_legacy is append-only'); END;
CREATE TRIGGER ledger_legacy_no_delete BEFORE DELETE ON ledger_legacy
BEGIN SELECT RAISE(ABORT, 'ledger_legacy is append-only'); END;

-- INSERT OR REPLACE deletes the conflicting row without firing DELETE triggers (unless the
-- connection has recursive_triggers on): refuse an insert that would replace a row.
CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
WHEN EXISTS (SELECT 1 FROM audit_log WHERE seq = NEW.seq)
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER request_events_no_replace BEFORE INSERT ON request_events
WHEN EXISTS (SELECT 1 FROM request_events WHERE request_id = NEW.request_id AND seq = NEW.seq)
BEGIN SELECT RAISE(ABORT, 'request_events is append-only'); END;
CREATE TRIGGER report_versions_no_replace BEFORE INSERT ON report_versions
WHEN EXISTS (SELECT 1 FROM report_versions WHERE id = NEW.id
             OR (agency_id = NEW.agency_id AND year = NEW.year AND version = NEW.version))
BEGIN SELECT RAISE(ABORT, 'report versions are kept'); END;
CREATE TRIGGER report_files_no_replace BEFORE INSERT ON report_files
WHEN EXISTS (SELECT 1 FROM report_files WHERE version_id = NEW.version_id AND format = NEW.format)
BEGIN SELECT RAISE(ABORT, 'report files are kept'); END;
CREATE TRIGGER ledger_legacy_no_replace BEFORE INSERT ON ledger_legacy
WHEN EXISTS (SELECT 1 FROM ledger_legacy WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'ledger_legacy is append-only'); END;
