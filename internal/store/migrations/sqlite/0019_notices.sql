-- Notices (通知) to institutions: the daily digest of what falls due and
-- what is wrong, and the office's manual notices; their deliveries by
-- e-mail and SMS, and where each institution wants them.

-- A notice to one institution. A digest is made once per institution and
-- day (the unique index), so a restarted server never makes it again.
CREATE TABLE notices (
	id INTEGER PRIMARY KEY,
	institution_id INTEGER NOT NULL REFERENCES institutions (id),
	kind TEXT NOT NULL,
	day DATE NOT NULL,
	subject TEXT NOT NULL,
	body TEXT NOT NULL,
	created_by TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	read_at TIMESTAMP,
	read_by TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX notices_digest ON notices (institution_id, day) WHERE kind = 'digest';
CREATE INDEX notices_institution ON notices (institution_id, id);

-- One delivery of a notice by one channel: queued, then sent or failed
-- (with the reason) after at most a bounded number of attempts. Unique per
-- notice and channel: with the digest's index, per institution, day and
-- channel.
CREATE TABLE notice_deliveries (
	id INTEGER PRIMARY KEY,
	notice_id INTEGER NOT NULL REFERENCES notices (id),
	institution_id INTEGER NOT NULL REFERENCES institutions (id),
	day DATE NOT NULL,
	channel TEXT NOT NULL,
	address TEXT NOT NULL,
	state TEXT NOT NULL DEFAULT 'queued',
	attempts INTEGER NOT NULL DEFAULT 0,
	reason TEXT NOT NULL DEFAULT '',
	sent_at TIMESTAMP,
	updated_at TIMESTAMP NOT NULL,
	UNIQUE (notice_id, channel)
);
CREATE INDEX notice_deliveries_state ON notice_deliveries (state, id);

-- Where an institution wants its notices: an e-mail address and a mobile
-- number for SMS; either may be empty.
CREATE TABLE notice_contacts (
	institution_id INTEGER PRIMARY KEY REFERENCES institutions (id),
	email TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	updated_by TEXT NOT NULL DEFAULT '',
	updated_at TIMESTAMP NOT NULL
);
