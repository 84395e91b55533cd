-- The institution that filed a training or an exam (NULL: the office), so
-- that one employer cannot change what another filed. A record filed before
-- counts as its person's employer's when the person has had only one.
ALTER TABLE trainings ADD COLUMN filed_by BIGINT REFERENCES institutions (id);
ALTER TABLE exams ADD COLUMN filed_by BIGINT REFERENCES institutions (id);
UPDATE trainings SET filed_by = (SELECT MIN(e.institution_id) FROM employments e WHERE e.person_id = trainings.person_id)
	WHERE (SELECT COUNT(DISTINCT e.institution_id) FROM employments e WHERE e.person_id = trainings.person_id) = 1;
UPDATE exams SET filed_by = (SELECT MIN(e.institution_id) FROM employments e WHERE e.person_id = exams.person_id)
	WHERE (SELECT COUNT(DISTINCT e.institution_id) FROM employments e WHERE e.person_id = exams.person_id) = 1;
