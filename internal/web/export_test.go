package web

// SetMaxSelect sets how many institutions a form offers in a select before
// it asks for a credit code instead, and returns a function that undoes it.
func SetMaxSelect(n int) (undo func()) {
	old := maxSelect
	maxSelect = n
	return func() { maxSelect = old }
}
