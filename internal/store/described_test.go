package store

import (
	"database/sql"
	"reflect"
	"strings"
	"testing"
	"time"

	"radsup/internal/domain"
)

// TestTablesMatchEntities proves that each table's typed args and dest list
// the columns the domain entity describes, in its order: setting one field
// of a record changes exactly the matching argument, and scanning into one
// destination changes exactly the matching field.
func TestTablesMatchEntities(t *testing.T) {
	checkTable(t, Institutions)
	checkTable(t, Licences)
	checkTable(t, People)
	checkTable(t, Employments)
	checkTable(t, Trainings)
	checkTable(t, Exams)
	checkTable(t, Doses)
	checkTable(t, Equipment)
	checkTable(t, Tests)
	if got, want := 9, len(domain.Entities); got != want {
		t.Errorf("%d tables checked, %d entities described", got, want)
	}
}

func checkTable[T any](t *testing.T, tb *Table[T]) {
	t.Run(tb.entity, func(t *testing.T) {
		zero := new(T)
		base := tb.args(zero)
		if len(base) != len(tb.cols) || len(tb.dest(zero)) != len(tb.cols) {
			t.Fatalf("%d columns, %d args, %d dest", len(tb.cols), len(base), len(tb.dest(zero)))
		}
		for i, col := range tb.cols {
			rec := new(T)
			setNonZero(t, fieldOf(t, rec, col))
			for j, a := range tb.args(rec) {
				if changed := !reflect.DeepEqual(a, base[j]); changed != (i == j) {
					t.Errorf("setting %s changes argument %d (%s): %v", col, j, tb.cols[j], changed)
				}
			}
			rec = new(T)
			scanNonZero(t, tb.dest(rec)[i])
			for _, other := range tb.cols {
				if changed := !fieldOf(t, rec, other).IsZero(); changed != (other == col) {
					t.Errorf("scanning column %s changes field %s: %v", col, other, changed)
				}
			}
		}
	})
}

// fieldOf returns the struct field of *rec tagged json:"key".
func fieldOf(t *testing.T, rec any, key string) reflect.Value {
	v := reflect.ValueOf(rec).Elem()
	for i := range v.NumField() {
		if name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ","); name == key {
			return v.Field(i)
		}
	}
	t.Fatalf("%T has no field %s", rec, key)
	return reflect.Value{}
}

// setNonZero gives a field a value that is not its zero value.
func setNonZero(t *testing.T, v reflect.Value) {
	switch x := v.Addr().Interface().(type) {
	case *string:
		*x = "x"
	case *int64:
		*x = 7
	case *bool:
		*x = true
	case **int:
		n := 7
		*x = &n
	case *domain.Date:
		*x = domain.NewDate(2026, 1, 2)
	case *domain.Dose:
		*x = domain.Dose{MicroSv: 7, Set: true}
	case *[]string:
		*x = []string{"x"}
	default:
		t.Fatalf("no sample for %s", v.Type())
	}
}

// scanNonZero scans a sample that is not a zero value into a destination.
func scanNonZero(t *testing.T, dest any) {
	if s, ok := dest.(sql.Scanner); ok {
		for _, src := range []any{int64(7), "2026-01-02", time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)} {
			if s.Scan(src) == nil {
				return
			}
		}
		t.Fatalf("%T scans no sample", dest)
	}
	setNonZero(t, reflect.ValueOf(dest).Elem())
}
