package findings

// SetAfterRead makes a full run call fn after it has read each batch: a
// change committed there is found before the batch's write.
func SetAfterRead(s *Service, fn func()) { s.afterRead = fn }

// SetBeforeWrite makes a full run call fn just before it writes each
// batch: a change committed there is found inside the write.
func SetBeforeWrite(s *Service, fn func()) { s.beforeWrite = fn }
