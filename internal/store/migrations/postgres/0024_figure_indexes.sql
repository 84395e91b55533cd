-- Fewer pages read per page served: every committed write makes the
-- readers read their pages afresh (docs/benchmarks.md, "Pages under load,
-- with writes"). SQLite takes a partial index as covering only when the
-- columns of its condition are in it too: without them a count of the live
-- rows read a table row per row counted (people, institutions) or per
-- device of the type filtered on.
--
-- The institution list's computed columns (licence, devices, workers: one
-- subquery each per institution shown), from indexes alone.
CREATE INDEX licences_live_until ON licences (institution_id, valid_until, retired) WHERE NOT retired;
CREATE INDEX equipment_live_status ON equipment (institution_id, status, retired) WHERE NOT retired;
CREATE INDEX employments_current ON employments (institution_id, person_id, retired, ended_on)
	WHERE NOT retired AND ended_on IS NULL;
-- The lists' indexes of migration 0018, covering their counts.
DROP INDEX equipment_list;
CREATE INDEX equipment_list ON equipment (institution_id, type, id, retired) WHERE NOT retired;
DROP INDEX equipment_type_list;
CREATE INDEX equipment_type_list ON equipment (type, institution_id, id, status, retired) WHERE NOT retired;
DROP INDEX institutions_list;
CREATE INDEX institutions_list ON institutions (name_key, id, retired) WHERE NOT retired;
DROP INDEX institutions_kind_list;
CREATE INDEX institutions_kind_list ON institutions (kind, status, name_key, id, retired) WHERE NOT retired;
DROP INDEX people_list;
CREATE INDEX people_list ON people (name_key, id, retired) WHERE NOT retired;
