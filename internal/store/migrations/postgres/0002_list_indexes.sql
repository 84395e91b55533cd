-- Indexes for the list filters of large registers (province scale).
CREATE INDEX employments_occupation ON employments (occupation, person_id);
-- Prefix searches (LIKE 'x%') use these whatever the database collation.
CREATE INDEX people_name_prefix ON people (name text_pattern_ops);
CREATE INDEX people_id_number_prefix ON people (id_number text_pattern_ops);
