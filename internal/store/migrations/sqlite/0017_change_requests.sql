-- Who may change what (spec/licence.md): institutions' requests that the
-- office change what it issued, and files kept with records.

-- A change request names the record (record_id NULL: a new one), the
-- fields with their values when it was made and the values asked for
-- (changes, JSON), a reason; the office approves or rejects it.
CREATE TABLE change_requests (
	id INTEGER PRIMARY KEY,
	institution_id INTEGER NOT NULL REFERENCES institutions (id),
	entity TEXT NOT NULL,
	record_id INTEGER,
	changes TEXT NOT NULL,
	reason TEXT NOT NULL,
	status TEXT NOT NULL,
	decision TEXT NOT NULL DEFAULT '',
	requested_by TEXT NOT NULL,
	requested_at TIMESTAMP NOT NULL,
	decided_by TEXT NOT NULL DEFAULT '',
	decided_at TIMESTAMP
);
CREATE INDEX change_requests_status ON change_requests (status, requested_at);
CREATE INDEX change_requests_institution ON change_requests (institution_id, requested_at);

-- A decided request never changes.
CREATE TRIGGER change_requests_decided BEFORE UPDATE ON change_requests
WHEN OLD.status <> 'pending'
BEGIN SELECT RAISE(ABORT, 'a decided change request is final'); END;

-- Files kept with a record: PDF or images, in the database so that a
-- backup (VACUUM INTO, pg_dump) carries them with the records they belong to.
CREATE TABLE attachments (
	id INTEGER PRIMARY KEY,
	entity TEXT NOT NULL,
	record_id INTEGER NOT NULL,
	name TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size INTEGER NOT NULL,
	sha256 TEXT NOT NULL,
	data BLOB NOT NULL,
	uploaded_by TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL
);
CREATE INDEX attachments_record ON attachments (entity, record_id, id);

-- The office's acts on a licence (spec/licence.md): 发证 issue, 校验 check,
-- 变更 change, 注销 cancel, 暂停 suspend. Recorded, never overwritten.
CREATE TABLE licence_acts (
	id INTEGER PRIMARY KEY,
	licence_id INTEGER NOT NULL REFERENCES licences (id),
	kind TEXT NOT NULL,
	act_on DATE NOT NULL,
	result TEXT NOT NULL DEFAULT '',
	next_due DATE,
	until DATE,
	document_no TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	recorded_by TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL
);
CREATE INDEX licence_acts_licence ON licence_acts (licence_id, act_on, id);

-- Existing licences get their 发证 act: valid_until is the first 校验 due date.
INSERT INTO licence_acts (licence_id, kind, act_on, next_due, document_no, recorded_by, created_at)
SELECT id, 'issue', issued_on, valid_until, licence_no, 'migration', created_at FROM licences;
