-- 0006 (keep in step with ../postgres/0006_token_lifetime_calendar_version.sql).
-- API tokens expire and can be revoked. Times are RFC 3339 text in UTC like every other time
-- column, compared in Rust, never as text. A token issued before this migration expires 90 days
-- after the upgrade (not after its creation, which would lock out every older deployment at once).
ALTER TABLE staff_tokens ADD COLUMN expires_at TEXT;
ALTER TABLE staff_tokens ADD COLUMN revoked_at TEXT;
UPDATE staff_tokens SET expires_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+90 days');
-- The version of the imported holiday calendar: every import bumps it in the import's
-- transaction, and every process compares it with the version of the calendar it holds before
-- it computes a deadline (so `gongkai calendar import` reaches a running server).
CREATE TABLE calendar_version (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO calendar_version (id, version) VALUES (1, 0);
