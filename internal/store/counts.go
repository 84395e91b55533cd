package store

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// The totals of the lists ("共 N 条") cost a walk of up to Filter.Bound()
// rows each, on every page of a list. A total is kept from one request to
// the next while no table its statement reads has been written: the store
// sees every write transaction of its own process commit and notes the
// tables it wrote. Writes by another process (a second server on the same
// PostgreSQL database, an import on the command line) are not seen, so a
// total is also dropped once countTTL old.
const (
	countTTL     = 10 * time.Second
	countEntries = 2000 // kept at most; the cache starts over past it
)

type countCache struct {
	mu      sync.Mutex
	epoch   uint64            // write transactions committed
	written map[string]uint64 // table → epoch of its last committed write
	entries map[string]countEntry
}

type countEntry struct {
	v      any    // a total (int) or counts by group ([]groupCount)
	asOf   uint64 // the epoch before the counting transaction began
	at     time.Time
	tables []string
}

// Forget drops the kept list totals: for writes made beside the store's
// transactions (a test's bare SQL).
func (s *Store) Forget() { s.counts.committed(map[string]bool{anyTable: true}) }

// now is the epoch a transaction starting now sees.
func (c *countCache) now() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.epoch
}

// committed notes a write transaction's tables once it has committed.
func (c *countCache) committed(tables map[string]bool) {
	if len(tables) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.epoch++
	if c.written == nil {
		c.written = map[string]uint64{}
	}
	for t := range tables {
		c.written[t] = c.epoch
	}
}

// get returns the kept total of the counting statement key, if no table it
// reads was written since it was counted and it is younger than countTTL.
func (c *countCache) get(key string, now time.Time) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || now.Sub(e.at) >= countTTL || c.written[anyTable] > e.asOf {
		return nil, false
	}
	for _, t := range e.tables {
		if c.written[t] > e.asOf {
			return nil, false
		}
	}
	return e.v, true
}

// put keeps v, counted by statement q in a transaction begun at epoch asOf.
func (c *countCache) put(key, q string, v any, asOf uint64, now time.Time) {
	tables := readTables(q)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= countEntries {
		c.entries = map[string]countEntry{}
	}
	if old, ok := c.entries[key]; ok && old.asOf > asOf {
		return
	}
	c.entries[key] = countEntry{v: v, asOf: asOf, at: now, tables: tables}
}

// kept returns what statement q with args counts: kept from an earlier
// transaction if none of the tables it reads was written since, else
// counted now (and kept, in a read-only transaction: a read-write one may
// count its own uncommitted rows, and neither reads nor keeps).
func kept[V any](tx *Tx, q string, args []any, count func() (V, error)) (V, error) {
	if tx.wrote != nil {
		return count()
	}
	key := countKey(q, args)
	if v, ok := tx.counts.get(key, time.Now()); ok {
		return v.(V), nil
	}
	v, err := count()
	if err == nil {
		tx.counts.put(key, q, v, tx.epoch, time.Now())
	}
	return v, err
}

// groupCount is one group of a GROUP BY count.
type groupCount struct {
	key string
	n   int
}

// countKey is the cache key of a statement with its arguments.
func countKey(q string, args []any) string {
	var b strings.Builder
	b.WriteString(q)
	for _, a := range args {
		fmt.Fprintf(&b, "\x00%T:%v", a, a)
	}
	return b.String()
}

// anyTable stands for every table: a write whose table is not known.
const anyTable = "*"

var fromRE = regexp.MustCompile(`(?i)\b(?:FROM|JOIN)\s+([a-z_][a-z0-9_]*)`)

// readTables names the tables a SELECT reads.
func readTables(q string) []string {
	var out []string
	for _, m := range fromRE.FindAllStringSubmatch(q, -1) {
		if t := strings.ToLower(m[1]); !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// writtenTable returns the table statement q writes: "" if it only reads,
// anyTable when it cannot tell.
func writtenTable(q string) string {
	f := strings.Fields(strings.ToUpper(q))
	if len(f) == 0 || f[0] == "SELECT" {
		return ""
	}
	if f[0] == "WITH" {
		for _, w := range f {
			if w == "INSERT" || w == "UPDATE" || w == "DELETE" {
				return anyTable
			}
		}
		return ""
	}
	name := func(i int) string {
		if i >= len(f) {
			return anyTable
		}
		t := strings.ToLower(strings.Trim(strings.SplitN(f[i], "(", 2)[0], `;"`))
		if t == "" {
			return anyTable
		}
		return t
	}
	switch f[0] {
	case "INSERT", "REPLACE":
		for i, w := range f {
			if w == "INTO" {
				return name(i + 1)
			}
		}
	case "UPDATE":
		if len(f) > 2 && f[1] == "OR" { // UPDATE OR IGNORE t
			return name(3)
		}
		return name(1)
	case "DELETE":
		if len(f) > 1 && f[1] == "FROM" {
			return name(2)
		}
	}
	return anyTable
}
