-- 0007: no non-canonical date is ever stored (issue 8, item 6).
-- SQLite keeps DATE as text and compares it as text: '+99999-12-31' <= '2025-12-31' is true there.
-- The domain refuses any date after today or before 2008 (calendar::check_past); these triggers
-- are the database's own guard: a date column holds NULL or a canonical YYYY-MM-DD day, i.e. a
-- value that date() gives back unchanged.

CREATE TRIGGER requests_received_on_canonical_insert BEFORE INSERT ON requests
WHEN date(NEW.received_on) IS NOT NEW.received_on
BEGIN SELECT RAISE(ABORT, 'requests.received_on: not a canonical YYYY-MM-DD date'); END;

CREATE TRIGGER requests_received_on_canonical_update BEFORE UPDATE OF received_on ON requests
WHEN date(NEW.received_on) IS NOT NEW.received_on
BEGIN SELECT RAISE(ABORT, 'requests.received_on: not a canonical YYYY-MM-DD date'); END;

CREATE TRIGGER requests_due_on_canonical_insert BEFORE INSERT ON requests
WHEN date(NEW.due_on) IS NOT NEW.due_on
BEGIN SELECT RAISE(ABORT, 'requests.due_on: not a canonical YYYY-MM-DD date'); END;

CREATE TRIGGER requests_due_on_canonical_update BEFORE UPDATE OF due_on ON requests
WHEN date(NEW.due_on) IS NOT NEW.due_on
BEGIN SELECT RAISE(ABORT, 'requests.due_on: not a canonical YYYY-MM-DD date'); END;

CREATE TRIGGER requests_concluded_on_canonical_insert BEFORE INSERT ON requests
WHEN date(NEW.concluded_on) IS NOT NEW.concluded_on
BEGIN SELECT RAISE(ABORT, 'requests.concluded_on: not a canonical YYYY-MM-DD date'); END;

CREATE TRIGGER requests_concluded_on_canonical_update BEFORE UPDATE OF concluded_on ON requests
WHEN date(NEW.concluded_on) IS NOT NEW.concluded_on
BEGIN SELECT RAISE(ABORT, 'requests.concluded_on: not a canonical YYYY-MM-DD date'); END;

CREATE TRIGGER request_events_on_date_canonical_insert BEFORE INSERT ON request_events
WHEN date(NEW.on_date) IS NOT NEW.on_date
BEGIN SELECT RAISE(ABORT, 'request_events.on_date: not a canonical YYYY-MM-DD date'); END;

CREATE TRIGGER request_events_on_date_canonical_update BEFORE UPDATE OF on_date ON request_events
WHEN date(NEW.on_date) IS NOT NEW.on_date
BEGIN SELECT RAISE(ABORT, 'request_events.on_date: not a canonical YYYY-MM-DD date'); END;

CREATE TRIGGER publications_issued_on_canonical_insert BEFORE INSERT ON publications
WHEN date(NEW.issued_on) IS NOT NEW.issued_on
BEGIN SELECT RAISE(ABORT, 'publications.issued_on: not a canonical YYYY-MM-DD date'); END;

CREATE TRIGGER publications_issued_on_canonical_update BEFORE UPDATE OF issued_on ON publications
WHEN date(NEW.issued_on) IS NOT NEW.issued_on
BEGIN SELECT RAISE(ABORT, 'publications.issued_on: not a canonical YYYY-MM-DD date'); END;

CREATE TRIGGER publications_published_on_canonical_insert BEFORE INSERT ON publications
WHEN date(NEW.published_on) IS NOT NEW.published_on
BEGIN SELECT RAISE(ABORT, 'publications.published_on: not a canonical YYYY-MM-DD date'); END;

CREATE TRIGGER publications_published_on_canonical_update BEFORE UPDATE OF published_on ON publications
WHEN date(NEW.published_on) IS NOT NEW.published_on
BEGIN SELECT RAISE(ABORT, 'publications.published_on: not a canonical YYYY-MM-DD date'); END;

CREATE TRIGGER publications_repealed_on_canonical_insert BEFORE INSERT ON publications
WHEN date(NEW.repealed_on) IS NOT NEW.repealed_on
BEGIN SELECT RAISE(ABORT, 'publications.repealed_on: not a canonical YYYY-MM-DD date'); END;

CREATE TRIGGER publications_repealed_on_canonical_update BEFORE UPDATE OF repealed_on ON publications
WHEN date(NEW.repealed_on) IS NOT NEW.repealed_on
BEGIN SELECT RAISE(ABORT, 'publications.repealed_on: not a canonical YYYY-MM-DD date'); END;

CREATE TRIGGER review_cases_filed_on_canonical_insert BEFORE INSERT ON review_cases
WHEN date(NEW.filed_on) IS NOT NEW.filed_on
BEGIN SELECT RAISE(ABORT, 'review_cases.filed_on: not a canonical YYYY-MM-DD date'); END;

CREATE TRIGGER review_cases_filed_on_canonical_update BEFORE UPDATE OF filed_on ON review_cases
WHEN date(NEW.filed_on) IS NOT NEW.filed_on
BEGIN SELECT RAISE(ABORT, 'review_cases.filed_on: not a canonical YYYY-MM-DD date'); END;

CREATE TRIGGER review_cases_decided_on_canonical_insert BEFORE INSERT ON review_cases
WHEN date(NEW.decided_on) IS NOT NEW.decided_on
BEGIN SELECT RAISE(ABORT, 'review_cases.decided_on: not a canonical YYYY-MM-DD date'); END;

CREATE TRIGGER review_cases_decided_on_canonical_update BEFORE UPDATE OF decided_on ON review_cases
WHEN date(NEW.decided_on) IS NOT NEW.decided_on
BEGIN SELECT RAISE(ABORT, 'review_cases.decided_on: not a canonical YYYY-MM-DD date'); END;
