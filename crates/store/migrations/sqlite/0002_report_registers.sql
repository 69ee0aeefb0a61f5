-- Registers behind the annual report (table 1, narrative sections) and frozen report versions.
CREATE TABLE publications (
    id INTEGER PRIMARY KEY,
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    doc_number TEXT,
    issued_on DATE NOT NULL,
    published_on DATE,
    repealed_on DATE,
    created_at TEXT NOT NULL
);
CREATE INDEX publications_agency ON publications (agency_id, kind);
CREATE TABLE yearly_statistics (
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    year BIGINT NOT NULL,
    key TEXT NOT NULL,
    value REAL NOT NULL,
    source TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (agency_id, year, key)
);
CREATE TABLE report_sections (
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    year BIGINT NOT NULL,
    overview TEXT NOT NULL,
    problems TEXT NOT NULL,
    other TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (agency_id, year)
);
CREATE TABLE report_versions (
    id INTEGER PRIMARY KEY,
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    year BIGINT NOT NULL,
    version BIGINT NOT NULL,
    status TEXT NOT NULL,
    report_json TEXT NOT NULL,
    json_sha256 TEXT NOT NULL,
    approved_by TEXT,
    approved_at TEXT,
    published_at TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (agency_id, year, version)
);
CREATE TABLE report_files (
    version_id BIGINT NOT NULL REFERENCES report_versions(id),
    format TEXT NOT NULL,
    body BLOB NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (version_id, format)
);
CREATE TRIGGER report_versions_frozen BEFORE UPDATE ON report_versions WHEN OLD.status = 'published'
BEGIN SELECT RAISE(ABORT, 'a published report is frozen'); END;
CREATE TRIGGER report_versions_kept BEFORE DELETE ON report_versions
BEGIN SELECT RAISE(ABORT, 'report versions are kept'); END;
CREATE TRIGGER report_files_frozen BEFORE UPDATE ON report_files
BEGIN SELECT RAISE(ABORT, 'report files are frozen'); END;
CREATE TRIGGER report_files_kept BEFORE DELETE ON report_files
BEGIN SELECT RAISE(ABORT, 'report files are kept'); END;
