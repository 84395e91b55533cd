package api

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"radsup/internal/domain"
	"radsup/internal/store"
)

// Paging of lists.
const (
	defaultLimit = 50
	maxLimit     = 500
)

// listResponse is the body of a list: one page of items, the number of
// records matching the filter, and the page asked for.
type listResponse[T any] struct {
	Items []*T `json:"items"`
	Total int  `json:"total"`
	// TotalMore says that more than Total records match: the count stops
	// at a bound (10,000, or the end of the page asked for).
	TotalMore bool `json:"total_more,omitempty"`
	Limit     int  `json:"limit"`
	Offset    int  `json:"offset"`
}

// parseFilter reads a list's query: the named filters a resource accepts,
// retired, limit, offset and sort (one of sorts, "-" first for descending).
// Any other parameter, or a value that cannot be read, is a field error.
func parseFilter(q url.Values, names, sorts []string) (store.Filter, error) {
	f := store.Filter{Values: map[string]string{}, Limit: defaultLimit}
	errs := domain.FieldErrors{}
	for key := range q {
		v := strings.TrimSpace(q.Get(key))
		switch {
		case key == "limit":
			f.Limit = readInt(key, v, 1, errs)
		case key == "offset":
			f.Offset = readInt(key, v, 0, errs)
		case key == "sort":
			if !slices.Contains(sorts, strings.TrimPrefix(v, "-")) {
				errs.Add(key, "enum")
			}
			f.Sort = v
		case key == "retired":
			b, err := strconv.ParseBool(v)
			if err != nil {
				errs.Add(key, "bool")
			}
			f.Retired = b
		case slices.Contains(names, key):
			checkFilterValue(key, v, errs)
			f.Values[key] = v
		default:
			errs.Add(key, "unknown_field")
		}
	}
	f.Limit = min(f.Limit, maxLimit)
	return f, errs.Err()
}

// readInt reads a paging number of at least lo.
func readInt(key, v string, lo int, errs domain.FieldErrors) int {
	n, err := strconv.Atoi(v)
	switch {
	case err != nil:
		errs.Add(key, "integer")
	case n < lo && lo > 0:
		errs.Add(key, domain.CodeNotPositive)
	case n < lo:
		errs.Add(key, domain.CodeNegative)
	}
	return n
}

// checkFilterValue reports filter values of the wrong form: ids must be
// integers and the dose period bounds dates.
func checkFilterValue(key, v string, errs domain.FieldErrors) {
	switch {
	case v == "":
	case domain.HasControl(v):
		errs.Add(key, domain.CodeControl)
	case key == "from" || key == "to" || key == "licence_to":
		if _, err := domain.ParseDate(v); err != nil {
			errs.Add(key, "date")
		}
	case strings.HasSuffix(key, "_id"):
		if n, err := strconv.ParseInt(v, 10, 64); err != nil || n <= 0 {
			errs.Add(key, "integer")
		}
	}
}
