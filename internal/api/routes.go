package api

// routes registers every API route. Reading this file is reading the API:
// /api/v1/me, and for each resource a list, one record, create, full update,
// retire and restore (see crud). People are created with their first
// employment by handlePersonCreate. The screening findings are read and
// dismissed, never filed; the rule catalogue is read only.
func (s *server) routes() {
	s.handle("GET /api/v1/me", s.handleMe)

	crud(s, institutions, nil)
	crud(s, licences, nil)
	crud(s, people, s.handlePersonCreate)
	crud(s, employments, nil)
	crud(s, trainings, nil)
	crud(s, exams, nil)
	crud(s, doses, nil)
	crud(s, equipment, nil)
	crud(s, tests, nil)

	s.handle("GET /api/v1/rules", s.handleRules)
	s.handle("GET /api/v1/findings", s.handleFindings)
	s.handle("GET /api/v1/findings/{id}", s.handleFinding)
	s.handle("POST /api/v1/findings/{id}/dismiss", s.handleFindingDismiss)
}

// crud registers the routes of one resource:
//
//	GET  /api/v1/{plural}               list (filters, retired, limit, offset)
//	POST /api/v1/{plural}               create (create, or the resource's own)
//	GET  /api/v1/{plural}/{id}          one record
//	PUT  /api/v1/{plural}/{id}          full update at a version
//	POST /api/v1/{plural}/{id}/retire   retire at a version
//	POST /api/v1/{plural}/{id}/restore  restore at a version
func crud[T any, P recordPtr[T]](s *server, res *resource[T, P], create handler) {
	base := "/api/v1/" + res.plural
	if create == nil {
		create = res.create(s)
	}
	s.handle("GET "+base, res.list(s))
	s.handle("POST "+base, create)
	s.handle("GET "+base+"/{id}", res.get(s))
	s.handle("PUT "+base+"/{id}", res.update(s))
	s.handle("POST "+base+"/{id}/retire", res.retire(s, false))
	s.handle("POST "+base+"/{id}/restore", res.retire(s, true))
}
