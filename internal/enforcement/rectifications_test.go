package enforcement_test

import (
	"context"
	"testing"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/enforcement"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

var pdf = []byte("%PDF-1.4\n% a photo of the corrected sign\n")

// rectifyInspection signs an ad hoc inspection of the first institution
// (the one with three open JC-12 findings) with JC-12 and JC-14 不符合.
func rectifyInspection(t *testing.T, f *fixture) *domain.Inspection {
	t.Helper()
	ctx := context.Background()
	f.inspectors(t, nil)
	one, two := f.users[0], f.users[1]
	x, err := f.svc.CreateInspection(ctx, domain.Actor{}, f.sup, enforcement.NewInspection{Type: "routine",
		InstitutionID: f.insts[0].ID, Inspectors: [2]string{one.Username, two.Username}, Date: domain.MustDate("2026-12-05")})
	if err != nil {
		t.Fatal(err)
	}
	v, err := f.svc.Inspection(ctx, one, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range v.Items {
		result := "compliant"
		switch it.Code {
		case "JC-12", "JC-14":
			result = "noncompliant"
		}
		if it.Row.Result == "unchecked" {
			if _, err := f.svc.SaveItem(ctx, domain.Actor{}, one, x.ID, it.Code, result, "现场发现", it.Row.Version); err != nil {
				t.Fatal(err)
			}
		}
	}
	cur := inspection(t, f, x.ID)
	if cur, err = f.svc.SetOutcome(ctx, domain.Actor{}, one, x.ID, enforcement.Outcome{Date: cur.Date, Place: cur.Place, Outcome: "rectify"}, cur.Version); err != nil {
		t.Fatal(err)
	}
	if cur, err = f.svc.Sign(ctx, domain.Actor{}, one, x.ID, cur.Version); err != nil {
		t.Fatal(err)
	}
	if cur, err = f.svc.Sign(ctx, domain.Actor{}, two, x.ID, cur.Version); err != nil {
		t.Fatal(err)
	}
	return cur
}

// instUsers files an institution account of the first and of the second institution.
func instUsers(t *testing.T, f *fixture) (own, other *domain.User) {
	t.Helper()
	err := f.s.WithTx(context.Background(), domain.System, func(tx *store.Tx) error {
		own = storetest.User(t, tx, domain.RoleInstitution, f.insts[0].ID)
		other = storetest.User(t, tx, domain.RoleInstitution, f.insts[1].ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return own, other
}

// resolve marks findings resolved as a re-screening does when the register no longer shows them.
func resolve(t *testing.T, f *fixture, ids ...int64) {
	t.Helper()
	for _, id := range ids {
		storetest.Exec(t, f.s, "UPDATE findings SET status = 'resolved' WHERE id = ?", id)
	}
}

// TestRectificationClosesOnlyWhenScreeningAgrees: a rectification from an
// inspection links the open findings under its 不符合 items and keeps the
// item without a rule; it is numbered at issue; the institution answers
// with a file; closing is refused while a linked finding is open, naming
// it, and succeeds once screening has resolved them all.
func TestRectificationClosesOnlyWhenScreeningAgrees(t *testing.T) {
	f := setup(t)
	x := rectifyInspection(t, f)
	own, other := instUsers(t, f)
	ctx := context.Background()
	r, err := f.svc.CreateRectification(ctx, domain.Actor{}, f.sup, enforcement.NewRectification{InspectionID: x.ID,
		Opinion: "限期完成设备年度状态检测并设置警示标志", Basis: "《放射诊疗管理规定》第四十一条"})
	if err != nil {
		t.Fatal(err)
	}
	if r.State != "issued" || r.InstitutionID != f.insts[0].ID || r.Deadline != domain.MustDate("2027-01-04") {
		t.Fatalf("rectification %+v", r)
	}
	v, err := f.svc.Rectification(ctx, f.sup, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Items) != 4 || len(v.Open) != 3 || !v.RuleLess {
		t.Fatalf("items %+v, open %d", v.Items, len(v.Open))
	}
	if v.Document(enforcement.DocOpinion) != "中原卫放意〔2026〕1号" || v.Document(enforcement.DocOrder) != "中原卫放责改〔2026〕1号" {
		t.Errorf("documents %+v", v.Documents)
	}
	if _, err := f.svc.CloseRectification(ctx, domain.Actor{}, f.sup, r.ID, "", r.Version); code(err) != domain.EINVALID {
		t.Fatalf("closing an unanswered rectification: %v", err)
	}
	if _, err := f.svc.Respond(ctx, domain.Actor{}, other, r.ID, "已整改", r.Version); code(err) != domain.ENOTFOUND {
		t.Fatalf("another institution answers: %v", err)
	}
	if _, err := f.svc.Respond(ctx, domain.Actor{}, f.sup, r.ID, "已整改", r.Version); err != auth.ErrForbidden {
		t.Fatalf("a supervisor answers for the institution: %v", err)
	}
	if _, err := f.svc.AddRectificationFile(ctx, domain.Actor{}, own, r.ID, "sign.txt", []byte("plain text")); code(err) != domain.EINVALID {
		t.Fatalf("a text file as evidence: %v", err)
	}
	if r, err = f.svc.Respond(ctx, domain.Actor{}, own, r.ID, "已委托检测机构完成状态检测，已张贴警示标志", r.Version); err != nil {
		t.Fatal(err)
	}
	if r.State != "responded" {
		t.Fatalf("state %s", r.State)
	}
	// Closing while a linked finding is open is refused, naming the finding.
	_, err = f.svc.CloseRectification(ctx, domain.Actor{}, f.sup, r.ID, "", r.Version)
	var de *domain.Error
	if code(err) != domain.EINVALID || !asError(err, &de) || de.Message != "enforcement.error.finding_open" || de.Args[1] != "EQP-STATUS-OVERDUE" {
		t.Fatalf("closing with open findings: %v", err)
	}
	ids := enforcement.OpenFindingIDs(v.Items)
	resolve(t, f, ids[:2]...)
	if _, err := f.svc.CloseRectification(ctx, domain.Actor{}, f.sup, r.ID, "", r.Version); code(err) != domain.EINVALID {
		t.Fatalf("closing with one finding open: %v", err)
	}
	resolve(t, f, ids[2])
	// The item without a rule needs evidence.
	if _, err := f.svc.CloseRectification(ctx, domain.Actor{}, f.sup, r.ID, "", r.Version); code(err) != domain.EINVALID {
		t.Fatalf("closing a rule-less item without evidence: %v", err)
	}
	if _, err := f.svc.AddRectificationFile(ctx, domain.Actor{}, own, r.ID, "警示标志.pdf", pdf); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.CloseRectification(ctx, domain.Actor{}, own, r.ID, "", r.Version); err != auth.ErrForbidden {
		t.Fatalf("an institution closes: %v", err)
	}
	actor := domain.Actor{UserID: f.sup.ID, Username: f.sup.Username, Role: f.sup.Role}
	if r, err = f.svc.CloseRectification(ctx, actor, f.sup, r.ID, "现场复核，整改到位", r.Version); err != nil {
		t.Fatal(err)
	}
	if r.State != "closed" || r.ClosedBy != f.sup.Username {
		t.Fatalf("closed %+v", r)
	}
	if _, err := f.svc.Respond(ctx, domain.Actor{}, own, r.ID, "再次答复", r.Version); code(err) != domain.ECONFLICT {
		t.Fatalf("answering a closed rectification: %v", err)
	}
	if _, err := f.svc.AddRectificationFile(ctx, domain.Actor{}, own, r.ID, "b.pdf", pdf); code(err) != domain.ECONFLICT {
		t.Fatalf("a file for a closed rectification: %v", err)
	}
	for _, action := range []string{domain.AuditCreate, domain.AuditRespond, domain.AuditUpload, domain.AuditClose} {
		if n := storetest.Count(t, f.s, "audit_events WHERE entity = 'rectification' AND entity_id = ? AND action = ?", r.ID, action); n != 1 {
			t.Errorf("%d %s events", n, action)
		}
	}
	if n := storetest.Count(t, f.s, "audit_events WHERE entity = 'document' AND action = ?", domain.AuditIssue); n != 2 {
		t.Errorf("%d documents issued in the audit trail", n)
	}
}

// TestRectificationScopeAndOverdue: an institution sees only its own
// rectifications; one past its deadline is overdue until closed; findings
// of another institution or no longer open are refused.
func TestRectificationScopeAndOverdue(t *testing.T) {
	f := setup(t)
	own, other := instUsers(t, f)
	ctx := context.Background()
	page := findingsOf(t, f, f.insts[0].ID)
	if _, err := f.svc.CreateRectification(ctx, domain.Actor{}, own, enforcement.NewRectification{FindingIDs: page[:1]}); err != auth.ErrForbidden {
		t.Fatalf("an institution orders: %v", err)
	}
	if _, err := f.svc.CreateRectification(ctx, domain.Actor{}, f.sup, enforcement.NewRectification{}); code(err) != domain.EINVALID {
		t.Fatalf("nothing to rectify: %v", err)
	}
	if _, err := f.svc.CreateRectification(ctx, domain.Actor{}, f.sup, enforcement.NewRectification{InstitutionID: f.insts[1].ID, FindingIDs: page[:1]}); code(err) != domain.EINVALID {
		t.Fatalf("another institution's finding: %v", err)
	}
	if _, err := f.svc.CreateRectification(ctx, domain.Actor{}, f.sup, enforcement.NewRectification{FindingIDs: page[:1], Days: 400}); code(err) != domain.EINVALID {
		t.Fatalf("a deadline of 400 days: %v", err)
	}
	r, err := f.svc.CreateRectification(ctx, domain.Actor{}, f.sup, enforcement.NewRectification{FindingIDs: page, Days: 10})
	if err != nil {
		t.Fatal(err)
	}
	if r.InstitutionID != f.insts[0].ID || r.Deadline != domain.MustDate("2026-12-15") {
		t.Fatalf("%+v", r)
	}
	if _, err := f.svc.Rectification(ctx, other, r.ID); code(err) != domain.ENOTFOUND {
		t.Fatalf("another institution reads it: %v", err)
	}
	if l, err := f.svc.Rectifications(ctx, other, enforcement.RectificationList{}); err != nil || len(l) != 0 {
		t.Fatalf("another institution lists %d (%v)", len(l), err)
	}
	if _, _, err := f.svc.RectificationFile(ctx, other, r.ID, 1); code(err) != domain.ENOTFOUND {
		t.Fatalf("another institution's file: %v", err)
	}
	if l, _ := f.svc.Rectifications(ctx, own, enforcement.RectificationList{}); len(l) != 1 {
		t.Fatalf("its institution lists %d", len(l))
	}
	late := &enforcement.Service{Store: f.s, Today: func() domain.Date { return domain.MustDate("2026-12-16") }}
	if l, _ := late.Rectifications(ctx, f.sup, enforcement.RectificationList{Overdue: true}); len(l) != 1 {
		t.Fatalf("overdue lists %d", len(l))
	}
	if l, _ := f.svc.Rectifications(ctx, f.sup, enforcement.RectificationList{Overdue: true}); len(l) != 0 {
		t.Fatalf("overdue before the deadline lists %d", len(l))
	}
	if v, _ := late.Rectification(ctx, own, r.ID); v == nil || !v.Overdue || !v.MayRespond || v.MayClose {
		t.Fatalf("view for the institution after the deadline: %+v", v)
	}
	resolve(t, f, page[0])
	if _, err := f.svc.CreateRectification(ctx, domain.Actor{}, f.sup, enforcement.NewRectification{FindingIDs: page[:1]}); code(err) != domain.EINVALID {
		t.Fatalf("a resolved finding: %v", err)
	}
}

func findingsOf(t *testing.T, f *fixture, instID int64) []int64 {
	t.Helper()
	rows := storetest.Rows(t, f.s, "SELECT id FROM findings WHERE institution_id = ? AND status = 'open' ORDER BY id", instID)
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		t.Fatal("no open findings")
	}
	return ids
}

func asError(err error, target **domain.Error) bool {
	de, ok := err.(*domain.Error)
	if ok {
		*target = de
	}
	return ok
}
