package store

import (
	"slices"
	"testing"
	"time"
)

func TestWrittenTable(t *testing.T) {
	cases := map[string]string{
		"SELECT id FROM people":                                   "",
		"WITH a AS (SELECT 1) SELECT * FROM a":                    "",
		"INSERT INTO people (id, name) VALUES (?, ?)":             "people",
		"INSERT INTO people(id) VALUES (?) RETURNING id":          "people",
		"INSERT OR IGNORE INTO findings (a) VALUES (?)":           "findings",
		"  update equipment SET status = ? WHERE id = ?":          "equipment",
		"UPDATE OR IGNORE licences SET x = 1":                     "licences",
		"DELETE FROM employments WHERE id = ?":                    "employments",
		`INSERT INTO "users" (name) VALUES (?)`:                   "users",
		"WITH x AS (SELECT 1) INSERT INTO people SELECT * FROM x": anyTable,
		"CREATE TEMP TABLE t (x INTEGER)":                         anyTable,
		"SELECT pg_advisory_xact_lock(?)":                         "",
	}
	for q, want := range cases {
		if got := writtenTable(q); got != want {
			t.Errorf("writtenTable(%q) = %q, want %q", q, got, want)
		}
	}
	q := "SELECT COUNT(*) FROM (SELECT 1 FROM people p JOIN employments e ON e.person_id = p.id WHERE p.id IN (SELECT id FROM Institutions) LIMIT 10001) n"
	if got := readTables(q); !slices.Equal(got, []string{"people", "employments", "institutions"}) {
		t.Errorf("readTables = %q", got)
	}
}

// TestCountTTL: a kept total goes once countTTL old, written or not (a
// write by another process is not seen), and when any table is written
// by an unknown statement.
func TestCountTTL(t *testing.T) {
	var c countCache
	t0 := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	q := "SELECT COUNT(*) FROM (SELECT 1 FROM people LIMIT 10001) n"
	c.put(q, q, 7, c.now(), t0)
	if n, ok := c.get(q, t0.Add(countTTL-time.Millisecond)); !ok || n != 7 {
		t.Fatalf("just before the TTL: %d, %v", n, ok)
	}
	if _, ok := c.get(q, t0.Add(countTTL)); ok {
		t.Fatal("kept at the TTL")
	}
	c.put(q, q, 7, c.now(), t0)
	c.committed(map[string]bool{"equipment": true})
	if _, ok := c.get(q, t0); !ok {
		t.Fatal("dropped after another table's write")
	}
	c.committed(map[string]bool{anyTable: true})
	if _, ok := c.get(q, t0); ok {
		t.Fatal("kept after an unknown write")
	}
	// A total counted in a transaction begun before a write committed is
	// not kept over the newer one, nor served after it.
	before := c.now()
	c.committed(map[string]bool{"people": true})
	c.put(q, q, 8, c.now(), t0)
	c.put(q, q, 7, before, t0)
	if n, ok := c.get(q, t0); !ok || n != 8 {
		t.Fatalf("after an older count: %d, %v, want 8", n, ok)
	}
}
