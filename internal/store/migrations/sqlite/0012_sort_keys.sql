-- Lists sort names by pinyin: name_key is the primary weights of the Chinese
-- collation key of the name (hex), computed by the store on every write and,
-- for the rows written before it existed, once after the migrations
-- (store.fillNameKeys).
-- SQLite compares TEXT byte by byte (BINARY), as the key needs.
ALTER TABLE institutions ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
CREATE INDEX institutions_name_key ON institutions (name_key, id);
CREATE INDEX people_name_key ON people (name_key, id);
-- The institution list's licence column and its "expires by" filter read
-- the latest validity of each institution's licences.
CREATE INDEX licences_valid_until ON licences (institution_id, valid_until);
