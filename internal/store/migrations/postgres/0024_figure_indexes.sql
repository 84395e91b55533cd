-- The institution list's computed columns (licence, devices, workers: one
-- subquery each per institution shown) read from indexes alone, without a
-- table row per licence, device and employment: fewer pages read per page
-- served, and every committed write makes the readers read their pages
-- afresh (docs/benchmarks.md, "Pages under load, with writes"). The
-- columns of each partial index's condition are in it too, so that SQLite
-- takes it as covering.
CREATE INDEX licences_live_until ON licences (institution_id, valid_until, retired) WHERE NOT retired;
CREATE INDEX equipment_live_status ON equipment (institution_id, status, retired) WHERE NOT retired;
CREATE INDEX employments_current ON employments (institution_id, person_id, retired, ended_on)
	WHERE NOT retired AND ended_on IS NULL;
