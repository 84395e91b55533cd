-- Screening findings (初筛结果): one row per (rule, subject, institution),
-- kept through its life cycle open → resolved, or dismissed by a supervisor.
-- institution_id is 0, not NULL, when a finding names no institution, so
-- that the unique key holds (NULLs are distinct in a UNIQUE constraint).
-- The key leads with the subject so that it also finds a subject's
-- findings when the subject is re-screened.
CREATE TABLE findings (
	id INTEGER PRIMARY KEY,
	rule TEXT NOT NULL,
	severity TEXT NOT NULL,
	-- severity_rank orders violation (1), warning (2), notice (3): lists
	-- sort by it from an index instead of a CASE over every row.
	severity_rank INTEGER NOT NULL,
	subject_type TEXT NOT NULL,
	subject_key TEXT NOT NULL,
	subject_id INTEGER NOT NULL,
	institution_id INTEGER NOT NULL DEFAULT 0,
	institution_code TEXT NOT NULL DEFAULT '',
	message TEXT NOT NULL,
	evidence TEXT NOT NULL DEFAULT '{}',
	due_on DATE NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('open', 'resolved', 'dismissed')),
	first_seen DATE NOT NULL,
	last_seen DATE NOT NULL,
	resolved_at TIMESTAMP,
	facts_hash TEXT NOT NULL,
	dismissed_by TEXT NOT NULL DEFAULT '',
	dismiss_reason TEXT NOT NULL DEFAULT '',
	dismissed_at TIMESTAMP,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	UNIQUE (subject_type, subject_id, institution_id, rule)
);
CREATE INDEX findings_list ON findings (status, severity_rank, due_on, id);
CREATE INDEX findings_institution ON findings (institution_id, status, severity_rank, due_on, id);
CREATE INDEX findings_rule ON findings (rule, status);

-- One row per full screening run (the daily run, radsup screen -save).
CREATE TABLE screening_runs (
	id INTEGER PRIMARY KEY,
	started_at TIMESTAMP NOT NULL,
	finished_at TIMESTAMP,
	as_of DATE NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('full', 'incremental')),
	subjects INTEGER NOT NULL DEFAULT 0,
	opened INTEGER NOT NULL DEFAULT 0,
	resolved INTEGER NOT NULL DEFAULT 0,
	still_open INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX screening_runs_as_of ON screening_runs (kind, as_of);
