-- Serial numbers are stored upper case, as every path now compares them
-- (a device imported as "C05a-DR" was not found by its tests as "C05A-DR").
-- A number that would then equal another device's of the same institution
-- is left as it is, for a supervisor to resolve.
UPDATE equipment SET serial_no = UPPER(serial_no)
	WHERE serial_no <> UPPER(serial_no)
	AND NOT EXISTS (SELECT 1 FROM equipment other WHERE other.institution_id = equipment.institution_id
		AND other.id <> equipment.id AND UPPER(other.serial_no) = UPPER(equipment.serial_no));
