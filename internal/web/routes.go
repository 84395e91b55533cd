package web

import "net/http"

// routes registers every page route. Reading this file is reading the UI:
// lists and record pages, and for each entity …/new, /{id}/edit and
// /{id}/retire|restore. Every change is a POST.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /static/{hash}/{file}", s.serveStatic)

	s.public(mux, "GET /login", s.handleLoginForm)
	s.public(mux, "POST /login", s.handleLogin)
	s.public(mux, "POST /lang", s.handleLang)
	s.page(mux, "POST /logout", s.handleLogout)

	s.page(mux, "GET /{$}", s.handleHome)
	s.page(mux, "GET /institutions", s.handleInstitutions)
	s.page(mux, "GET /institutions/{id}", s.handleInstitution)
	s.page(mux, "GET /people", s.handlePeople)
	s.page(mux, "GET /people/{id}", s.handlePerson)
	s.page(mux, "GET /equipment", s.handleEquipmentList)
	s.page(mux, "GET /equipment/{id}", s.handleEquipment)
	s.page(mux, "GET /findings", s.handleFindings)
	s.page(mux, "GET /findings/{id}", s.handleFinding)
	s.page(mux, "POST /findings/{id}/dismiss", s.handleFindingDismiss)

	s.page(mux, "GET /institutions/new", institutions.newForm(s))
	s.page(mux, "POST /institutions/new", institutions.create(s))
	s.page(mux, "GET /institutions/{id}/licences/new", licences.newForm(s))
	s.page(mux, "POST /institutions/{id}/licences/new", licences.create(s))
	s.page(mux, "GET /institutions/{id}/people/new", s.handlePersonNew)
	s.page(mux, "POST /institutions/{id}/people/new", s.handlePersonCreate)
	s.page(mux, "GET /institutions/{id}/equipment/new", equipment.newForm(s))
	s.page(mux, "POST /institutions/{id}/equipment/new", equipment.create(s))
	s.page(mux, "GET /people/{id}/employments/new", employments.newForm(s))
	s.page(mux, "POST /people/{id}/employments/new", employments.create(s))
	s.page(mux, "GET /people/{id}/trainings/new", trainings.newForm(s))
	s.page(mux, "POST /people/{id}/trainings/new", trainings.create(s))
	s.page(mux, "GET /people/{id}/exams/new", exams.newForm(s))
	s.page(mux, "POST /people/{id}/exams/new", exams.create(s))
	s.page(mux, "GET /people/{id}/doses/new", doses.newForm(s))
	s.page(mux, "POST /people/{id}/doses/new", doses.create(s))
	s.page(mux, "GET /equipment/{id}/tests/new", tests.newForm(s))
	s.page(mux, "POST /equipment/{id}/tests/new", tests.create(s))

	editable(s, mux, institutions)
	editable(s, mux, licences)
	editable(s, mux, people)
	editable(s, mux, employments)
	editable(s, mux, trainings)
	editable(s, mux, exams)
	editable(s, mux, doses)
	editable(s, mux, equipment)
	editable(s, mux, tests)

	s.page(mux, "GET /import", s.handleImportForm)
	s.page(mux, "POST /import", s.handleImport)
	s.page(mux, "GET /import/jobs/{id}", s.handleImportJob)
	s.page(mux, "GET /import/jobs/{id}/annotated.xlsx", s.handleImportAnnotated)
	s.page(mux, "GET /templates/{file}", s.handleTemplate)
	s.page(mux, "GET /export/{file}", s.handleExport)

	s.page(mux, "GET /account/tokens", s.handleTokens)
	s.page(mux, "POST /account/tokens", s.handleTokenCreate)
	s.page(mux, "POST /account/tokens/{id}/revoke", s.handleTokenRevoke)
	s.page(mux, "GET /admin/users", s.handleUsers)
	s.page(mux, "POST /admin/users", s.handleUserCreate)
	s.page(mux, "POST /admin/users/{id}/password", s.handleUserPassword)

	s.page(mux, "/", s.handleNotFound)
	return mux
}

// editable registers the edit, retire and restore routes of an entity:
// GET and POST /plural/{id}/edit, POST /plural/{id}/retire and /restore.
func editable[T any, P recordPtr[T]](s *Server, mux *http.ServeMux, k *kind[T, P]) {
	p := "/" + k.plural + "/{id}/"
	s.page(mux, "GET "+p+"edit", k.edit(s))
	s.page(mux, "POST "+p+"edit", k.update(s))
	s.page(mux, "POST "+p+"retire", k.retire(s, false))
	s.page(mux, "POST "+p+"restore", k.retire(s, true))
}
