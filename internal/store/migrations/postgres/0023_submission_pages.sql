-- Submissions shown on record pages (待审核 badges): what approving one
-- does (action: save, retire, restore, hire), and the person or device
-- whose page shows it, so that a page finds its pending submissions in one
-- indexed query. Existing submissions get them from their record.
ALTER TABLE submissions ADD COLUMN action TEXT NOT NULL DEFAULT 'save';
ALTER TABLE submissions ADD COLUMN person_id BIGINT;
ALTER TABLE submissions ADD COLUMN equipment_id BIGINT;
UPDATE submissions SET person_id = CASE WHEN entity = 'person' THEN record_id
	ELSE NULLIF((data::jsonb ->> 'person_id')::bigint, 0) END
	WHERE entity IN ('person', 'employment', 'training', 'exam', 'dose');
UPDATE submissions SET equipment_id = CASE WHEN entity = 'equipment' THEN record_id
	ELSE NULLIF((data::jsonb ->> 'equipment_id')::bigint, 0) END
	WHERE entity IN ('equipment', 'test');
CREATE INDEX submissions_person ON submissions (person_id, state);
CREATE INDEX submissions_equipment ON submissions (equipment_id, state);
-- The feed of what institutions changed reads institution users' events
-- newest first, and leaves out the rows of an import (its summary event
-- stands for them).
CREATE INDEX audit_role ON audit_events (role, id);
CREATE INDEX audit_import_request ON audit_events (request_id) WHERE action = 'import';
