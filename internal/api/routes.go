package api

import "radsup/internal/auth"

// routes registers every API route. Reading this file is reading the API:
// /api/v1/me, and for each resource a list, one record, create, full update,
// retire and restore (see crud). People are created with their first
// employment by handlePersonCreate. The screening findings are read and
// dismissed, never filed; the rule catalogue is read only.
func (s *server) routes() {
	s.handle("GET /api/v1/me", auth.Everyone, s.handleMe)

	crud(s, institutions, nil)
	crud(s, licences, nil)
	crud(s, people, s.handlePersonCreate)
	crud(s, employments, nil)
	crud(s, trainings, nil)
	crud(s, exams, nil)
	crud(s, doses, nil)
	crud(s, equipment, nil)
	crud(s, tests, nil)

	s.handle("GET /api/v1/rules", auth.Readers, s.handleRules)
	s.handle("GET /api/v1/findings", auth.Readers, s.handleFindings)
	s.handle("GET /api/v1/findings/{id}", auth.Readers, s.handleFinding)
	s.handle("POST /api/v1/findings/{id}/dismiss", auth.Supervisors, s.handleFindingDismiss)
	s.handle("POST /api/v1/findings/{id}/reopen", auth.Supervisors, s.handleFindingReopen)

	s.handle("GET /api/v1/plans", auth.RolesFor(auth.Read, auth.Plan), s.handlePlans)
	s.handle("POST /api/v1/plans", auth.RolesFor(auth.Create, auth.Plan), s.handlePlanCreate)
	s.handle("GET /api/v1/plans/{id}", auth.RolesFor(auth.Read, auth.Plan), s.handlePlan)
	s.handle("POST /api/v1/plans/{id}/draw", auth.RolesFor(auth.Draw, auth.Plan), s.handlePlanDraw)
	s.handle("GET /api/v1/plans/{id}/verify", auth.RolesFor(auth.Read, auth.Plan), s.handlePlanVerify)
	s.handle("GET /api/v1/inspectors", auth.RolesFor(auth.Read, auth.Inspector), s.handleInspectors)
	s.handle("PUT /api/v1/inspectors/{id}", auth.RolesFor(auth.Update, auth.Inspector), s.handleInspectorPut)
	s.handle("GET /api/v1/stats/dose", auth.RolesFor(auth.Read, "dose"), s.handleDoseStats)
	s.handle("GET /api/v1/inspections", auth.RolesFor(auth.Read, auth.Inspection), s.handleInspections)
	s.handle("POST /api/v1/inspections", auth.RolesFor(auth.Create, auth.Inspection), s.handleInspectionCreate)
	s.handle("GET /api/v1/inspections/{id}", auth.RolesFor(auth.Read, auth.Inspection), s.handleInspection)
	s.handle("PUT /api/v1/inspections/{id}", auth.RolesFor(auth.Update, auth.Inspection), s.handleInspectionPut)
	s.handle("PUT /api/v1/inspections/{id}/items/{code}", auth.RolesFor(auth.Update, auth.Inspection), s.handleInspectionItem)
	s.handle("POST /api/v1/inspections/{id}/sign", auth.RolesFor(auth.Sign, auth.Inspection), s.handleInspectionSign)
	s.handle("POST /api/v1/inspections/{id}/amendments", auth.RolesFor(auth.Update, auth.Inspection), s.handleInspectionAmend)
	s.handle("POST /api/v1/inspections/{id}/evidence", auth.RolesFor(auth.Update, auth.Inspection), s.handleEvidenceUpload)
	s.handle("GET /api/v1/inspections/{id}/evidence/{file}", auth.RolesFor(auth.Read, auth.Inspection), s.handleEvidence)
	s.handle("GET /api/v1/rectifications", auth.RolesFor(auth.Read, auth.Rectification), s.handleRectifications)
	s.handle("POST /api/v1/rectifications", auth.RolesFor(auth.Create, auth.Rectification), s.handleRectificationCreate)
	s.handle("GET /api/v1/rectifications/{id}", auth.RolesFor(auth.Read, auth.Rectification), s.handleRectification)
	s.handle("POST /api/v1/rectifications/{id}/respond", auth.RolesFor(auth.Respond, auth.Rectification), s.handleRectificationRespond)
	s.handle("POST /api/v1/rectifications/{id}/close", auth.RolesFor(auth.Update, auth.Rectification), s.handleRectificationClose)
	s.handle("POST /api/v1/rectifications/{id}/files", append(auth.RolesFor(auth.Respond, auth.Rectification), auth.RolesFor(auth.Update, auth.Rectification)...), s.handleRectificationUpload)
	s.handle("GET /api/v1/rectifications/{id}/files/{file}", auth.RolesFor(auth.Read, auth.Rectification), s.handleRectificationFile)
	s.handle("GET /api/v1/articles", auth.RolesFor(auth.Read, auth.Case), s.handleArticles)
	s.handle("GET /api/v1/cases", auth.RolesFor(auth.Read, auth.Case), s.handleCases)
	s.handle("POST /api/v1/cases", auth.RolesFor(auth.Create, auth.Case), s.handleCaseCreate)
	s.handle("GET /api/v1/cases/{id}", auth.RolesFor(auth.Read, auth.Case), s.handleCase)
	s.handle("PUT /api/v1/cases/{id}", auth.RolesFor(auth.Update, auth.Case), s.handleCasePut)
	s.handle("POST /api/v1/cases/{id}/steps", auth.RolesFor(auth.Update, auth.Case), s.handleCaseStep)
	s.handle("POST /api/v1/cases/{id}/reports", auth.RolesFor(auth.Update, auth.Case), s.handleCaseReport)
	s.handle("GET /api/v1/stats/trends", auth.RolesFor(auth.Read, auth.Overview), s.handleTrends)
	s.handle("GET /api/v1/notices", auth.RolesFor(auth.Read, auth.Notice), s.handleNotices)
	s.handle("POST /api/v1/notices", auth.RolesFor(auth.Create, auth.Notice), s.handleNoticeSend)
	s.handle("POST /api/v1/notices/{id}/read", auth.RolesFor(auth.Update, auth.Notice), s.handleNoticeRead)
	s.handle("PUT /api/v1/notices/contact", auth.RolesFor(auth.Update, auth.Notice), s.handleNoticeContact)
	s.changeRoutes()
	s.submissionRoutes()
	s.feedRoutes()
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
	readers, retirers := auth.RolesFor(auth.Read, res.entity), auth.RolesFor(auth.Retire, res.entity)
	s.handle("GET "+base, readers, res.list(s))
	s.handle("POST "+base, auth.RolesFor(auth.Create, res.entity), create)
	s.handle("GET "+base+"/{id}", readers, res.get(s))
	s.handle("PUT "+base+"/{id}", auth.RolesFor(auth.Update, res.entity), res.update(s))
	s.handle("POST "+base+"/{id}/retire", retirers, res.retire(s, false))
	s.handle("POST "+base+"/{id}/restore", retirers, res.retire(s, true))
}
