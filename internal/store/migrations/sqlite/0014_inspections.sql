-- Enforcement, part 2 (spec/enforcement.md §3): inspections, their
-- checklist items, amendments after signing, and evidence files.

-- An inspection of one institution by two inspectors: of a drawn plan
-- unit (plan_id, plan_ord) or ad hoc (plan_id NULL) with a type.
CREATE TABLE inspections (
	id INTEGER PRIMARY KEY,
	plan_id INTEGER REFERENCES plans (id),
	plan_ord INTEGER NOT NULL DEFAULT 0,
	type TEXT NOT NULL,
	institution_id INTEGER NOT NULL REFERENCES institutions (id),
	inspector1 TEXT NOT NULL,
	inspector2 TEXT NOT NULL,
	inspected_on DATE NOT NULL,
	place TEXT NOT NULL DEFAULT '',
	outcome TEXT NOT NULL DEFAULT '',
	signed1_at TIMESTAMP,
	signed2_at TIMESTAMP,
	locked_at TIMESTAMP,
	created_by TEXT NOT NULL DEFAULT '',
	version INTEGER NOT NULL DEFAULT 1,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	UNIQUE (plan_id, plan_ord)
);
CREATE INDEX inspections_institution ON inspections (institution_id, id);
CREATE INDEX inspections_inspector1 ON inspections (inspector1, id);
CREATE INDEX inspections_inspector2 ON inspections (inspector2, id);

-- One row per checklist item of an inspection.
CREATE TABLE inspection_items (
	inspection_id INTEGER NOT NULL REFERENCES inspections (id),
	code TEXT NOT NULL,
	result TEXT NOT NULL DEFAULT 'unchecked',
	note TEXT NOT NULL DEFAULT '',
	version INTEGER NOT NULL DEFAULT 1,
	updated_by TEXT NOT NULL DEFAULT '',
	updated_at TIMESTAMP NOT NULL,
	PRIMARY KEY (inspection_id, code)
);

-- Corrections of a signed inspection; the signed items stay as they were.
CREATE TABLE inspection_amendments (
	id INTEGER PRIMARY KEY,
	inspection_id INTEGER NOT NULL REFERENCES inspections (id),
	code TEXT NOT NULL,
	result TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	reason TEXT NOT NULL,
	made_by TEXT NOT NULL,
	made_at TIMESTAMP NOT NULL
);
CREATE INDEX inspection_amendments_inspection ON inspection_amendments (inspection_id, id);

-- Photos and PDFs per item, with their SHA-256.
CREATE TABLE inspection_evidence (
	id INTEGER PRIMARY KEY,
	inspection_id INTEGER NOT NULL REFERENCES inspections (id),
	code TEXT NOT NULL,
	name TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size INTEGER NOT NULL,
	sha256 TEXT NOT NULL,
	data BLOB NOT NULL,
	uploaded_by TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL
);
CREATE INDEX inspection_evidence_inspection ON inspection_evidence (inspection_id, code, id);

-- A locked (signed) inspection's items never change.
CREATE TRIGGER inspection_items_locked BEFORE UPDATE ON inspection_items
WHEN (SELECT locked_at FROM inspections WHERE id = OLD.inspection_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a signed inspection is locked'); END;
