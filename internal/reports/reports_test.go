package reports_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"radsup/internal/domain"
	"radsup/internal/reports"
	"radsup/internal/stats"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// district files the people of the hand-computed table below, for 2025:
//
//	P1  2A at A; 2024-12-01~2025-01-31 0.300 (ends in 2025: counts);
//	    2025-12-01~2026-01-31 5.000 (ends in 2026: not); a retired record
//	P2  2A at A until 2025-07-01, then 2E: 1.000 (Q1) and 0.500 (June) are
//	    2A; 4.500 (Jul–Sep, period end after the 2A job ended) is 2E; June
//	    (500 > 5000×30/365 = 410 µSv) and Jul–Sep (4500 > 1260) are above
//	    the investigation level, Q1 (1000 ≤ 1232) is not
//	P3  2B at B, left 2025-05-01: 0.000 (Q1, 2B: a zero); 0.200 (Q2, after
//	    leaving: unknown)
//	P4  2C at B: one lost record only (monitored, flagged, adds nothing)
//	P5  2D at A: 1.300 in 90 days (level 5000×90/365 = 1232 µSv: above),
//	    0.400 in 30 days (level 410 µSv: not above)
//	P6  no job at A: 60.000 in March (unknown, above 50, above the level)
func district(t *testing.T) (*store.Store, *domain.Institution, *domain.Institution) {
	t.Helper()
	s := storetest.Open(t)
	var a, b *domain.Institution
	d := domain.MustDate
	err := s.WithTx(context.Background(), domain.System, func(tx *store.Tx) error {
		a, b = storetest.Institution(t, tx), storetest.Institution(t, tx)
		job := func(p, inst int64, occ, from, to string) {
			storetest.Employment(t, tx, p, inst, func(e *domain.Employment) {
				e.Occupation, e.StartedOn = occ, d(from)
				if to != "" {
					e.EndedOn = d(to)
				}
			})
		}
		dose := func(p, inst int64, from, to string, microSv int64, mods ...func(*domain.DoseRecord)) *domain.DoseRecord {
			return storetest.Dose(t, tx, p, inst, append([]func(*domain.DoseRecord){func(r *domain.DoseRecord) {
				r.PeriodStart, r.PeriodEnd, r.Hp10 = d(from), d(to), domain.MicroSv(microSv)
			}}, mods...)...)
		}
		p := make([]int64, 7)
		for i := 1; i <= 6; i++ {
			p[i] = storetest.Person(t, tx).ID
		}
		job(p[1], a.ID, "2A", "2020-01-01", "")
		dose(p[1], a.ID, "2024-12-01", "2025-01-31", 300)
		dose(p[1], a.ID, "2025-12-01", "2026-01-31", 5000)
		gone := dose(p[1], a.ID, "2025-02-01", "2025-02-28", 9000)
		if _, err := store.Retire(tx, store.Doses, domain.Scope{}, gone.ID, gone.Version); err != nil {
			return err
		}
		job(p[2], a.ID, "2A", "2020-01-01", "2025-07-01")
		job(p[2], a.ID, "2E", "2025-07-01", "")
		dose(p[2], a.ID, "2025-01-01", "2025-03-31", 1000)
		dose(p[2], a.ID, "2025-06-01", "2025-06-30", 500)
		dose(p[2], a.ID, "2025-07-01", "2025-09-30", 4500)
		job(p[3], b.ID, "2B", "2019-01-01", "2025-05-01")
		dose(p[3], b.ID, "2025-01-01", "2025-03-31", 0)
		dose(p[3], b.ID, "2025-04-01", "2025-06-30", 200)
		job(p[4], b.ID, "2C", "2019-01-01", "")
		dose(p[4], b.ID, "2025-01-01", "2025-03-31", 0, func(r *domain.DoseRecord) { r.Hp10, r.Lost = domain.Dose{}, true })
		job(p[5], a.ID, "2D", "2019-01-01", "")
		dose(p[5], a.ID, "2025-01-01", "2025-03-31", 1300)
		dose(p[5], a.ID, "2025-04-01", "2025-04-30", 400)
		dose(p[6], a.ID, "2025-03-01", "2025-03-31", 60000)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, a, b
}

func fig(cat string, n int, coll, mean float64, bands stats.Bands, above, lost int) stats.DoseFigures {
	return stats.DoseFigures{Category: cat, Monitored: n, CollectiveDose: coll, MeanDose: mean, Bands: bands, AboveInvestigation: above, LostOnly: lost}
}

func TestDoseFiguresByHand(t *testing.T) {
	s, _, b := district(t)
	svc := &reports.Service{Store: s}
	sup := &domain.User{Role: domain.RoleSupervisor}
	got, err := svc.Dose(context.Background(), sup, 2025, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := &stats.DoseReport{Year: 2025, Categories: []stats.DoseFigures{
		fig("2A", 2, 0.0018, 0.9, stats.Bands{To1: 1, To5: 1}, 1, 0),
		fig("2B", 1, 0, 0, stats.Bands{Zero: 1}, 0, 0),
		fig("2C", 1, 0, 0, stats.Bands{Zero: 1}, 0, 1),
		fig("2D", 1, 0.0017, 1.7, stats.Bands{To5: 1}, 1, 0),
		fig("2E", 1, 0.0045, 4.5, stats.Bands{To5: 1}, 1, 0),
		fig(stats.Unknown, 2, 0.0602, 30.1, stats.Bands{To1: 1, Above50: 1}, 1, 0),
	}, All: fig("", 6, 0.0682, 11.367, stats.Bands{Zero: 1, To1: 2, To5: 1, To10: 1, Above50: 1}, 3, 1)}
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(want)
	if string(gj) != string(wj) {
		t.Errorf("2025 figures\n got %s\nwant %s", gj, wj)
	}

	// One institution: B holds P3 (2B zero, unknown 0.200) and P4 (lost).
	got, err = svc.Dose(context.Background(), sup, 2025, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.All.Monitored != 2 || got.All.CollectiveDose != 0.0002 || got.All.LostOnly != 1 || len(got.Categories) != 3 {
		t.Errorf("institution B: %+v", got)
	}
	// Its own user sees the same; another institution's user sees nothing of B.
	own, err := svc.Dose(context.Background(), &domain.User{Role: domain.RoleInstitution, InstitutionID: b.ID}, 2025, 0)
	if err != nil || own.All != got.All {
		t.Errorf("B's user: %+v, %v", own, err)
	}
	if _, err := svc.Dose(context.Background(), &domain.User{Role: domain.RoleInstitution, InstitutionID: b.ID + 100}, 2025, b.ID); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("another institution's user asks for B: %v", err)
	}
	if _, err := svc.Dose(context.Background(), &domain.User{Role: domain.RoleViewer}, 2025, 0); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("viewer: %v", err)
	}
	// 2026 holds P1's record ending in January only.
	got, _ = svc.Dose(context.Background(), sup, 2026, 0)
	if got.All.Monitored != 1 || got.All.CollectiveDose != 0.005 || len(got.Categories) != 1 || got.Categories[0].Category != "2A" {
		t.Errorf("2026: %+v", got)
	}
	// A year without records: no categories, zeros.
	got, _ = svc.Dose(context.Background(), sup, 2020, 0)
	if got.All.Monitored != 0 || got.All.MeanDose != 0 || len(got.Categories) != 0 {
		t.Errorf("2020: %+v", got)
	}
}

// TestRegisterByHand counts a small district whose figures are worked out
// in the comments; D is the store's today.
func TestRegisterByHand(t *testing.T) {
	s := storetest.Open(t)
	today := domain.DateOf(s.Now())
	err := s.WithTx(context.Background(), domain.System, func(tx *store.Tx) error {
		// Institutions: A (open, hospital, radiotherapy licence), B (open,
		// clinic, X-ray), C (closed, no licence), D (retired: not counted).
		a := storetest.Institution(t, tx, func(x *domain.Institution) { x.Street = "410102001" })
		storetest.Licence(t, tx, a.ID, func(l *domain.Licence) { l.Items = []string{"ct", "radiotherapy"} })
		b := storetest.Institution(t, tx, func(x *domain.Institution) { x.Kind, x.Street = "clinic", "410102002" })
		storetest.Licence(t, tx, b.ID)
		c := storetest.Institution(t, tx, func(x *domain.Institution) { x.Status = "closed" })
		d := storetest.Institution(t, tx)
		if _, err := store.Retire(tx, store.Institutions, domain.Scope{}, d.ID, d.Version); err != nil {
			return err
		}
		// B's retired radiotherapy licence does not count; E (open, with
		// PET and dental items) is nuclear medicine.
		old := storetest.Licence(t, tx, b.ID, func(l *domain.Licence) { l.LicenceNo, l.Items = "OLD-1", []string{"radiotherapy"} })
		if _, err := store.Retire(tx, store.Licences, domain.Scope{}, old.ID, old.Version); err != nil {
			return err
		}
		e := storetest.Institution(t, tx, func(x *domain.Institution) { x.Street = "410102003" })
		storetest.Licence(t, tx, e.ID, func(l *domain.Licence) { l.Items = []string{"dental_xray", "pet"} })
		// Workers on D: P1 (2A at A, permit, trained, examined); P2 (2D at
		// A and 2A at B, no permits, exam three years ago); P3 left
		// yesterday; P4 starts tomorrow.
		p1, p2, p3, p4 := storetest.Person(t, tx), storetest.Person(t, tx), storetest.Person(t, tx), storetest.Person(t, tx)
		storetest.Employment(t, tx, p1.ID, a.ID)
		storetest.Training(t, tx, p1.ID)
		storetest.Exam(t, tx, p1.ID)
		storetest.Employment(t, tx, p2.ID, a.ID, func(e *domain.Employment) { e.Occupation, e.PermitNo, e.PermitIssuedOn = "2D", "", domain.Date{} })
		storetest.Employment(t, tx, p2.ID, b.ID, func(e *domain.Employment) { e.PermitNo, e.PermitIssuedOn = "", domain.Date{} })
		storetest.Exam(t, tx, p2.ID, func(x *domain.Exam) { x.ExaminedOn = today.AddDate(-3, 0, 0) })
		storetest.Training(t, tx, p2.ID, func(x *domain.Training) { x.Passed = "fail" }) // failed: not trained
		storetest.Employment(t, tx, p3.ID, a.ID, func(e *domain.Employment) { e.EndedOn = today })
		storetest.Employment(t, tx, p4.ID, a.ID, func(e *domain.Employment) { e.StartedOn = today.AddDate(0, 0, 1) })
		// Equipment in use at open institutions: A's DR (status test six
		// months ago, protection test 13 months ago), A's interventional
		// C-arm, B's intraoral unit; not A's idle CT nor C's DR.
		dr := storetest.Equipment(t, tx, a.ID)
		storetest.Test(t, tx, dr.ID, func(x *domain.EquipmentTest) { x.TestedOn = today.AddDate(0, -6, 0) })
		storetest.Test(t, tx, dr.ID, func(x *domain.EquipmentTest) { x.Kind, x.TestedOn = "protection", today.AddDate(0, -13, 0) })
		storetest.Equipment(t, tx, a.ID, func(x *domain.Equipment) { x.Type, x.Interventional = "c_arm", true })
		storetest.Equipment(t, tx, a.ID, func(x *domain.Equipment) { x.Type, x.Status = "ct", "idle" })
		storetest.Equipment(t, tx, b.ID, func(x *domain.Equipment) { x.Type = "dental_intraoral" })
		storetest.Equipment(t, tx, c.ID)
		// Findings: one open at A, one resolved at B.
		for i, st := range []string{domain.FindingOpen, "resolved"} {
			inst := []int64{a.ID, b.ID}[i]
			if err := tx.PutFinding(&domain.Finding{Rule: "EQP-STATUS-OVERDUE", Severity: domain.Violation, SubjectType: "equipment",
				SubjectKey: "k", SubjectID: int64(i + 1), InstitutionID: inst, Template: "EQP-STATUS-OVERDUE",
				DueOn: today, Status: st, FirstSeen: today, LastSeen: today}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	svc := &reports.Service{Store: s}
	r, err := svc.Register(context.Background(), &domain.User{Role: domain.RoleSupervisor}, today)
	if err != nil {
		t.Fatal(err)
	}
	c := func(kv ...any) []stats.Count {
		var out []stats.Count
		for i := 0; i < len(kv); i += 2 {
			out = append(out, stats.Count{Key: kv[i].(string), N: kv[i+1].(int)})
		}
		return out
	}
	want := &stats.Register{AsOf: today.String(),
		Institutions: stats.Institutions{Total: 4, ByStatus: c("open", 3, "closed", 1),
			ByKind: c("general_hospital", 3, "clinic", 1), ByStreet: c("410102001", 2, "410102002", 1, "410102003", 1),
			ByCategory: c("", 1, "nuclear_medicine", 1, "radiotherapy", 1, "xray_imaging", 1)},
		Workers: stats.Workers{Total: 2, Permit: 1, Trained: 1, Examined: 1, PermitShare: 0.5, TrainedShare: 0.5, ExaminedShare: 0.5,
			ByOccupation: c("2A", 2, "2D", 1), ByKind: c("general_hospital", 2, "clinic", 1), ByStreet: c("410102001", 2, "410102002", 1)},
		Equipment: stats.Equipment{InUse: 3, StatusTested: 1, ProtectionTested: 0, StatusShare: 0.3333, ProtectionShare: 0,
			ByType: c("c_arm", 1, "dental_intraoral", 1, "dr", 1), ByCategory: c("xray_imaging", 2, "interventional", 1)},
		Findings: stats.OpenFindings{Open: 1, ByRule: c("EQP-STATUS-OVERDUE", 1), BySeverity: c("violation", 1),
			ByStreet: c("410102001", 1), ByKind: c("general_hospital", 1)},
	}
	gj, _ := json.Marshal(r)
	wj, _ := json.Marshal(want)
	if string(gj) != string(wj) {
		t.Errorf("register\n got %s\nwant %s", gj, wj)
	}
	if _, err := svc.Register(context.Background(), &domain.User{Role: domain.RoleInstitution, InstitutionID: 1}, today); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("institution user: %v", err)
	}
}

// TestInstitutionHome: an institution user gets its own counts, deadlines
// and dose figures for this year and the last; another institution's is
// not found; a viewer gets no health data; a window must be one offered.
func TestInstitutionHome(t *testing.T) {
	s, a, b := district(t)
	svc := &reports.Service{Store: s}
	ctx, asOf := context.Background(), domain.MustDate("2026-03-15")
	own := &domain.User{Role: domain.RoleInstitution, InstitutionID: a.ID}
	h, err := svc.InstitutionHome(ctx, own, 0, asOf, 60)
	if err != nil {
		t.Fatal(err)
	}
	if h.InstitutionID != a.ID || h.Workers != 3 || h.Equipment != 0 {
		t.Errorf("counts: %+v", h)
	}
	// P1's last dose period at A ends 2026-01-31: due 90 days later.
	if len(h.Due) != 1 || h.Due[0].Kind != stats.DueDose || h.Due[0].DueOn.String() != "2026-05-01" || h.Due[0].DaysLeft != 47 {
		t.Errorf("due: %+v", h.Due)
	}
	if len(h.Dose) != 2 || h.Dose[0].Year != 2026 || h.Dose[1].Year != 2025 || h.Dose[0].All.Monitored != 1 {
		t.Errorf("dose: %+v", h.Dose)
	}
	if h, err := svc.InstitutionHome(ctx, own, 0, asOf, 30); err != nil || len(h.Due) != 0 {
		t.Errorf("30 days: %+v, %v", h, err)
	}
	if _, err := svc.InstitutionHome(ctx, own, b.ID, asOf, 60); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("another institution's home: %v", err)
	}
	if _, err := svc.InstitutionHome(ctx, own, 0, asOf, 45); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("a 45-day window: %v", err)
	}
	v, err := svc.InstitutionHome(ctx, &domain.User{Role: domain.RoleViewer}, a.ID, asOf, 60)
	if err != nil || len(v.Due) != 0 || v.Dose != nil {
		t.Errorf("viewer: %+v, %v", v, err)
	}
	if _, err := svc.InstitutionHome(ctx, &domain.User{Role: domain.RoleAdmin}, a.ID, asOf, 60); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("admin: %v", err)
	}
}

// TestOverviewServedFromItsLastComputation: within its TTL the overview is
// the same computation; a change shows once it has passed.
func TestOverviewServedFromItsLastComputation(t *testing.T) {
	s := storetest.Open(t)
	svc := &reports.Service{Store: s, OverviewTTL: time.Hour}
	sup := &domain.User{Role: domain.RoleSupervisor}
	today := domain.DateOf(s.Now())
	a, err := svc.Overview(context.Background(), sup, today, 10)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.WithTx(context.Background(), domain.System, func(tx *store.Tx) error { storetest.Institution(t, tx); return nil }); err != nil {
		t.Fatal(err)
	}
	b, _ := svc.Overview(context.Background(), sup, today, 10)
	if b != a || b.Register.Institutions.Total != 0 {
		t.Errorf("a second call within the TTL computed again: %+v", b.Register.Institutions)
	}
	svc.OverviewTTL = -1
	c, _ := svc.Overview(context.Background(), sup, today, 10)
	if c.Register.Institutions.Total != 1 || len(c.TopRisk) != 1 {
		t.Errorf("after the TTL: %+v", c.Register.Institutions)
	}
	if _, err := svc.Overview(context.Background(), &domain.User{Role: domain.RoleInstitution, InstitutionID: 1}, today, 10); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("institution user: %v", err)
	}
}
