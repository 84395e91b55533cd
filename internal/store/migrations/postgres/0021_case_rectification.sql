-- A case opened from a rectification left uncorrected past its deadline
-- (spec/enforcement.md §4, §5): the case names the rectification, and a
-- rectification leads to at most one case.
ALTER TABLE cases ADD COLUMN rectification_id BIGINT REFERENCES rectifications (id);
CREATE UNIQUE INDEX cases_rectification ON cases (rectification_id) WHERE rectification_id IS NOT NULL;
