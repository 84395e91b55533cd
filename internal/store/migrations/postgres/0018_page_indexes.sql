-- Indexes that answer each list's filters in the list's order, and its
-- count from the index alone (spec: docs/benchmarks.md, "Pages under load").
-- Partial (WHERE NOT retired) as the lists are: smaller, and a count of the
-- live rows reads the index only.
-- The equipment list: its order, and its type filter in that order.
CREATE INDEX equipment_list ON equipment (institution_id, type, id) WHERE NOT retired;
CREATE INDEX equipment_type_list ON equipment (type, institution_id, id) WHERE NOT retired;
-- It serves what equipment_type (type) served, and the planner preferred the older.
DROP INDEX equipment_type;
-- The institution list: its name order, and its kind and status filters.
CREATE INDEX institutions_list ON institutions (name_key, id) WHERE NOT retired;
CREATE INDEX institutions_kind_list ON institutions (kind, status, name_key, id) WHERE NOT retired;
-- The people list: its name order; the occupation filter's probe per person
-- and its count from the category's employments.
CREATE INDEX people_list ON people (name_key, id) WHERE NOT retired;
CREATE INDEX employments_live_person ON employments (person_id, occupation) WHERE NOT retired;
CREATE INDEX employments_live_occupation ON employments (occupation, person_id) WHERE NOT retired;
-- The findings list's counts by rule and by severity, read from the index.
CREATE INDEX findings_counts ON findings (status, severity_rank, rule, severity);
