-- gongkai schema, SQLite dialect (keep in step with ../postgres/0001_init.sql).
CREATE TABLE agencies (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    is_government BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL
);
CREATE TABLE departments (
    id INTEGER PRIMARY KEY,
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    name TEXT NOT NULL,
    UNIQUE (agency_id, name)
);
CREATE TABLE request_counters (
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    year BIGINT NOT NULL,
    last_seq BIGINT NOT NULL,
    PRIMARY KEY (agency_id, year)
);
CREATE TABLE requests (
    id INTEGER PRIMARY KEY,
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    department_id BIGINT REFERENCES departments(id),
    number TEXT NOT NULL UNIQUE,
    query_code_hash TEXT NOT NULL,
    applicant_kind TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    org_code TEXT,
    id_masked TEXT,
    phone_masked TEXT NOT NULL,
    pii_sealed BLOB NOT NULL,
    description TEXT NOT NULL,
    channel TEXT NOT NULL,
    delivery TEXT NOT NULL,
    received_on DATE NOT NULL,
    status TEXT NOT NULL,
    due_on DATE,
    due_provisional BOOLEAN NOT NULL DEFAULT FALSE,
    concluded_on DATE,
    outcome TEXT,
    event_count BIGINT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX requests_agency_received ON requests (agency_id, received_on);
CREATE INDEX requests_agency_concluded ON requests (agency_id, concluded_on);
CREATE INDEX requests_open ON requests (status, due_on);
CREATE TABLE request_events (
    request_id BIGINT NOT NULL REFERENCES requests(id),
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    on_date DATE NOT NULL,
    body TEXT NOT NULL,
    actor TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (request_id, seq)
);
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    outcome TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TABLE holiday_schedules (
    year BIGINT PRIMARY KEY,
    body TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
CREATE TABLE staff_tokens (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    agency_id BIGINT REFERENCES agencies(id),
    created_at TEXT NOT NULL
);
CREATE TABLE review_cases (
    id INTEGER PRIMARY KEY,
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    request_id BIGINT REFERENCES requests(id),
    kind TEXT NOT NULL,
    filed_on DATE NOT NULL,
    decided_on DATE,
    result TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX review_cases_agency ON review_cases (agency_id, filed_on);
