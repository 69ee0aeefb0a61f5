-- The PII key check (crates/store/src/keys.rs): the fingerprint of the key that seals personal
-- data — SHA-256 over a domain-separation string and the key, never the key itself. One row,
-- written on the first open and by `gongkai key rotate`.
CREATE TABLE key_check (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    fingerprint TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
