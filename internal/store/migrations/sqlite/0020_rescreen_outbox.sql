-- The subjects an import changed, written in the import's transaction and
-- re-screened after it commits (each deleted in the transaction that
-- re-screens it). What a crash between the two leaves here is re-screened
-- when the server starts.
CREATE TABLE rescreen_outbox (
	subject_type TEXT NOT NULL,
	subject_id INTEGER NOT NULL,
	PRIMARY KEY (subject_type, subject_id)
);
