-- 0010 (keep in step with ../postgres/0010_accounts.sql).
-- Issue 10's roles: the tokens of before keep working under the new names (staff → office,
-- admin → sysadmin); a handler's token names its department, a supervisor's the agencies it
-- reads (comma-separated ids).
UPDATE staff_tokens SET role = 'office' WHERE role = 'staff';
UPDATE staff_tokens SET role = 'sysadmin' WHERE role = 'admin';
ALTER TABLE staff_tokens ADD COLUMN department_id BIGINT REFERENCES departments(id);
ALTER TABLE staff_tokens ADD COLUMN supervised TEXT NOT NULL DEFAULT '';
-- Staff accounts of the back office: the password only as an argon2id PHC string; the TOTP
-- secret (base32) once confirmed, the one being enrolled beside it; failures since the last
-- login and the lock they caused. Times are RFC 3339 text in UTC, compared in Rust.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    agency_id BIGINT REFERENCES agencies(id),
    department_id BIGINT REFERENCES departments(id),
    supervised TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    totp_secret TEXT,
    totp_pending TEXT,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until TEXT,
    disabled_at TEXT,
    created_at TEXT NOT NULL
);
-- Login sessions, shared by every server on the database: only the salted SHA-256 of the
-- session id is stored. stage 'enrol' is a session that may only enrol a second factor.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    stage TEXT NOT NULL CHECK (stage IN ('full', 'enrol')),
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    ended_at TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);
