-- 0008: an agency's settings (issue 9): the facts its 公开指南 states (Art. 12) and the site's
-- footer, one row per key that is set. Keys and values are validated by the domain
-- (gongkai_domain::agency); a cleared key has no row.
CREATE TABLE agency_settings (
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (agency_id, key)
);
