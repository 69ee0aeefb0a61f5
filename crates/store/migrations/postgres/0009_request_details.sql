-- 0009: what a request asks for beyond its description (Art. 29(2): 文号, 索引号, title if known)
-- and the medium it asks for (Art. 29(3): 纸质 / 电子数据). Personal data added with them
-- (identity document type, legal representative, contact person) goes into pii_sealed.
ALTER TABLE requests ADD COLUMN document_number TEXT;
ALTER TABLE requests ADD COLUMN index_number TEXT;
ALTER TABLE requests ADD COLUMN document_title TEXT;
ALTER TABLE requests ADD COLUMN medium TEXT CHECK (medium IS NULL OR medium IN ('paper', 'electronic'));
