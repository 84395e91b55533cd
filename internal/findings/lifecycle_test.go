package findings_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"radsup/internal/domain"
	"radsup/internal/findings"
	"radsup/internal/screening"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// day0 is the first as-of date of the life-cycle tests; the store's clock
// is fixed on it so that the builders' dates are relative to it.
var day0 = domain.MustDate("2026-06-30")

func setup(t testing.TB) (*store.Store, *findings.Service) {
	t.Helper()
	s := storetest.Open(t)
	s.Now = func() time.Time { return day0.Time().Add(8 * time.Hour) }
	return s, &findings.Service{Store: s, Logger: slog.New(slog.NewTextHandler(t.Output(), nil))}
}

// lcFixture is an institution with a DR whose status test is overdue, and
// a worker there without a permit number.
type lcFixture struct {
	inst *domain.Institution
	dr   *domain.Equipment
	p    *domain.Person
	emp  *domain.Employment
}

func newLCFixture(t *testing.T, s *store.Store) lcFixture {
	t.Helper()
	var f lcFixture
	mustTx(t, s, func(tx *store.Tx) error {
		f.inst = storetest.Institution(t, tx)
		storetest.Licence(t, tx, f.inst.ID)
		f.dr = storetest.Equipment(t, tx, f.inst.ID)
		storetest.Test(t, tx, f.dr.ID, func(x *domain.EquipmentTest) { x.Kind, x.TestedOn = "acceptance", day0.AddDate(0, 0, -400) })
		storetest.Test(t, tx, f.dr.ID, func(x *domain.EquipmentTest) { x.Kind, x.TestedOn = "protection", day0.AddDate(0, 0, -10) })
		f.p = storetest.Person(t, tx)
		f.emp = storetest.Employment(t, tx, f.p.ID, f.inst.ID, func(e *domain.Employment) { e.PermitNo = "" })
		return nil
	})
	return f
}

func mustTx(t testing.TB, s *store.Store, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := s.WithTx(context.Background(), domain.Actor{Username: "sup"}, fn); err != nil {
		t.Fatal(err)
	}
}

func rescreen(t *testing.T, svc *findings.Service, entity string, id int64, asOf domain.Date) {
	t.Helper()
	mustTx(t, svc.Store, func(tx *store.Tx) error { return svc.Rescreen(tx, entity, []int64{id}, asOf) })
}

// stored returns the stored finding of a rule for a subject.
func stored(t *testing.T, s *store.Store, rule, subjectType string, subjectID int64) *domain.Finding {
	t.Helper()
	var f *domain.Finding
	s.View(context.Background(), func(tx *store.Tx) error {
		p, err := tx.FindFindings(domain.Scope{}, store.FindingFilter{Rule: rule, SubjectType: subjectType, SubjectID: subjectID})
		if err != nil || len(p.Findings) != 1 {
			t.Fatalf("%s of %s %d: %d stored, %v", rule, subjectType, subjectID, len(p.Findings), err)
		}
		f = p.Findings[0]
		return nil
	})
	return f
}

func TestEquipmentFindingLifeCycle(t *testing.T) {
	s, svc := setup(t)
	f := newLCFixture(t, s)
	day1, day2 := day0.AddDate(0, 0, 1), day0.AddDate(0, 0, 2)

	rescreen(t, svc, "equipment", f.dr.ID, day0)
	first := stored(t, s, screening.EqpStatusOverdue, screening.SubjectEquipment, f.dr.ID)
	if first.Status != domain.FindingOpen || !first.FirstSeen.Equal(day0) || !first.LastSeen.Equal(day0) ||
		!first.DueOn.Equal(day0.AddDate(0, 0, 30)) || first.InstitutionID != f.inst.ID || first.FactsHash == "" {
		t.Fatalf("opened: %+v", first)
	}

	rescreen(t, svc, "equipment", f.dr.ID, day1)
	still := stored(t, s, screening.EqpStatusOverdue, screening.SubjectEquipment, f.dr.ID)
	if still.ID != first.ID || !still.LastSeen.Equal(day1) || !still.FirstSeen.Equal(day0) || !still.DueOn.Equal(first.DueOn) ||
		still.Version != first.Version {
		t.Errorf("still open: %+v", still)
	}

	var test *domain.EquipmentTest
	mustTx(t, s, func(tx *store.Tx) error {
		test = storetest.Test(t, tx, f.dr.ID, func(x *domain.EquipmentTest) { x.TestedOn = day1 })
		return svc.Rescreen(tx, "test", []int64{test.ID}, day1)
	})
	fixed := stored(t, s, screening.EqpStatusOverdue, screening.SubjectEquipment, f.dr.ID)
	if fixed.Status != domain.FindingResolved || fixed.ResolvedAt.IsZero() || fixed.Version != still.Version+1 {
		t.Errorf("resolved: %+v", fixed)
	}

	mustTx(t, s, func(tx *store.Tx) error {
		if _, err := store.Retire(tx, store.Tests, domain.Scope{}, test.ID, test.Version); err != nil {
			return err
		}
		return svc.Rescreen(tx, "test", []int64{test.ID}, day2)
	})
	again := stored(t, s, screening.EqpStatusOverdue, screening.SubjectEquipment, f.dr.ID)
	if again.Status != domain.FindingOpen || !again.FirstSeen.Equal(day2) || !again.DueOn.Equal(day2.AddDate(0, 0, 30)) ||
		!again.ResolvedAt.IsZero() || again.ID != first.ID {
		t.Errorf("reopened: %+v", again)
	}

	mustTx(t, s, func(tx *store.Tx) error {
		if _, err := store.Retire(tx, store.Equipment, domain.Scope{}, f.dr.ID, f.dr.Version); err != nil {
			return err
		}
		return svc.Rescreen(tx, "equipment", []int64{f.dr.ID}, day2)
	})
	if gone := stored(t, s, screening.EqpStatusOverdue, screening.SubjectEquipment, f.dr.ID); gone.Status != domain.FindingResolved {
		t.Errorf("finding of a retired device: %+v", gone)
	}
}

func TestDismiss(t *testing.T) {
	s, svc := setup(t)
	f := newLCFixture(t, s)
	ctx := context.Background()
	rescreen(t, svc, "person", f.p.ID, day0)
	fnd := stored(t, s, screening.PerPermitMissing, screening.SubjectPerson, f.p.ID)

	var sup, iu *domain.User
	mustTx(t, s, func(tx *store.Tx) error {
		sup, iu = storetest.User(t, tx, domain.RoleSupervisor, 0), storetest.User(t, tx, domain.RoleInstitution, f.inst.ID)
		return nil
	})
	actor := domain.Actor{UserID: sup.ID, Username: sup.Username}
	if err := svc.Dismiss(ctx, actor, iu, fnd.ID, fnd.Version, "已核实"); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("institution user dismisses: %v", err)
	}
	var de *domain.Error
	if err := svc.Dismiss(ctx, actor, sup, fnd.ID, fnd.Version, "  "); !errors.As(err, &de) || de.Code != domain.EINVALID || de.Fields["reason"] != domain.CodeRequired {
		t.Errorf("dismiss without a reason: %v", err)
	}
	if err := svc.Dismiss(ctx, actor, sup, fnd.ID, fnd.Version-1, "已核实"); !errors.Is(err, store.ErrStale) {
		t.Errorf("stale dismiss: %v", err)
	}
	if err := svc.Dismiss(ctx, actor, sup, fnd.ID, fnd.Version, "已核实，人员证在办理中"); err != nil {
		t.Fatal(err)
	}
	dismissed := stored(t, s, screening.PerPermitMissing, screening.SubjectPerson, f.p.ID)
	if dismissed.Status != domain.FindingDismissed || dismissed.DismissedBy != sup.Username || dismissed.DismissReason != "已核实，人员证在办理中" {
		t.Fatalf("dismissed: %+v", dismissed)
	}

	// Unchanged facts, a new day, a renamed person: it stays dismissed.
	mustTx(t, s, func(tx *store.Tx) error {
		f.p.Name = "改名后"
		if err := store.Update(tx, store.People, domain.Scope{}, f.p); err != nil {
			return err
		}
		return svc.Rescreen(tx, "person", []int64{f.p.ID}, day0.AddDate(0, 0, 1))
	})
	if _, err := svc.RunFull(ctx, day0.AddDate(0, 0, 2)); err != nil {
		t.Fatal(err)
	}
	kept := stored(t, s, screening.PerPermitMissing, screening.SubjectPerson, f.p.ID)
	if kept.Status != domain.FindingDismissed || !kept.LastSeen.Equal(day0.AddDate(0, 0, 2)) || kept.Version != dismissed.Version {
		t.Errorf("dismissed finding on unchanged facts: %+v", kept)
	}

	// The facts change (another start date): it reopens.
	mustTx(t, s, func(tx *store.Tx) error {
		f.emp.StartedOn = f.emp.StartedOn.AddDate(0, -1, 0)
		if err := store.Update(tx, store.Employments, domain.Scope{}, f.emp); err != nil {
			return err
		}
		return svc.Rescreen(tx, "employment", []int64{f.emp.ID}, day0.AddDate(0, 0, 3))
	})
	reopened := stored(t, s, screening.PerPermitMissing, screening.SubjectPerson, f.p.ID)
	if reopened.Status != domain.FindingOpen || !reopened.FirstSeen.Equal(day0.AddDate(0, 0, 3)) || reopened.DismissReason != "" {
		t.Errorf("reopened on new facts: %+v", reopened)
	}
	if audits := storetest.Count(t, s, "audit_events WHERE entity = 'finding'"); audits != 1 {
		t.Errorf("%d audit events about findings, want the dismissal only", audits)
	}
}

func TestRunFullResolvesVanishedSubjects(t *testing.T) {
	s, svc := setup(t)
	ctx := context.Background()
	// A finding of a person that no longer exists (ids beyond every
	// subject), and one of a retired person.
	var retired *domain.Person
	mustTx(t, s, func(tx *store.Tx) error {
		inst := storetest.Institution(t, tx)
		retired = storetest.Person(t, tx)
		e := storetest.Employment(t, tx, retired.ID, inst.ID, func(e *domain.Employment) { e.PermitNo = "" })
		if err := svc.Rescreen(tx, "employment", []int64{e.ID}, day0); err != nil {
			return err
		}
		_, err := store.Retire(tx, store.People, domain.Scope{}, retired.ID, retired.Version)
		if err != nil {
			return err
		}
		ghost := store.FindingOf(screening.Finding{Rule: screening.PerMultiSite, Severity: domain.Notice,
			SubjectType: screening.SubjectPerson, SubjectKey: "x", SubjectID: 1 << 40, InstitutionID: inst.ID, Template: screening.PerMultiSite})
		ghost.Status, ghost.DueOn, ghost.FirstSeen, ghost.LastSeen = domain.FindingOpen, day0, day0, day0
		return tx.PutFinding(ghost)
	})
	stats, err := svc.RunFull(ctx, day0)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Resolved < 2 {
		t.Errorf("run resolved %d findings, want the ghost's and the retired person's: %+v", stats.Resolved, stats)
	}
	s.View(ctx, func(tx *store.Tx) error {
		p, err := tx.FindFindings(domain.Scope{}, store.FindingFilter{Status: domain.FindingOpen, SubjectType: screening.SubjectPerson})
		if err != nil || p.Total != 0 {
			t.Errorf("open person findings after the run: %d, %v", p.Total, err)
		}
		return nil
	})
}

// TestMoveEquipment checks that moving a device re-screens the institution
// it left: an unlicensed institution's finding counts its devices in use.
func TestMoveEquipment(t *testing.T) {
	s, svc := setup(t)
	m := newMoveFixture(t, s)
	rescreen(t, svc, "equipment", m.moved.ID, day0)
	if f := stored(t, s, screening.InsLicenceMissing, screening.SubjectInstitution, m.from.ID); f.Evidence.Value("in_use_count") != "2" {
		t.Fatalf("before the move: %+v", f)
	}
	m.move(t, svc)
	if f := stored(t, s, screening.InsLicenceMissing, screening.SubjectInstitution, m.from.ID); f.Evidence.Value("in_use_count") != "1" {
		t.Errorf("after the move: %+v", f)
	}
}

// moveFixture is an unlicensed institution with two devices in use, one of
// which moves to a licensed institution.
type moveFixture struct {
	from, to *domain.Institution
	moved    *domain.Equipment
}

func newMoveFixture(t *testing.T, s *store.Store) moveFixture {
	t.Helper()
	var m moveFixture
	mustTx(t, s, func(tx *store.Tx) error {
		m.from, m.to = storetest.Institution(t, tx), storetest.Institution(t, tx)
		storetest.Licence(t, tx, m.to.ID)
		storetest.Equipment(t, tx, m.from.ID)
		m.moved = storetest.Equipment(t, tx, m.from.ID)
		return nil
	})
	return m
}

// move moves the device and re-screens it in the same transaction, as the
// registry does.
func (m moveFixture) move(t *testing.T, svc *findings.Service) {
	t.Helper()
	mustTx(t, svc.Store, func(tx *store.Tx) error {
		m.moved.InstitutionID = m.to.ID
		if err := store.Update(tx, store.Equipment, domain.Scope{}, m.moved); err != nil {
			return err
		}
		return svc.Rescreen(tx, "equipment", []int64{m.moved.ID}, day0)
	})
}

// TestRunFullSeesChangesWhileItReads commits changes, each with its own
// re-screening as the registry does, between a full run's read of a batch
// and its write: the run must write what the changed facts give, not what
// it read before them.
func TestRunFullSeesChangesWhileItReads(t *testing.T) {
	forEachHook(t, runFullSeesChanges)
}

// forEachHook runs a test with the hook where changes land after a batch's
// read, and with the one just before its write.
func forEachHook(t *testing.T, test func(t *testing.T, hook func(*findings.Service, func()))) {
	t.Run("after read", func(t *testing.T) { test(t, findings.SetAfterRead) })
	t.Run("before write", func(t *testing.T) { test(t, findings.SetBeforeWrite) })
}

func runFullSeesChanges(t *testing.T, hook func(*findings.Service, func())) {
	s, svc := setup(t)
	f := newLCFixture(t, s) // its DR's status test is overdue
	m := newMoveFixture(t, s)
	if _, err := svc.RunFull(context.Background(), day0); err != nil {
		t.Fatal(err)
	}
	if f := stored(t, s, screening.InsLicenceMissing, screening.SubjectInstitution, m.from.ID); f.Evidence.Value("in_use_count") != "2" {
		t.Fatalf("before the move: %+v", f)
	}
	if f := stored(t, s, screening.EqpStatusOverdue, screening.SubjectEquipment, f.dr.ID); f.Status != domain.FindingOpen {
		t.Fatalf("before the test: %+v", f)
	}

	batches := 0
	hook(svc, func() {
		batches++
		switch batches {
		case 1: // the institutions are read: a device leaves one
			m.move(t, svc)
		case 2: // the equipment is read: the overdue DR is tested
			mustTx(t, s, func(tx *store.Tx) error {
				test := storetest.Test(t, tx, f.dr.ID, func(x *domain.EquipmentTest) { x.TestedOn = day0 })
				return svc.Rescreen(tx, "test", []int64{test.ID}, day0)
			})
		}
	})
	if _, err := svc.RunFull(context.Background(), day0); err != nil {
		t.Fatal(err)
	}
	if batches != 3 {
		t.Fatalf("%d batches read, want one of each kind", batches)
	}
	if f := stored(t, s, screening.InsLicenceMissing, screening.SubjectInstitution, m.from.ID); f.Evidence.Value("in_use_count") != "1" {
		t.Errorf("after the move: %+v", f)
	}
	if f := stored(t, s, screening.EqpStatusOverdue, screening.SubjectEquipment, f.dr.ID); f.Status != domain.FindingResolved {
		t.Errorf("after the test: %+v", f)
	}
}

// TestRunInBackgroundIsComplete checks that the paced run, resting between
// small batches, screens everything: a full run after it changes nothing.
func TestRunInBackgroundIsComplete(t *testing.T) {
	s, svc := setup(t)
	svc.Batch = 2 // several batches of each kind
	for range 3 {
		newLCFixture(t, s)
	}
	bg, err := svc.RunInBackground(context.Background(), day0)
	if err != nil {
		t.Fatal(err)
	}
	if bg.Subjects < 9 || bg.Opened < 6 {
		t.Fatalf("background run: %+v", bg)
	}
	full, err := svc.RunFull(context.Background(), day0)
	if err != nil {
		t.Fatal(err)
	}
	if full.Opened != 0 || full.Resolved != 0 || full.StillOpen != bg.Opened || full.Subjects != bg.Subjects {
		t.Errorf("full run after the background run: %+v, background %+v", full, bg)
	}
}

// TestRunFullSeesLicenceActsWhileItReads: a licence cancelled (注销)
// between a batch's read and its write is audited as an act of the licence,
// not a change of it; the run must still write what the cancelled licence
// gives.
func TestRunFullSeesLicenceActsWhileItReads(t *testing.T) {
	forEachHook(t, runFullSeesLicenceActs)
}

func runFullSeesLicenceActs(t *testing.T, hook func(*findings.Service, func())) {
	s, svc := setup(t)
	var inst *domain.Institution
	var lic *domain.Licence
	mustTx(t, s, func(tx *store.Tx) error {
		inst = storetest.Institution(t, tx)
		lic = storetest.Licence(t, tx, inst.ID)
		storetest.Equipment(t, tx, inst.ID)
		return nil
	})
	if _, err := svc.RunFull(context.Background(), day0); err != nil {
		t.Fatal(err)
	}
	batches := 0
	hook(svc, func() {
		if batches++; batches == 1 { // the institutions are read
			mustTx(t, s, func(tx *store.Tx) error {
				if err := tx.AddLicenceAct(&domain.LicenceAct{LicenceID: lic.ID, Kind: domain.ActCancel, On: day0,
					DocumentNo: "中原卫放注〔2026〕1号", Note: "机构申请注销"}); err != nil {
					return err
				}
				return svc.Rescreen(tx, "licence", []int64{lic.ID}, day0)
			})
			if f := stored(t, s, screening.InsLicenceMissing, screening.SubjectInstitution, inst.ID); f.Status != domain.FindingOpen {
				t.Fatalf("after the act's own re-screening: %+v", f)
			}
		}
	})
	if _, err := svc.RunFull(context.Background(), day0); err != nil {
		t.Fatal(err)
	}
	if f := stored(t, s, screening.InsLicenceMissing, screening.SubjectInstitution, inst.ID); f.Status != domain.FindingOpen {
		t.Errorf("after the run: %+v", f)
	}
}
