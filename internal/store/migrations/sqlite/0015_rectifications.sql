-- Enforcement, part 3 (spec/enforcement.md §4, §6): numbered enforcement
-- documents, and rectifications (责令改正) with their items and evidence.

-- The last number issued per document type and year: incremented inside
-- the issuing transaction, so numbers run from 1 without gaps or reuse.
CREATE TABLE doc_counters (
	type TEXT NOT NULL,
	year INTEGER NOT NULL,
	last INTEGER NOT NULL,
	PRIMARY KEY (type, year)
);

-- The register of issued documents (文书登记): one row per number.
CREATE TABLE documents (
	id INTEGER PRIMARY KEY,
	type TEXT NOT NULL,
	year INTEGER NOT NULL,
	seq INTEGER NOT NULL,
	number TEXT NOT NULL UNIQUE,
	subject_kind TEXT NOT NULL,
	subject_id INTEGER NOT NULL,
	issued_at TIMESTAMP NOT NULL,
	issued_by TEXT NOT NULL,
	UNIQUE (type, year, seq)
);
CREATE INDEX documents_subject ON documents (subject_kind, subject_id, type);

-- A rectification: an order to correct with a deadline, from an
-- inspection (inspection_id) and/or open findings. state is issued,
-- responded or closed; overdue is derived from the deadline.
CREATE TABLE rectifications (
	id INTEGER PRIMARY KEY,
	institution_id INTEGER NOT NULL REFERENCES institutions (id),
	inspection_id INTEGER REFERENCES inspections (id),
	state TEXT NOT NULL CHECK (state IN ('issued', 'responded', 'closed')),
	issued_on DATE NOT NULL,
	deadline DATE NOT NULL,
	opinion TEXT NOT NULL DEFAULT '',
	basis TEXT NOT NULL DEFAULT '',
	response TEXT NOT NULL DEFAULT '',
	responded_by TEXT NOT NULL DEFAULT '',
	responded_at TIMESTAMP,
	close_note TEXT NOT NULL DEFAULT '',
	closed_by TEXT NOT NULL DEFAULT '',
	closed_at TIMESTAMP,
	created_by TEXT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL
);
CREATE INDEX rectifications_institution ON rectifications (institution_id, id);
CREATE INDEX rectifications_state ON rectifications (state, deadline, id);
CREATE INDEX rectifications_inspection ON rectifications (inspection_id);

-- What a rectification orders corrected: a finding (its rule decides when
-- it is resolved) or a checklist item with no rule behind it.
CREATE TABLE rectification_items (
	rectification_id INTEGER NOT NULL REFERENCES rectifications (id),
	ord INTEGER NOT NULL,
	code TEXT NOT NULL DEFAULT '',
	finding_id INTEGER REFERENCES findings (id),
	text TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (rectification_id, ord)
);
CREATE INDEX rectification_items_finding ON rectification_items (finding_id);

-- The institution's evidence files and the supervisor's, with their SHA-256.
CREATE TABLE rectification_evidence (
	id INTEGER PRIMARY KEY,
	rectification_id INTEGER NOT NULL REFERENCES rectifications (id),
	name TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size INTEGER NOT NULL,
	sha256 TEXT NOT NULL,
	data BLOB NOT NULL,
	uploaded_by TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL
);
CREATE INDEX rectification_evidence_rectification ON rectification_evidence (rectification_id, id);
