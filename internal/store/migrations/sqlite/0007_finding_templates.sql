-- A finding names the wording of its facts instead of holding a Chinese
-- sentence: template is the rule ID, or "ID/variant" for a rule with more
-- than one wording, and the pages, the API, the CLI and the exports render
-- the message from it, the evidence and the due date in the reader's
-- language. The stored message goes.
--
-- Rows written before keep their evidence (Chinese labels, lists as
-- sentences), which renders as before. Their facts hash was computed over
-- that evidence: it is marked "v1:" so that screening compares it with the
-- old formula, and a dismissal on unchanged facts stands.
ALTER TABLE findings ADD COLUMN template TEXT NOT NULL DEFAULT '';
UPDATE findings SET template = CASE
	WHEN rule = 'EQP-PROTECTION-OVERDUE' AND evidence LIKE '%"last_passed"%' THEN rule || '/stale'
	WHEN rule = 'EQP-PROTECTION-OVERDUE' THEN rule || '/none'
	ELSE rule
END;
UPDATE findings SET facts_hash = 'v1:' || facts_hash;
ALTER TABLE findings DROP COLUMN message;
