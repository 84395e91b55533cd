package web

import (
	"net/http"

	"radsup/internal/auth"
	"radsup/internal/enforcement"
)

// routes registers every page route with the roles that may use it.
// Reading this file is reading the UI and who may use it: lists and record
// pages, and for each entity …/new, /{id}/edit and /{id}/retire|restore.
// Every change is a POST.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /static/{hash}/{file}", s.serveStatic)

	s.public(mux, "GET /login", s.handleLoginForm)
	s.public(mux, "POST /login", s.handleLogin)
	s.public(mux, "POST /lang", s.handleLang)
	s.public(mux, "GET /login/2fa", s.handleCodeForm)
	s.public(mux, "POST /login/2fa", s.handleCode)
	s.page(mux, "POST /logout", auth.Everyone, s.handleLogout)
	s.page(mux, "GET /account", auth.Everyone, s.handleAccount)
	s.page(mux, "POST /account/password", auth.Everyone, s.handlePasswordChange)
	s.page(mux, "POST /account/2fa", auth.Everyone, s.handleEnrol)

	s.page(mux, "GET /{$}", auth.Everyone, s.handleHome)
	s.page(mux, "GET /institutions", auth.Readers, s.handleInstitutions)
	s.page(mux, "GET /institutions/{id}", auth.Readers, s.handleInstitution)
	s.page(mux, "GET /people", auth.Readers, s.handlePeople)
	s.page(mux, "GET /people/{id}", auth.Readers, s.handlePerson)
	s.page(mux, "POST /people/{id}/reveal", auth.Filers, s.handlePersonReveal)
	s.page(mux, "GET /equipment", auth.Readers, s.handleEquipmentList)
	s.page(mux, "GET /equipment/{id}", auth.Readers, s.handleEquipment)
	s.page(mux, "GET /findings", auth.Readers, s.handleFindings)
	s.page(mux, "GET /findings/{id}", auth.Readers, s.handleFinding)
	s.page(mux, "POST /findings/{id}/dismiss", auth.Supervisors, s.handleFindingDismiss)
	s.page(mux, "POST /findings/{id}/reopen", auth.Supervisors, s.handleFindingReopen)

	s.page(mux, "GET /institutions/new", auth.Supervisors, institutions.newForm(s))
	s.page(mux, "POST /institutions/new", auth.Supervisors, institutions.create(s))
	s.page(mux, "GET /institutions/{id}/licences/new", auth.RolesFor(auth.Create, "licence"), licences.newForm(s))
	s.page(mux, "POST /institutions/{id}/licences/new", auth.RolesFor(auth.Create, "licence"), licences.create(s))
	s.page(mux, "GET /institutions/{id}/people/new", auth.Filers, s.handlePersonNew)
	s.page(mux, "POST /institutions/{id}/people/new", auth.Filers, s.handlePersonCreate)
	s.page(mux, "GET /institutions/{id}/equipment/new", auth.Filers, equipment.newForm(s))
	s.page(mux, "POST /institutions/{id}/equipment/new", auth.Filers, equipment.create(s))
	s.page(mux, "GET /people/{id}/employments/new", auth.Filers, employments.newForm(s))
	s.page(mux, "POST /people/{id}/employments/new", auth.Filers, employments.create(s))
	s.page(mux, "GET /people/{id}/trainings/new", auth.Filers, trainings.newForm(s))
	s.page(mux, "POST /people/{id}/trainings/new", auth.Filers, trainings.create(s))
	s.page(mux, "GET /people/{id}/exams/new", auth.Filers, exams.newForm(s))
	s.page(mux, "POST /people/{id}/exams/new", auth.Filers, exams.create(s))
	s.page(mux, "GET /people/{id}/doses/new", auth.Filers, doses.newForm(s))
	s.page(mux, "POST /people/{id}/doses/new", auth.Filers, doses.create(s))
	s.page(mux, "GET /equipment/{id}/tests/new", auth.Filers, tests.newForm(s))
	s.page(mux, "POST /equipment/{id}/tests/new", auth.Filers, tests.create(s))

	editable(s, mux, institutions)
	editable(s, mux, licences)
	editable(s, mux, people)
	editable(s, mux, employments)
	editable(s, mux, trainings)
	editable(s, mux, exams)
	editable(s, mux, doses)
	editable(s, mux, equipment)
	editable(s, mux, tests)

	s.page(mux, "GET /overview", auth.RolesFor(auth.Read, auth.Overview), s.handleOverview)
	s.page(mux, "GET /stats/dose", auth.RolesFor(auth.Read, "dose"), s.handleDoseStats)
	s.page(mux, "GET /reports/yearly", auth.RolesFor(auth.Read, auth.Overview), s.handleYearly)
	s.page(mux, "GET /reports/yearly.xlsx", auth.RolesFor(auth.Read, auth.Overview), s.handleYearlyXLSX)
	s.page(mux, "GET /notices", auth.RolesFor(auth.Read, auth.Notice), s.handleNotices)
	s.page(mux, "POST /notices/send", auth.RolesFor(auth.Create, auth.Notice), s.handleNoticeSend)
	s.page(mux, "POST /notices/contact", auth.RolesFor(auth.Update, auth.Notice), s.handleNoticeContact)
	s.page(mux, "POST /notices/{id}/read", auth.RolesFor(auth.Update, auth.Notice), s.handleNoticeRead)
	s.public(mux, "GET /public", s.handlePublic)
	s.page(mux, "GET /plans", auth.RolesFor(auth.Read, auth.Plan), s.handlePlans)
	s.page(mux, "GET /plans/new", auth.RolesFor(auth.Create, auth.Plan), s.handlePlanNew)
	s.page(mux, "POST /plans/new", auth.RolesFor(auth.Create, auth.Plan), s.handlePlanCreate)
	s.page(mux, "GET /plans/{id}", auth.RolesFor(auth.Read, auth.Plan), s.handlePlan)
	s.page(mux, "POST /plans/{id}/draw", auth.RolesFor(auth.Draw, auth.Plan), s.handlePlanDraw)
	s.page(mux, "GET /inspectors", auth.RolesFor(auth.Read, auth.Inspector), s.handleInspectors)
	s.page(mux, "POST /inspectors/{id}", auth.RolesFor(auth.Update, auth.Inspector), s.handleInspectorSave)
	s.page(mux, "GET /inspections", auth.RolesFor(auth.Read, auth.Inspection), s.handleInspections)
	s.page(mux, "GET /inspections/new", auth.RolesFor(auth.Create, auth.Inspection), s.handleInspectionNew)
	s.page(mux, "POST /inspections/new", auth.RolesFor(auth.Create, auth.Inspection), s.handleInspectionCreate)
	s.page(mux, "GET /inspections/{id}", auth.RolesFor(auth.Read, auth.Inspection), s.handleInspection)
	s.page(mux, "GET /inspections/{id}/record", auth.RolesFor(auth.Read, auth.Inspection), s.handleInspectionRecord)
	s.page(mux, "POST /inspections/{id}/items/{code}", auth.RolesFor(auth.Update, auth.Inspection), s.handleInspectionItem)
	s.page(mux, "POST /inspections/{id}/outcome", auth.RolesFor(auth.Update, auth.Inspection), s.handleInspectionOutcome)
	s.page(mux, "POST /inspections/{id}/sign", auth.RolesFor(auth.Sign, auth.Inspection), s.handleInspectionSign)
	s.page(mux, "POST /inspections/{id}/amend", auth.RolesFor(auth.Update, auth.Inspection), s.handleInspectionAmend)
	s.page(mux, "POST /inspections/{id}/evidence", auth.RolesFor(auth.Update, auth.Inspection), s.handleEvidenceUpload)
	s.page(mux, "GET /inspections/{id}/evidence/{file}", auth.RolesFor(auth.Read, auth.Inspection), s.handleEvidence)
	s.page(mux, "GET /rectifications", auth.RolesFor(auth.Read, auth.Rectification), s.handleRectifications)
	s.page(mux, "POST /rectifications", auth.RolesFor(auth.Create, auth.Rectification), s.handleRectificationCreate)
	s.page(mux, "GET /rectifications/{id}", auth.RolesFor(auth.Read, auth.Rectification), s.handleRectification)
	s.page(mux, "GET /rectifications/{id}/opinion", auth.RolesFor(auth.Read, auth.Rectification), s.handleRectificationDoc(enforcement.DocOpinion))
	s.page(mux, "GET /rectifications/{id}/order", auth.RolesFor(auth.Read, auth.Rectification), s.handleRectificationDoc(enforcement.DocOrder))
	s.page(mux, "POST /rectifications/{id}/respond", auth.RolesFor(auth.Respond, auth.Rectification), s.handleRectificationRespond)
	s.page(mux, "POST /rectifications/{id}/files", append(auth.RolesFor(auth.Respond, auth.Rectification), auth.RolesFor(auth.Update, auth.Rectification)...), s.handleRectificationUpload)
	s.page(mux, "GET /rectifications/{id}/files/{file}", auth.RolesFor(auth.Read, auth.Rectification), s.handleRectificationFile)
	s.page(mux, "POST /rectifications/{id}/close", auth.RolesFor(auth.Update, auth.Rectification), s.handleRectificationClose)
	s.page(mux, "GET /cases", auth.RolesFor(auth.Read, auth.Case), s.handleCases)
	s.page(mux, "GET /cases/new", auth.RolesFor(auth.Create, auth.Case), s.handleCaseNew)
	s.page(mux, "POST /cases/new", auth.RolesFor(auth.Create, auth.Case), s.handleCaseCreate)
	s.page(mux, "GET /cases/cards.xlsx", auth.RolesFor(auth.Export, auth.Case), s.handleCaseCards)
	s.page(mux, "GET /cases/{id}", auth.RolesFor(auth.Read, auth.Case), s.handleCase)
	s.page(mux, "GET /cases/{id}/decision", auth.RolesFor(auth.Read, auth.Case), s.handleCaseDecision)
	s.page(mux, "POST /cases/{id}/edit", auth.RolesFor(auth.Update, auth.Case), s.handleCaseEdit)
	s.page(mux, "POST /cases/{id}/step", auth.RolesFor(auth.Update, auth.Case), s.handleCaseStep)
	s.page(mux, "POST /cases/{id}/report", auth.RolesFor(auth.Update, auth.Case), s.handleCaseReport)

	s.changeRoutes(mux)
	s.fileRoutes(mux)
	s.licenceHistoryRoutes(mux)

	s.page(mux, "GET /import", auth.Filers, s.handleImportForm)
	s.page(mux, "POST /import", auth.Filers, s.handleImport)
	s.page(mux, "GET /import/jobs/{id}", auth.Filers, s.handleImportJob)
	s.page(mux, "GET /import/jobs/{id}/annotated.xlsx", auth.Filers, s.handleImportAnnotated)
	s.page(mux, "GET /templates/{file}", auth.Filers, s.handleTemplate)
	s.page(mux, "GET /export/{file}", auth.Readers, s.handleExport)

	s.page(mux, "GET /account/tokens", auth.Readers, s.handleTokens)
	s.page(mux, "POST /account/tokens", auth.Readers, s.handleTokenCreate)
	s.page(mux, "POST /account/tokens/{id}/revoke", auth.Readers, s.handleTokenRevoke)
	s.page(mux, "GET /admin/users", auth.AccountAdmins, s.handleUsers)
	s.page(mux, "POST /admin/users", auth.AccountAdmins, s.handleUserCreate)
	s.page(mux, "POST /admin/users/{id}/password", auth.AccountAdmins, s.handleUserPassword)
	s.page(mux, "POST /admin/users/{id}/access", auth.AccountAdmins, s.handleUserAccess)
	s.page(mux, "POST /admin/users/{id}/unlock", auth.AccountAdmins, s.handleUserUnlock)
	s.page(mux, "POST /admin/users/{id}/totp-reset", auth.AccountAdmins, s.handleUserTOTPReset)
	s.page(mux, "GET /audit", auth.Auditors, s.handleAudit)
	s.page(mux, "GET /audit/export.xlsx", auth.Auditors, s.handleAuditExport)
	s.page(mux, "GET /admin/security", auth.SecurityAdmins, s.handleSecurity)
	s.page(mux, "POST /admin/security", auth.SecurityAdmins, s.handleSecuritySave)

	s.page(mux, "/", auth.Everyone, s.handleNotFound)
	return mux
}

// editable registers the edit, retire and restore routes of an entity:
// GET and POST /plural/{id}/edit, POST /plural/{id}/retire and /restore.
func editable[T any, P recordPtr[T]](s *Server, mux *http.ServeMux, k *kind[T, P]) {
	p := "/" + k.plural + "/{id}/"
	editors, retirers := auth.RolesFor(auth.Update, k.entity), auth.RolesFor(auth.Retire, k.entity)
	s.page(mux, "GET "+p+"edit", editors, k.edit(s))
	s.page(mux, "POST "+p+"edit", editors, k.update(s))
	s.page(mux, "POST "+p+"retire", retirers, k.retire(s, false))
	s.page(mux, "POST "+p+"restore", retirers, k.retire(s, true))
}
