-- Import jobs: an upload imported in the background. Its state lives here so
-- that every server on the database shows its progress and report, and a
-- server starting after a crash finds the jobs it left running. The files
-- stay on the disk of the server that runs the job, in a folder named by id.
CREATE TABLE import_jobs (
	id TEXT PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users (id),
	institution_id INTEGER,             -- the user's institution scope at the start; NULL for none
	files TEXT NOT NULL,                -- JSON array of the file names as uploaded
	kind TEXT NOT NULL DEFAULT '',      -- the kind named for CSV files
	dry_run INTEGER NOT NULL DEFAULT 0,
	state TEXT NOT NULL,                -- running, done, failed
	phase TEXT NOT NULL DEFAULT '',     -- check, write
	rows_done INTEGER NOT NULL DEFAULT 0,
	rows_total INTEGER NOT NULL DEFAULT 0, -- estimated from the files
	owner TEXT NOT NULL,                -- the server process running it
	beat INTEGER NOT NULL DEFAULT 0,    -- counts progress writes
	started_at TIMESTAMP NOT NULL,
	heartbeat_at TIMESTAMP NOT NULL,    -- the last progress write
	ended_at TIMESTAMP,
	failure TEXT NOT NULL DEFAULT '',   -- why it failed: a message key
	report TEXT                         -- the report as JSON, once done
);
CREATE INDEX import_jobs_user ON import_jobs (user_id, started_at);
CREATE INDEX import_jobs_state ON import_jobs (state, ended_at);
