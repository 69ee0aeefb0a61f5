-- 0012: the back office's inbox (收件箱). The applicant's name is searchable only by a blind
-- index: `applicant_name_index` is an HMAC-SHA256 (`n1:` hex) of the normalised full name
-- (`gongkai_domain::applicant::name_search_key`) under a key derived from the server's
-- 查询码 key, so an exact name is found without a scan and the column says nothing to a reader
-- of the database alone. Rows filed before this migration are indexed when the store opens
-- (the name is at hand in the row; SQL cannot compute the HMAC). The open requests of an
-- agency are listed most urgent first from `requests_inbox`, which holds only the open ones
-- (the list and the counts state the same condition, so both backends use it).
ALTER TABLE requests ADD COLUMN applicant_name_index TEXT;
CREATE INDEX requests_name_index ON requests (agency_id, applicant_name_index);
CREATE INDEX requests_inbox ON requests (agency_id, due_on)
    WHERE status NOT IN ('answered', 'withdrawn', 'abandoned');
CREATE INDEX requests_unindexed_names ON requests (id) WHERE applicant_name_index IS NULL;
