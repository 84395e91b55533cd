-- Institution submissions under review (机构提交需审核): when the office
-- turns review on, an institution's new or changed register record waits
-- here (the proposed record as JSON, the version it was based on) until a
-- supervisor approves (applied through the registry) or rejects it.
CREATE TABLE submissions (
	id INTEGER PRIMARY KEY,
	institution_id INTEGER NOT NULL REFERENCES institutions (id),
	entity TEXT NOT NULL,
	record_id INTEGER,
	data TEXT NOT NULL,
	base_version INTEGER NOT NULL DEFAULT 0,
	state TEXT NOT NULL,
	submitted_by TEXT NOT NULL,
	submitted_at TIMESTAMP NOT NULL,
	decided_by TEXT NOT NULL DEFAULT '',
	decided_at TIMESTAMP,
	reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX submissions_state ON submissions (state, submitted_at);
CREATE INDEX submissions_institution ON submissions (institution_id, submitted_at);
CREATE INDEX submissions_record ON submissions (entity, record_id);
