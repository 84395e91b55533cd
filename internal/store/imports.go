package store

// WorksAt reports whether the person with the ID number has an employment
// (not retired) at the institution: an institution user may file such a
// person's records without naming the employment in the same import.
func (tx *Tx) WorksAt(idNumber string, institutionID int64) (bool, error) {
	var n int
	err := tx.queryRow(`SELECT COUNT(*) FROM employments e JOIN people p ON p.id = e.person_id
		WHERE p.id_number = ? AND e.institution_id = ? AND NOT e.retired`, idNumber, institutionID).Scan(&n)
	if err != nil {
		return false, mapError("works at", err)
	}
	return n > 0, nil
}
