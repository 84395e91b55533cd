-- Enforcement, cases and penalties (spec/enforcement.md §5): a case (案件)
-- moves through the legal procedure one state at a time; each step is kept
-- with who took it and when. Once decided its content never changes.
CREATE TABLE cases (
	id INTEGER PRIMARY KEY,
	institution_id INTEGER NOT NULL REFERENCES institutions (id),
	source TEXT NOT NULL,
	inspection_id INTEGER REFERENCES inspections (id),
	finding_ids TEXT NOT NULL DEFAULT '',
	cause TEXT NOT NULL,
	facts TEXT NOT NULL,
	articles TEXT NOT NULL,
	handler1 TEXT NOT NULL,
	handler2 TEXT NOT NULL,
	state TEXT NOT NULL,
	opened_on DATE NOT NULL,
	investigation TEXT NOT NULL DEFAULT '',
	notified_on DATE,
	hearing INTEGER NOT NULL DEFAULT 0,
	reviewer TEXT NOT NULL DEFAULT '',
	review_note TEXT NOT NULL DEFAULT '',
	penalties TEXT NOT NULL DEFAULT '[]',
	summary TEXT NOT NULL DEFAULT '',
	decision_no TEXT NOT NULL DEFAULT '',
	decided_on DATE,
	served_on DATE,
	execution TEXT NOT NULL DEFAULT '',
	executed_on DATE,
	closed_on DATE,
	report1_on DATE,
	report2_on DATE,
	created_by TEXT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL
);
CREATE INDEX cases_institution ON cases (institution_id, id);
CREATE INDEX cases_state ON cases (state, id);

-- Every step of a case: from which state to which, by whom, when.
CREATE TABLE case_steps (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases (id),
	from_state TEXT NOT NULL,
	to_state TEXT NOT NULL,
	on_date DATE NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	made_by TEXT NOT NULL,
	made_at TIMESTAMP NOT NULL
);
CREATE INDEX case_steps_case ON case_steps (case_id, id);

-- A decided case's content is locked: only the later steps and the report
-- dates change.
CREATE TRIGGER cases_locked BEFORE UPDATE ON cases
WHEN OLD.decided_on IS NOT NULL AND (NEW.cause IS NOT OLD.cause OR NEW.facts IS NOT OLD.facts
	OR NEW.articles IS NOT OLD.articles OR NEW.penalties IS NOT OLD.penalties OR NEW.summary IS NOT OLD.summary
	OR NEW.decision_no IS NOT OLD.decision_no OR NEW.decided_on IS NOT OLD.decided_on OR NEW.reviewer IS NOT OLD.reviewer
	OR NEW.institution_id IS NOT OLD.institution_id)
BEGIN SELECT RAISE(ABORT, 'a decided case is locked'); END;
