-- Enforcement, part 1 (spec/enforcement.md §1–2): inspectors, plans and
-- their frozen draws.

-- A supervisor account that may inspect: its 执法证号 and whether active.
CREATE TABLE inspectors (
	user_id INTEGER PRIMARY KEY REFERENCES users (id),
	cert_no TEXT NOT NULL DEFAULT '',
	active INTEGER NOT NULL DEFAULT 1,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL
);

-- The institutions an inspector must not inspect (回避).
CREATE TABLE recusals (
	user_id INTEGER NOT NULL REFERENCES inspectors (user_id),
	institution_id INTEGER NOT NULL REFERENCES institutions (id),
	reason TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	PRIMARY KEY (user_id, institution_id)
);

-- A plan (抽查计划) publishes SHA-256 of its seed; the seed, the pool
-- and the inspectors as they were at the draw are stored with the draw
-- (snapshot, JSON), from which anyone can recompute it.
CREATE TABLE plans (
	id INTEGER PRIMARY KEY,
	year INTEGER NOT NULL,
	name TEXT NOT NULL,
	type TEXT NOT NULL,
	street TEXT NOT NULL DEFAULT '',
	kind TEXT NOT NULL DEFAULT '',
	category TEXT NOT NULL DEFAULT '',
	draw_count INTEGER NOT NULL DEFAULT 0,
	draw_ratio REAL NOT NULL DEFAULT 0,
	weighted INTEGER NOT NULL DEFAULT 0,
	seed_sha256 TEXT NOT NULL,
	seed_source TEXT NOT NULL DEFAULT '',
	seed TEXT NOT NULL DEFAULT '',
	pool_size INTEGER NOT NULL DEFAULT 0,
	snapshot TEXT NOT NULL DEFAULT '',
	drawn_at TIMESTAMP,
	drawn_by TEXT NOT NULL DEFAULT '',
	created_by TEXT NOT NULL DEFAULT '',
	version INTEGER NOT NULL DEFAULT 1,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	UNIQUE (year, name)
);
CREATE INDEX plans_year ON plans (year, id);

-- The drawn units, in draw order. Frozen: never updated nor deleted.
CREATE TABLE plan_units (
	plan_id INTEGER NOT NULL REFERENCES plans (id),
	ord INTEGER NOT NULL,
	institution_id INTEGER NOT NULL REFERENCES institutions (id),
	credit_code TEXT NOT NULL,
	name TEXT NOT NULL,
	weight REAL NOT NULL,
	draw_key REAL NOT NULL,
	inspector1 TEXT NOT NULL DEFAULT '',
	inspector2 TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (plan_id, ord)
);
CREATE INDEX plan_units_institution ON plan_units (institution_id, plan_id);

CREATE TRIGGER plan_units_frozen_update BEFORE UPDATE ON plan_units
BEGIN SELECT RAISE(ABORT, 'a drawn plan is frozen'); END;
CREATE TRIGGER plan_units_frozen_delete BEFORE DELETE ON plan_units
BEGIN SELECT RAISE(ABORT, 'a drawn plan is frozen'); END;
-- Once the seed is stored, a plan's draw fields never change.
CREATE TRIGGER plans_frozen BEFORE UPDATE ON plans WHEN OLD.seed <> ''
BEGIN SELECT RAISE(ABORT, 'a drawn plan is frozen'); END;
CREATE TRIGGER plans_frozen_delete BEFORE DELETE ON plans WHEN OLD.seed <> ''
BEGIN SELECT RAISE(ABORT, 'a drawn plan is frozen'); END;
