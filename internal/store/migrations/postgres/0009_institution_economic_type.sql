-- 经济类型 and 单位类别 of an institution, which the inspection record and
-- the case report card name. Existing institutions have neither yet.
ALTER TABLE institutions ADD COLUMN economic_type TEXT NOT NULL DEFAULT '';
ALTER TABLE institutions ADD COLUMN unit_category TEXT NOT NULL DEFAULT '';
