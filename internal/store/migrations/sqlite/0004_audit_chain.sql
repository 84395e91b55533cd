-- The audit trail becomes a hash chain (see internal/store/audit.go): each
-- event records the acting role, the hash of the event before it and its
-- own hash; audit_head holds the last event's id and hash. Events written
-- before this migration are chained when the store is next opened.
ALTER TABLE audit_events ADD COLUMN role TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_events ADD COLUMN hash TEXT NOT NULL DEFAULT '';
CREATE INDEX audit_at ON audit_events (at);
CREATE INDEX audit_user ON audit_events (username, at);

CREATE TABLE audit_head (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	last_id BIGINT NOT NULL,
	hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_id, hash) VALUES (1, 0, '');
