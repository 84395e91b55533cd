package store

import (
	"fmt"
	"strings"
	"time"

	"radsup/internal/domain"
)

// dateCol reads and writes a domain.Date: TEXT 'YYYY-MM-DD' in SQLite, DATE in
// PostgreSQL; NULL is the zero Date.
type dateCol domain.Date

func (d *dateCol) Scan(src any) error {
	var v domain.Date
	switch x := src.(type) {
	case nil:
	case time.Time:
		v = domain.DateOf(x)
	case string:
		var err error
		if len(x) > 10 {
			x = x[:10]
		}
		v, err = domain.ParseDate(x)
		if err != nil {
			return err
		}
	case []byte:
		return d.Scan(string(x))
	default:
		return fmt.Errorf("store: cannot scan %T into a date", src)
	}
	*d = dateCol(v)
	return nil
}

// dateArg is the value written for a date: NULL when empty.
func dateArg(d domain.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// doseCol reads a nullable integer of micro-sieverts.
type doseCol domain.Dose

func (d *doseCol) Scan(src any) error {
	switch x := src.(type) {
	case nil:
		*d = doseCol{}
	case int64:
		*d = doseCol{MicroSv: x, Set: true}
	default:
		return fmt.Errorf("store: cannot scan %T into a dose", src)
	}
	return nil
}

func doseArg(d domain.Dose) any {
	if !d.Set {
		return nil
	}
	return d.MicroSv
}

// intPtrCol reads a nullable integer into **int.
type intPtrCol struct{ p **int }

func (c intPtrCol) Scan(src any) error {
	switch x := src.(type) {
	case nil:
		*c.p = nil
	case int64:
		n := int(x)
		*c.p = &n
	default:
		return fmt.Errorf("store: cannot scan %T into an int", src)
	}
	return nil
}

func intPtrArg(p *int) any {
	if p == nil {
		return nil
	}
	return int64(*p)
}

// listCol stores a list of keys as one comma-separated text.
type listCol []string

func (l *listCol) Scan(src any) error {
	var s string
	switch x := src.(type) {
	case string:
		s = x
	case []byte:
		s = string(x)
	case nil:
	default:
		return fmt.Errorf("store: cannot scan %T into a list", src)
	}
	*l = nil
	if s != "" {
		*l = strings.Split(s, ",")
	}
	return nil
}

func listArg(l []string) any { return strings.Join(l, ",") }

// timeCol reads timestamps that SQLite may return as text.
type timeCol struct{ p *time.Time }

func (c timeCol) Scan(src any) error {
	switch x := src.(type) {
	case nil:
		*c.p = time.Time{}
	case time.Time:
		*c.p = x.UTC()
	case string:
		t, err := time.Parse(time.RFC3339Nano, x)
		if err != nil {
			t, err = time.Parse("2006-01-02 15:04:05.999999999-07:00", x)
		}
		if err != nil {
			return fmt.Errorf("store: bad timestamp %q", x)
		}
		*c.p = t.UTC()
	default:
		return fmt.Errorf("store: cannot scan %T into a time", src)
	}
	return nil
}

// idCol reads a nullable id: NULL is 0.
type idCol struct{ p *int64 }

func (c idCol) Scan(src any) error {
	switch x := src.(type) {
	case nil:
		*c.p = 0
	case int64:
		*c.p = x
	default:
		return fmt.Errorf("store: cannot scan %T into an id", src)
	}
	return nil
}
