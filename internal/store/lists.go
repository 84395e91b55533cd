package store

import (
	"slices"

	"radsup/internal/domain"
)

// Employers returns the names of the institutions where each of the people
// works now (an employment not retired and not ended), in pinyin order,
// by person id: for the people list's 机构 column, one query per page. An
// institution user sees only its own institution.
func (tx *Tx) Employers(sc domain.Scope, personIDs []int64) (map[int64][]string, error) {
	out := map[int64][]string{}
	for chunk := range slices.Chunk(uniqueIDs(personIDs), maxParams) {
		c, args := sel{ids: chunk}.on("e.person_id")
		q := `SELECT e.person_id, i.name FROM employments e JOIN institutions i ON i.id = e.institution_id
			WHERE ` + c + ` AND NOT e.retired AND e.ended_on IS NULL`
		if sc.InstitutionID != 0 {
			q, args = q+" AND e.institution_id = ?", append(args, sc.InstitutionID)
		}
		rows, err := tx.query(q+" GROUP BY e.person_id, i.id, i.name, i.name_key ORDER BY e.person_id, i.name_key, i.id", args...)
		if err != nil {
			return nil, mapError("employers", err)
		}
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return nil, mapError("employers", err)
			}
			out[id] = append(out[id], name)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, mapError("employers", err)
		}
	}
	return out, nil
}
