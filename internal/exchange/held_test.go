package exchange_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/exchange"
	"radsup/internal/findings"
	"radsup/internal/registry"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

var supervisorUser = &domain.User{Username: "clerk", Role: domain.RoleSupervisor}

// setReview turns review of institution submissions on or off.
func setReview(t *testing.T, s *store.Store, on bool) {
	t.Helper()
	if err := registry.New(s).SetReview(ctx, clerk, supervisorUser, on); err != nil {
		t.Fatal(err)
	}
}

// reviewer is the registry a supervisor approves with: it applies held
// imports and re-screens in the approval's transaction.
func reviewer(s *store.Store) *registry.Registry {
	reg := registry.New(s)
	reg.Today = func() domain.Date { return today }
	reg.ApplyImport = exchange.HeldApplier(reg.Today)
	reg.AfterChange = (&findings.Service{Store: s}).AfterChange(reg.Today)
	return reg
}

// pending returns the one pending submission, of a held import.
func pending(t *testing.T, s *store.Store) *domain.Submission {
	t.Helper()
	subs, err := registry.New(s).Submissions(ctx, supervisorUser, store.SubmissionFilter{State: domain.SubmissionPending})
	if err != nil {
		t.Fatal(err)
	}
	if len(subs) != 1 || subs[0].Entity != domain.SubmissionImport {
		t.Fatalf("%d pending submissions, want one import", len(subs))
	}
	return subs[0]
}

// openPersonFindings counts the open findings about people.
func openPersonFindings(t *testing.T, s *store.Store) int {
	return storetest.Count(t, s, "findings WHERE subject_type = 'person' AND status = 'open'")
}

// TestHeldImportApproved: with review on, an institution user's clean
// staff list is checked in full and held as one submission instead of
// being written: nothing of it is in the register or screened. The
// review queue's summary shows what it would do and its first rows; the
// approval writes it in one transaction as the institution's own import,
// audits the import naming the submission, and re-screens the people.
func TestHeldImportApproved(t *testing.T) {
	e := newEnv(t)
	u := institutionUser(t, e)
	setReview(t, e.s, true)
	rep := e.imp(u, exchange.Options{}, e.file("人员.csv", staffCSV()))
	if !rep.OK() || rep.Written || rep.Held == 0 {
		t.Fatalf("held import: ok %v written %v held %d: %+v", rep.OK(), rep.Written, rep.Held, rep.Problems)
	}
	if c := countOf(rep, "people"); c == nil || c.Created != 2 {
		t.Errorf("the report of the held import: %+v", rep.Counts)
	}
	if e.count("people") != 0 || e.count("employments") != 0 || openPersonFindings(t, e.s) != 0 {
		t.Fatal("a held import wrote or screened something")
	}
	sub := pending(t, e.s)
	if sub.ID != rep.Held || sub.InstitutionID != u.InstitutionID {
		t.Errorf("submission %d of institution %d; the report says %d", sub.ID, sub.InstitutionID, rep.Held)
	}

	// Both sides see the summary: the counts by kind and the first rows.
	sum, err := exchange.Summarize(u, sub)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Files) != 1 || !strings.HasSuffix(sum.Files[0], "人员.csv") || len(sum.Sheets) != 1 || sum.Sheets[0].Rows != 2 {
		t.Fatalf("summary %+v", sum)
	}
	var people domain.HeldCount
	for _, c := range sum.Counts {
		if c.Kind == "people" {
			people = c
		}
	}
	if people.Rows != 2 || people.Created != 2 || len(sum.Sheets[0].Sample) != 2 ||
		!strings.Contains(strings.Join(sum.Sheets[0].Sample[0].Values, " "), idA) {
		t.Errorf("summary counts %+v, sample %+v", sum.Counts, sum.Sheets[0].Sample)
	}

	reg := reviewer(e.s)
	if err := reg.Approve(ctx, clerk, supervisorUser, []int64{sub.ID}, ""); err != nil {
		t.Fatal(err)
	}
	if e.count("people") != 2 || e.count("employments") != 2 {
		t.Errorf("approved: %d people, %d employments", e.count("people"), e.count("employments"))
	}
	if n := openPersonFindings(t, e.s); n == 0 {
		t.Error("the approved import was not re-screened: no finding about its people")
	}
	if n := storetest.Count(t, e.s, "audit_events WHERE action = 'import' AND entity = 'import' AND entity_id = ?", sub.ID); n != 1 {
		t.Errorf("%d audit events of the approved import naming its submission", n)
	}
	if n := storetest.Count(t, e.s, "submissions WHERE state = 'approved'"); n != 1 {
		t.Errorf("%d approved submissions", n)
	}
	// A second approval is refused: the submission is decided.
	if err := reg.Approve(ctx, clerk, supervisorUser, []int64{sub.ID}, ""); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("approving twice: %v", err)
	}
}

// TestHeldImportRejected: a rejected held import leaves no data, and the
// submission, its rows and the rejection with its reason stay in the audit.
func TestHeldImportRejected(t *testing.T) {
	e := newEnv(t)
	u := institutionUser(t, e)
	setReview(t, e.s, true)
	e.imp(u, exchange.Options{}, e.file("人员.csv", staffCSV()))
	sub := pending(t, e.s)
	if err := reviewer(e.s).Reject(ctx, clerk, supervisorUser, sub.ID, "名单中李娜已离职，请核实后重新导入"); err != nil {
		t.Fatal(err)
	}
	if e.count("people") != 0 || e.count("employments") != 0 || e.count("submissions WHERE state = 'rejected'") != 1 {
		t.Errorf("rejected: %d people, %d employments", e.count("people"), e.count("employments"))
	}
	if n := storetest.Count(t, e.s, "audit_events WHERE entity = 'submission' AND entity_id = ? AND action = 'create' AND after_json LIKE ?", sub.ID, "%"+idA+"%"); n != 1 {
		t.Errorf("the held rows are not in the audit (%d events)", n)
	}
	if n := storetest.Count(t, e.s, "audit_events WHERE entity = 'submission' AND entity_id = ? AND action = 'reject' AND after_json LIKE ?", sub.ID, "%已离职%"); n != 1 {
		t.Errorf("the rejection is not in the audit (%d events)", n)
	}
}

// TestHeldImportRecheckedOnApproval: the approval imports the held rows
// again as of then. A dose period the office has filed meanwhile overlaps
// one of them: the approval is refused with the import's report row by
// row, nothing is written, and the submission stays pending. With review
// on, a batch of a held import that still applies and one that no longer
// does is refused whole (one transaction); the one that applies is then
// approved alone.
func TestHeldImportRecheckedOnApproval(t *testing.T) {
	e := newEnv(t)
	u := institutionUser(t, e)
	e.imp(nil, exchange.Options{}, e.file("人员.csv", staffCSV()))
	setReview(t, e.s, true)
	if rep := e.imp(u, exchange.Options{}, e.file("剂量.csv", dosesCSV("0.250"))); rep.Held == 0 {
		t.Fatalf("doses not held: %+v", rep.Problems)
	}
	doses := pending(t, e.s)
	y := today.Year() - 1
	trainings := "身份证号,培训日期,培训类别,考核结果\n" + idA + "," + fmt.Sprintf("%d-03-02", y) + ",在岗,合格\n"
	rep := e.imp(u, exchange.Options{}, e.file("培训.csv", trainings))
	if rep.Held == 0 {
		t.Fatalf("training not held: %+v", rep.Problems)
	}
	training := rep.Held
	// The office files a dose of A from February to April: it overlaps
	// the held first quarter.
	office := "身份证号,统一社会信用代码,监测起始日期,监测结束日期,Hp(10)\n" +
		idA + "," + instCode + "," + fmt.Sprintf("%d-02-01,%d-04-30", y, y) + ",0.100\n"
	if rep := e.imp(supervisorUser, exchange.Options{}, e.file("剂量.csv", office)); !rep.Written {
		t.Fatalf("the office's dose: %+v", rep.Problems)
	}
	reg := reviewer(e.s)
	err := reg.Approve(ctx, clerk, supervisorUser, []int64{training, doses.ID}, "")
	var refused *exchange.HeldRefused
	if !errors.As(err, &refused) || domain.ErrorCode(err) != domain.EINVALID || refused.Submission != doses.ID {
		t.Fatalf("approving an import that no longer applies: %v", err)
	}
	found := false
	for _, p := range refused.Report.Problems {
		found = found || p.Sheet == "剂量.csv" && p.Row == 2 && strings.Contains(p.Text("zh-CN"), "重叠")
	}
	if !found {
		t.Errorf("the refusal's report does not name the overlapping row: %+v", refused.Report.Problems)
	}
	if n := e.count("doses"); n != 1 {
		t.Errorf("%d doses after a refused approval, want the office's one", n)
	}
	if n := e.count("trainings"); n != 0 {
		t.Errorf("%d trainings written by a batch that was refused", n)
	}
	if n := e.count("submissions WHERE state = 'pending'"); n != 2 {
		t.Errorf("%d pending submissions after a refused approval, want 2", n)
	}
	if err := reg.Approve(ctx, clerk, supervisorUser, []int64{training}, ""); err != nil {
		t.Fatal(err)
	}
	if n := e.count("trainings"); n != 1 {
		t.Errorf("%d trainings after approving the held training", n)
	}
}

// TestImportNotHeld: with review off an institution user's import is
// written at once; with review on, a supervisor's import and the command
// line's (no user) are written at once, an institution's dry run holds
// nothing, and an institution's file with a problem is refused with its
// report and held neither.
func TestImportNotHeld(t *testing.T) {
	e := newEnv(t)
	u := institutionUser(t, e)
	if rep := e.imp(u, exchange.Options{}, e.file("人员.csv", staffCSV())); !rep.Written || rep.Held != 0 {
		t.Fatalf("review off: written %v held %d", rep.Written, rep.Held)
	}
	setReview(t, e.s, true)
	if rep := e.imp(supervisorUser, exchange.Options{}, e.file("剂量.csv", dosesCSV("0.250"))); !rep.Written || rep.Held != 0 {
		t.Errorf("supervisor's import: written %v held %d", rep.Written, rep.Held)
	}
	if rep := e.imp(nil, exchange.Options{}, e.file("剂量.csv", dosesCSV("0.300"))); !rep.Written || rep.Held != 0 {
		t.Errorf("command line's import: written %v held %d", rep.Written, rep.Held)
	}
	if rep := e.imp(u, exchange.Options{DryRun: true}, e.file("剂量.csv", dosesCSV("0.400"))); !rep.OK() || rep.Written || rep.Held != 0 {
		t.Errorf("institution's dry run: ok %v written %v held %d", rep.OK(), rep.Written, rep.Held)
	}
	bad := strings.Replace(staffCSV(), idB, idB[:17]+"0", 1)
	rep := e.imp(u, exchange.Options{}, e.file("人员.csv", bad))
	if rep.OK() || rep.Held != 0 || len(rep.Problems) == 0 || rep.Problems[0].Sheet != "人员.csv" || rep.Problems[0].Row != 4 {
		t.Errorf("institution's file with a bad ID number: ok %v held %d problems %+v", rep.OK(), rep.Held, rep.Problems)
	}
	// A clean file that changes nothing is not held either: there is
	// nothing to review.
	if rep := e.imp(u, exchange.Options{}, e.file("人员.csv", staffCSV())); !rep.OK() || rep.Held != 0 || rep.Changed() != 0 {
		t.Errorf("institution's unchanged staff list: ok %v held %d changed %d", rep.OK(), rep.Held, rep.Changed())
	}
	if n := e.count("submissions"); n != 0 {
		t.Errorf("%d submissions", n)
	}
}

// TestHeldImportBounded: a held import carries its rows, within bounds:
// past them it is refused with a problem that says how to split it.
func TestHeldImportBounded(t *testing.T) {
	e := newEnv(t)
	u := institutionUser(t, e)
	setReview(t, e.s, true)
	e.im.HeldRows = 1
	rep := e.imp(u, exchange.Options{}, e.file("人员.csv", staffCSV()))
	if rep.OK() || rep.Held != 0 || e.count("submissions") != 0 {
		t.Fatalf("a held import past its bound: ok %v held %d", rep.OK(), rep.Held)
	}
	if len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0].Text("zh-CN"), "最多 1 行") {
		t.Errorf("problems %+v", rep.Problems)
	}
	e.im.HeldRows, e.im.HeldBytes = 0, 40
	if rep := e.imp(u, exchange.Options{}, e.file("人员.csv", staffCSV())); rep.OK() || rep.Held != 0 {
		t.Errorf("a held import past its bytes: ok %v held %d", rep.OK(), rep.Held)
	}
	e.im.HeldBytes = 0
	if rep := e.imp(u, exchange.Options{}, e.file("人员.csv", staffCSV())); !rep.OK() || rep.Held == 0 {
		t.Errorf("within the default bounds: ok %v held %d", rep.OK(), rep.Held)
	}
}
