-- 0007: no non-canonical date is ever stored (issue 8, item 6).
-- Nothing to do on PostgreSQL: DATE is a real type, compared as a date, and only valid dates are
-- stored. SQLite keeps DATE as text; its 0007 adds triggers that refuse any value date() does
-- not give back unchanged. The domain refuses dates after today or before 2008 on both.
SELECT 1;
