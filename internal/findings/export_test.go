package findings

// SetAfterRead makes a full run call fn between reading and writing each
// batch, where a change committed by another transaction lands between the
// two.
func SetAfterRead(s *Service, fn func()) { s.afterRead = fn }
