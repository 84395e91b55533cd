package store

// SetCountBound sets how far list totals are counted, for a test; the
// returned function restores it.
func SetCountBound(n int) (restore func()) {
	old := countBound
	countBound = n
	return func() { countBound = old }
}
