-- 0011: letters (告知书, issue 10; keep in step with ../postgres/0011_letters.sql).
-- A letter is generated when the event that sends it is recorded, in the same transaction: its
-- number comes from letter_counters (per agency and year; a failed attempt rolls its serial
-- back, so there are no gaps), its PDF and DOCX are frozen here with their SHA-256, and the
-- event's audit entry commits to them (audit_seq, like report_files). An agency's edited
-- templates are in letter_templates (a kind without a row uses the default in the binary).
CREATE TABLE letter_counters (
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    year BIGINT NOT NULL,
    last_serial BIGINT NOT NULL,
    PRIMARY KEY (agency_id, year)
);
CREATE TABLE letters (
    id INTEGER PRIMARY KEY,
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    request_id BIGINT NOT NULL REFERENCES requests(id),
    event_seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    letter_no TEXT NOT NULL,
    to_applicant BOOLEAN NOT NULL,
    issued_on DATE NOT NULL,
    pdf BLOB NOT NULL,
    pdf_sha256 TEXT NOT NULL,
    docx BLOB NOT NULL,
    docx_sha256 TEXT NOT NULL,
    audit_seq BIGINT NOT NULL,
    UNIQUE (request_id, event_seq),
    UNIQUE (agency_id, letter_no)
);
CREATE INDEX letters_audit ON letters (audit_seq);
CREATE TRIGGER letters_no_update BEFORE UPDATE ON letters
BEGIN SELECT RAISE(ABORT, 'letters are frozen'); END;
CREATE TRIGGER letters_no_delete BEFORE DELETE ON letters
BEGIN SELECT RAISE(ABORT, 'letters are frozen'); END;
CREATE TRIGGER letters_no_replace BEFORE INSERT ON letters
WHEN EXISTS (SELECT 1 FROM letters WHERE id = NEW.id OR (request_id = NEW.request_id AND event_seq = NEW.event_seq)
             OR (agency_id = NEW.agency_id AND letter_no = NEW.letter_no))
BEGIN SELECT RAISE(ABORT, 'letters are frozen'); END;
CREATE TRIGGER letters_issued_on_canonical_insert BEFORE INSERT ON letters
WHEN date(NEW.issued_on) IS NOT NEW.issued_on
BEGIN SELECT RAISE(ABORT, 'letters.issued_on: not a canonical YYYY-MM-DD date'); END;
CREATE TABLE letter_templates (
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (agency_id, kind)
);
