package accounts

// SetVerifier replaces how s checks a password against a hash, so that a
// test can see which hashes a login verified.
func SetVerifier(s *Service, verify func(hash, password string) (bool, error)) { s.verify = verify }
