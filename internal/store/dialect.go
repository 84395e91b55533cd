package store

import (
	"strconv"
	"strings"
)

// dialect holds what differs between SQLite and PostgreSQL in query text.
type dialect struct {
	name string
	// like is the case-insensitive LIKE operator.
	like string
	// dollar says placeholders are $1, $2 … instead of ?.
	dollar bool
}

var (
	sqlite   = dialect{name: "sqlite", like: "LIKE"}
	postgres = dialect{name: "postgres", like: "ILIKE", dollar: true}
)

// rebind rewrites ? placeholders to $n for PostgreSQL. Queries never hold a
// literal question mark.
func (d dialect) rebind(q string) string {
	if !d.dollar {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// likeArg escapes a user's search text for a LIKE pattern containing it.
func likeArg(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// prefix returns a condition matching rows whose col starts with v, in a form
// each engine answers from an index: a range in SQLite (whose LIKE ignores
// case and so cannot use a plain index), LIKE 'v%' in PostgreSQL (with a
// text_pattern_ops index, whatever the database collation).
func (d dialect) prefix(col, v string) (string, []any) {
	if d.dollar {
		r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
		return col + ` LIKE ? ESCAPE '\'`, []any{r.Replace(v) + "%"}
	}
	return "(" + col + " >= ? AND " + col + " < ?)", []any{v, v + "\U0010FFFF"}
}
