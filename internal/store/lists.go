package store

import (
	"slices"
	"strings"

	"radsup/internal/domain"
	"radsup/internal/screening"
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

// The institution list's computed columns, as SQL over an institutions row:
// shown for a page (InstitutionFigures), and sorted and filtered on.
const (
	licenceUntilSQL = "(SELECT MAX(l.valid_until) FROM licences l WHERE l.institution_id = institutions.id AND NOT l.retired)"
	devicesSQL      = "(SELECT COUNT(*) FROM equipment q WHERE q.institution_id = institutions.id AND NOT q.retired AND q.status <> 'scrapped')"
	workersSQL      = "(SELECT COUNT(DISTINCT e.person_id) FROM employments e WHERE e.institution_id = institutions.id" +
		" AND NOT e.retired AND e.ended_on IS NULL)"
	openFindingsFrom = "FROM findings f WHERE f.institution_id = institutions.id AND f.status = 'open'"
)

// openFindingsWhere is openFindingsFrom for a reader who may not see health
// findings: without the health rules, whose IDs (catalogue constants, not
// input) are written into the SQL so that it can be a sort term.
var openFindingsWhere = func() map[bool]string {
	var quoted []string
	for _, id := range screening.HealthRules() {
		if strings.ContainsAny(id, `'\`) {
			panic("store: rule ID " + id + " needs quoting")
		}
		quoted = append(quoted, "'"+id+"'")
	}
	return map[bool]string{
		false: openFindingsFrom,
		true:  openFindingsFrom + " AND f.rule NOT IN (" + strings.Join(quoted, ", ") + ")",
	}
}()

func openFindingsSQL(noHealth bool) string {
	return "(SELECT COUNT(*) " + openFindingsWhere[noHealth] + ")"
}

// hasOpenFindings filters on whether an institution has open findings ("1")
// or none ("0"); anything else matches nothing.
func hasOpenFindings(noHealth bool) func(dialect, string) (string, []any) {
	return func(_ dialect, v string) (string, []any) {
		cond := "EXISTS (SELECT 1 " + openFindingsWhere[noHealth] + ")"
		switch v {
		case "1":
			return cond, nil
		case "0":
			return "NOT " + cond, nil
		}
		return "1 = 0", nil
	}
}

// noLicence filters the institutions without a licence (not retired) for "1".
func noLicence(_ dialect, v string) (string, []any) {
	if v != "1" {
		return "1 = 0", nil
	}
	return licenceUntilSQL + " IS NULL", nil
}

// InstitutionFigures returns the computed columns of the institution list
// for the institutions with the given ids, in one query; noHealth leaves
// out the health findings.
func (tx *Tx) InstitutionFigures(ids []int64, noHealth bool) (map[int64]domain.InstitutionFigures, error) {
	out := map[int64]domain.InstitutionFigures{}
	for chunk := range slices.Chunk(uniqueIDs(ids), maxParams) {
		c, args := sel{ids: chunk}.on("id")
		rows, err := tx.query("SELECT id, "+licenceUntilSQL+", "+devicesSQL+", "+workersSQL+", "+openFindingsSQL(noHealth)+
			" FROM institutions WHERE "+c, args...)
		if err != nil {
			return nil, mapError("institution figures", err)
		}
		for rows.Next() {
			var id int64
			var f domain.InstitutionFigures
			if err := rows.Scan(&id, (*dateCol)(&f.LicenceUntil), &f.Devices, &f.Workers, &f.OpenFindings); err != nil {
				rows.Close()
				return nil, mapError("institution figures", err)
			}
			out[id] = f
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, mapError("institution figures", err)
		}
	}
	return out, nil
}
