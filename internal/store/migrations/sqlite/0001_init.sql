-- Registry: institutions, licences, people and their records, equipment and tests.
CREATE TABLE institutions (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	credit_code TEXT NOT NULL UNIQUE,
	medical_licence_no TEXT NOT NULL DEFAULT '',
	kind TEXT NOT NULL,
	grade TEXT NOT NULL DEFAULT '',
	ownership TEXT NOT NULL DEFAULT '',
	beds INTEGER,
	division_code TEXT NOT NULL,
	street TEXT NOT NULL DEFAULT '',
	address TEXT NOT NULL,
	legal_rep TEXT NOT NULL DEFAULT '',
	radiation_officer TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	retired INTEGER NOT NULL DEFAULT 0,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL
);
CREATE INDEX institutions_kind ON institutions (kind);
CREATE INDEX institutions_street ON institutions (street);
CREATE INDEX institutions_name ON institutions (name);

CREATE TABLE licences (
	id INTEGER PRIMARY KEY,
	institution_id INTEGER NOT NULL REFERENCES institutions (id),
	licence_no TEXT NOT NULL,
	issuer TEXT NOT NULL,
	issued_on DATE NOT NULL,
	valid_until DATE NOT NULL,
	items TEXT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	retired INTEGER NOT NULL DEFAULT 0,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	UNIQUE (institution_id, licence_no)
);

CREATE TABLE people (
	id INTEGER PRIMARY KEY,
	id_number TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	gender TEXT NOT NULL DEFAULT '',
	birth_date DATE,
	version INTEGER NOT NULL DEFAULT 1,
	retired INTEGER NOT NULL DEFAULT 0,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL
);
CREATE INDEX people_name ON people (name);

CREATE TABLE employments (
	id INTEGER PRIMARY KEY,
	person_id INTEGER NOT NULL REFERENCES people (id),
	institution_id INTEGER NOT NULL REFERENCES institutions (id),
	occupation TEXT NOT NULL,
	job TEXT NOT NULL DEFAULT '',
	started_on DATE NOT NULL,
	ended_on DATE,
	permit_no TEXT NOT NULL DEFAULT '',
	permit_issued_on DATE,
	version INTEGER NOT NULL DEFAULT 1,
	retired INTEGER NOT NULL DEFAULT 0,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	UNIQUE (person_id, institution_id, started_on)
);
CREATE INDEX employments_institution ON employments (institution_id, person_id);

CREATE TABLE trainings (
	id INTEGER PRIMARY KEY,
	person_id INTEGER NOT NULL REFERENCES people (id),
	taken_on DATE NOT NULL,
	kind TEXT NOT NULL,
	days INTEGER,
	passed TEXT NOT NULL,
	certificate_no TEXT NOT NULL DEFAULT '',
	provider TEXT NOT NULL DEFAULT '',
	version INTEGER NOT NULL DEFAULT 1,
	retired INTEGER NOT NULL DEFAULT 0,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	UNIQUE (person_id, taken_on, kind)
);

CREATE TABLE exams (
	id INTEGER PRIMARY KEY,
	person_id INTEGER NOT NULL REFERENCES people (id),
	examined_on DATE NOT NULL,
	kind TEXT NOT NULL,
	conclusion TEXT NOT NULL,
	provider TEXT NOT NULL DEFAULT '',
	version INTEGER NOT NULL DEFAULT 1,
	retired INTEGER NOT NULL DEFAULT 0,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	UNIQUE (person_id, examined_on, kind)
);

CREATE TABLE doses (
	id INTEGER PRIMARY KEY,
	person_id INTEGER NOT NULL REFERENCES people (id),
	institution_id INTEGER NOT NULL REFERENCES institutions (id),
	period_start DATE NOT NULL,
	period_end DATE NOT NULL,
	hp10 INTEGER,
	hp007 INTEGER,
	hp3 INTEGER,
	below_mdl INTEGER NOT NULL DEFAULT 0,
	lost INTEGER NOT NULL DEFAULT 0,
	provider TEXT NOT NULL DEFAULT '',
	report_no TEXT NOT NULL DEFAULT '',
	version INTEGER NOT NULL DEFAULT 1,
	retired INTEGER NOT NULL DEFAULT 0,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	UNIQUE (person_id, institution_id, period_start)
);
CREATE INDEX doses_institution ON doses (institution_id);

CREATE TABLE equipment (
	id INTEGER PRIMARY KEY,
	institution_id INTEGER NOT NULL REFERENCES institutions (id),
	type TEXT NOT NULL,
	interventional INTEGER NOT NULL DEFAULT 0,
	name TEXT NOT NULL DEFAULT '',
	manufacturer TEXT NOT NULL DEFAULT '',
	model TEXT NOT NULL,
	serial_no TEXT NOT NULL,
	manufactured_on DATE,
	installed_on DATE,
	room TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	retired INTEGER NOT NULL DEFAULT 0,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	UNIQUE (institution_id, serial_no)
);
CREATE INDEX equipment_type ON equipment (type);

CREATE TABLE equipment_tests (
	id INTEGER PRIMARY KEY,
	equipment_id INTEGER NOT NULL REFERENCES equipment (id),
	kind TEXT NOT NULL,
	tested_on DATE NOT NULL,
	agency TEXT NOT NULL DEFAULT '',
	report_no TEXT NOT NULL DEFAULT '',
	result TEXT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	retired INTEGER NOT NULL DEFAULT 0,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	UNIQUE (equipment_id, kind, tested_on)
);

-- Accounts.
CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	username TEXT NOT NULL UNIQUE,
	display_name TEXT NOT NULL DEFAULT '',
	role TEXT NOT NULL,
	institution_id INTEGER REFERENCES institutions (id),
	password_hash TEXT NOT NULL,
	disabled INTEGER NOT NULL DEFAULT 0,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL
);

CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users (id),
	created_at TIMESTAMP NOT NULL,
	expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users (id),
	name TEXT NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	created_at TIMESTAMP NOT NULL,
	last_used_at TIMESTAMP,
	revoked_at TIMESTAMP
);

-- Audit trail: one row per change, written in the change's transaction.
CREATE TABLE audit_events (
	id INTEGER PRIMARY KEY,
	at TIMESTAMP NOT NULL,
	user_id INTEGER,
	username TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,
	entity TEXT NOT NULL DEFAULT '',
	entity_id INTEGER,
	before_json TEXT,
	after_json TEXT,
	request_id TEXT NOT NULL DEFAULT '',
	ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_entity ON audit_events (entity, entity_id);
