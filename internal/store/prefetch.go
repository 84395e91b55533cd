package store

import (
	"slices"
	"strings"
)

// An import looks up the parents and the stored dose periods of many rows
// in one query each, rather than one query per row: a round trip to
// PostgreSQL costs more than the lookup.

// PeopleByIDNumber returns the ids of the people (retired or not) with the
// given ID numbers, by ID number; a number without a person is missing.
func (b *Bulk) PeopleByIDNumber(idNumbers []string) (map[string]int64, error) {
	out := make(map[string]int64, len(idNumbers))
	for chunk := range slices.Chunk(idNumbers, maxParams) {
		args := make([]any, len(chunk))
		for i, n := range chunk {
			args[i] = n
		}
		rows, err := b.tx.query("SELECT id_number, id FROM people WHERE id_number IN ("+
			strings.TrimSuffix(strings.Repeat("?, ", len(chunk)), ", ")+")", args...)
		if err != nil {
			return nil, mapError("people by ID number", err)
		}
		for rows.Next() {
			var n string
			var id int64
			if err := rows.Scan(&n, &id); err != nil {
				rows.Close()
				return nil, mapError("people by ID number", err)
			}
			out[n] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, mapError("people by ID number", err)
		}
	}
	return out, nil
}

// DosePeriodsOf returns the periods of the stored dose records of the
// given people, retired or not, by person and institution. Like
// DosePeriods it does not see the queued inserts.
func (b *Bulk) DosePeriodsOf(personIDs []int64) (map[[2]int64][]DosePeriod, error) {
	out := map[[2]int64][]DosePeriod{}
	for chunk := range slices.Chunk(uniqueIDs(personIDs), maxParams) {
		c, args := sel{ids: chunk}.on("person_id")
		rows, err := b.tx.query("SELECT person_id, institution_id, id, period_start, period_end, retired FROM doses WHERE "+c, args...)
		if err != nil {
			return nil, mapError("dose periods", err)
		}
		for rows.Next() {
			var k [2]int64
			var p DosePeriod
			if err := rows.Scan(&k[0], &k[1], &p.ID, (*dateCol)(&p.Start), (*dateCol)(&p.End), &p.Retired); err != nil {
				rows.Close()
				return nil, mapError("dose periods", err)
			}
			out[k] = append(out[k], p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, mapError("dose periods", err)
		}
	}
	return out, nil
}
