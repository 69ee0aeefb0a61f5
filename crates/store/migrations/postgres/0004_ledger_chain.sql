-- The case ledger inside the audit chain (keep in step with ../sqlite/0004_ledger_chain.sql).
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
ALTER TABLE report_files DISABLE TRIGGER report_files_frozen;
UPDATE requests SET audit_seq = 0;
UPDATE request_events SET audit_seq = 0;
UPDATE report_files SET audit_seq = 0;
ALTER TABLE report_files ENABLE TRIGGER report_files_frozen;
INSERT INTO ledger_legacy (id, requests, events)
    SELECT 1, (SELECT COUNT(*) FROM requests), (SELECT COUNT(*) FROM request_events);
CREATE INDEX requests_audit ON requests (audit_seq);
CREATE INDEX request_events_audit ON request_events (audit_seq);
CREATE INDEX report_files_audit ON report_files (audit_seq);

CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
-- The ledger is append-only.
CREATE TRIGGER request_events_no_change BEFORE UPDATE OR DELETE ON request_events
    FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER ledger_legacy_no_change BEFORE UPDATE OR DELETE ON ledger_legacy
    FOR EACH ROW EXECUTE FUNCTION append_only();
-- Row triggers do not fire on TRUNCATE.
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION append_only();
CREATE TRIGGER request_events_no_truncate BEFORE TRUNCATE ON request_events
    FOR EACH STATEMENT EXECUTE FUNCTION append_only();
CREATE TRIGGER report_versions_no_truncate BEFORE TRUNCATE ON report_versions
    FOR EACH STATEMENT EXECUTE FUNCTION append_only();
CREATE TRIGGER report_files_no_truncate BEFORE TRUNCATE ON report_files
    FOR EACH STATEMENT EXECUTE FUNCTION append_only();
CREATE TRIGGER ledger_legacy_no_truncate BEFORE TRUNCATE ON ledger_legacy
    FOR EACH STATEMENT EXECUTE FUNCTION append_only();
