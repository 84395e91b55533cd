package enforcement_test

import (
	"context"
	"errors"
	"testing"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/enforcement"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// drawn sets up the fixture with three inspectors and a drawn plan of three units.
func drawn(t *testing.T) (*fixture, *enforcement.PlanView) {
	t.Helper()
	f := setup(t)
	f.inspectors(t, nil)
	p := f.plan(t, nil)
	v, err := f.svc.Draw(context.Background(), domain.Actor{}, f.sup, p.ID, p.Version, seed)
	if err != nil {
		t.Fatal(err)
	}
	return f, v
}

func (f *fixture) user(name string) *domain.User {
	for _, u := range f.users {
		if u.Username == name {
			return u
		}
	}
	return nil
}

func (f *fixture) other(x *domain.Inspection) *domain.User {
	for _, u := range f.users {
		if !x.IsInspector(u.Username) {
			return u
		}
	}
	return nil
}

func code(err error) string { return domain.ErrorCode(err) }

func TestInspectionOfADrawnUnit(t *testing.T) {
	f, pv := drawn(t)
	ctx := context.Background()
	var unit domain.PlanUnit
	for _, u := range pv.Units {
		if u.InstitutionID == f.insts[0].ID || unit.Order == 0 {
			unit = u
		}
	}
	day := domain.MustDate("2026-12-05")
	x, err := f.svc.CreateInspection(ctx, domain.Actor{}, f.sup, enforcement.NewInspection{PlanID: pv.Plan.ID, PlanOrder: unit.Order, Date: day, Place: "门诊楼一层放射科"})
	if err != nil {
		t.Fatal(err)
	}
	if x.Inspector1 != unit.Inspectors[0] || x.Inspector2 != unit.Inspectors[1] || x.Type != "random" || x.InstitutionID != unit.InstitutionID {
		t.Fatalf("inspection %+v from unit %+v", x, unit)
	}
	if _, err := f.svc.CreateInspection(ctx, domain.Actor{}, f.sup, enforcement.NewInspection{PlanID: pv.Plan.ID, PlanOrder: unit.Order, Date: day, Place: "x"}); code(err) != domain.ECONFLICT {
		t.Fatalf("a second inspection of the unit: %v", err)
	}
	if _, err := f.svc.CreateInspection(ctx, domain.Actor{}, f.sup, enforcement.NewInspection{PlanID: pv.Plan.ID, PlanOrder: 99, Date: day, Place: "x"}); code(err) != domain.EINVALID {
		t.Fatalf("no such unit: %v", err)
	}
	v, err := f.svc.Inspection(ctx, f.sup, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Items) != 18 {
		t.Fatalf("%d items", len(v.Items))
	}
	cats := map[string]bool{}
	if unit.InstitutionID == f.insts[0].ID {
		cats["radiotherapy"] = true
	} else if unit.InstitutionID == f.insts[1].ID {
		cats["nuclear_medicine"] = true
	}
	for _, it := range v.Items {
		want := "unchecked"
		if !it.AppliesTo(cats) {
			want = "na"
		}
		if it.Row.Result != want {
			t.Errorf("%s = %s, want %s", it.Code, it.Row.Result, want)
		}
		if it.Code == "JC-12" && unit.InstitutionID == f.insts[0].ID && len(it.Findings) != 3 {
			t.Errorf("JC-12 lists %d findings, want the institution's 3 open ones", len(it.Findings))
		}
		if it.Code != "JC-12" && len(it.Findings) != 0 {
			t.Errorf("%s lists findings %v", it.Code, it.Findings)
		}
	}
}

// adhoc creates an ad hoc inspection of the first institution by the first two inspectors.
func adhoc(t *testing.T, f *fixture) *domain.Inspection {
	t.Helper()
	x, err := f.svc.CreateInspection(context.Background(), domain.Actor{}, f.sup, enforcement.NewInspection{Type: "special",
		InstitutionID: f.insts[0].ID, Inspectors: [2]string{f.users[0].Username, f.users[1].Username},
		Date: domain.MustDate("2026-12-05"), Place: "放射科"})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func TestAdHocInspectionInputIsChecked(t *testing.T) {
	f := setup(t)
	f.inspectors(t, map[int][]string{2: {f.insts[0].CreditCode}})
	ctx := context.Background()
	a, b, c := f.users[0].Username, f.users[1].Username, f.users[2].Username
	good := enforcement.NewInspection{Type: "complaint", InstitutionID: f.insts[0].ID, Inspectors: [2]string{a, b},
		Date: domain.MustDate("2026-12-05"), Place: "放射科"}
	for name, c := range map[string]struct {
		mod   func(*enforcement.NewInspection)
		field string
	}{
		"type random":      {func(n *enforcement.NewInspection) { n.Type = "random" }, "type"},
		"no institution":   {func(n *enforcement.NewInspection) { n.InstitutionID = 0 }, "institution"},
		"same inspector":   {func(n *enforcement.NewInspection) { n.Inspectors[1] = a }, "inspector2"},
		"recused":          {func(n *enforcement.NewInspection) { n.Inspectors[1] = c }, "inspector2"},
		"not an inspector": {func(n *enforcement.NewInspection) { n.Inspectors[0] = "nobody" }, "inspector1"},
		"no date":          {func(n *enforcement.NewInspection) { n.Date = domain.Date{} }, "date"},
		"unknown code":     {func(n *enforcement.NewInspection) { n.InstitutionID, n.CreditCode = 0, "91410000MA00000000" }, "institution"},
		"control":          {func(n *enforcement.NewInspection) { n.Place = "a\x00b" }, "place"},
	} {
		in := good
		c.mod(&in)
		_, err := f.svc.CreateInspection(ctx, domain.Actor{}, f.sup, in)
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.EINVALID || de.Fields[c.field] == "" {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n := storetest.Count(t, f.s, "inspections"); n != 0 {
		t.Fatalf("%d inspections written by bad input", n)
	}
	viewer := &domain.User{Username: "v", Role: domain.RoleViewer}
	if _, err := f.svc.CreateInspection(ctx, domain.Actor{}, viewer, good); !errors.Is(err, auth.ErrForbidden) {
		t.Fatalf("a viewer creates: %v", err)
	}
}

func TestItemsSignLockAndAmend(t *testing.T) {
	f := setup(t)
	f.inspectors(t, nil)
	ctx := context.Background()
	x := adhoc(t, f)
	one, two, third := f.users[0], f.users[1], f.users[2]

	v, _ := f.svc.Inspection(ctx, one, x.ID)
	if !v.Editable || !v.MaySign {
		t.Fatalf("an inspector may not edit: %+v", v)
	}
	if _, err := f.svc.SaveItem(ctx, domain.Actor{}, third, x.ID, "JC-01", "compliant", "", 1); code(err) != domain.EFORBIDDEN {
		t.Fatalf("a third supervisor edits: %v", err)
	}
	if _, err := f.svc.SaveItem(ctx, domain.Actor{}, one, x.ID, "JC-01", "maybe", "", 1); code(err) != domain.EINVALID {
		t.Fatalf("a bad result: %v", err)
	}
	if _, err := f.svc.SaveItem(ctx, domain.Actor{}, one, x.ID, "JC-99", "compliant", "", 1); code(err) != domain.EINVALID {
		t.Fatalf("a bad item: %v", err)
	}
	it, err := f.svc.SaveItem(ctx, domain.Actor{}, one, x.ID, "JC-01", "compliant", "许可证在有效期内", 1)
	if err != nil || it.Version != 2 {
		t.Fatalf("save: %v %+v", err, it)
	}
	if _, err := f.svc.SaveItem(ctx, domain.Actor{}, two, x.ID, "JC-01", "noncompliant", "", 1); code(err) != domain.ESTALE {
		t.Fatalf("a concurrent edit: %v", err)
	}
	// Every item compliant except JC-15.
	for _, item := range enforcement.Checklist() {
		if item.Code == "JC-01" {
			continue
		}
		r := "compliant"
		if item.Code == "JC-15" {
			r = "noncompliant"
		}
		if v := itemOf(t, f, x.ID, item.Code); v.Row.Result != "na" {
			if _, err := f.svc.SaveItem(ctx, domain.Actor{}, one, x.ID, item.Code, r, "", v.Row.Version); err != nil {
				t.Fatal(err)
			}
		}
	}
	cur := inspection(t, f, x.ID)
	if _, err := f.svc.Sign(ctx, domain.Actor{}, one, x.ID, cur.Version); code(err) != domain.EINVALID {
		t.Fatalf("signed without an outcome: %v", err)
	}
	if _, err := f.svc.SetOutcome(ctx, domain.Actor{}, one, x.ID, enforcement.Outcome{Date: cur.Date, Place: cur.Place, Outcome: "compliant"}, cur.Version); code(err) != domain.EINVALID {
		t.Fatalf("符合 with a 不符合 item: %v", err)
	}
	cur, err = f.svc.SetOutcome(ctx, domain.Actor{}, one, x.ID, enforcement.Outcome{Date: cur.Date, Place: cur.Place, Outcome: "rectify"}, cur.Version)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Sign(ctx, domain.Actor{}, third, x.ID, cur.Version); code(err) != domain.EFORBIDDEN {
		t.Fatalf("a third supervisor signs: %v", err)
	}
	cur, err = f.svc.Sign(ctx, domain.Actor{}, one, x.ID, cur.Version)
	if err != nil || cur.Signed1At.IsZero() || cur.Locked() {
		t.Fatalf("first signature: %v %+v", err, cur)
	}
	// A change after one signature clears it.
	v15 := itemOf(t, f, x.ID, "JC-15")
	if _, err := f.svc.SaveItem(ctx, domain.Actor{}, two, x.ID, "JC-15", "noncompliant", "铅围脖缺失", v15.Row.Version); err != nil {
		t.Fatal(err)
	}
	cur = inspection(t, f, x.ID)
	if !cur.Signed1At.IsZero() {
		t.Fatal("a change kept the signature")
	}
	if cur, err = f.svc.Sign(ctx, domain.Actor{}, one, x.ID, cur.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Sign(ctx, domain.Actor{}, one, x.ID, cur.Version); code(err) != domain.ECONFLICT {
		t.Fatalf("signed twice: %v", err)
	}
	if cur, err = f.svc.Sign(ctx, domain.Actor{}, two, x.ID, cur.Version); err != nil || !cur.Locked() {
		t.Fatalf("second signature: %v %+v", err, cur)
	}
	// Locked: no edit, no outcome change; an amendment keeps the original.
	v15 = itemOf(t, f, x.ID, "JC-15")
	_, err = f.svc.SaveItem(ctx, domain.Actor{}, one, x.ID, "JC-15", "compliant", "", v15.Row.Version)
	var de *domain.Error
	if !errors.As(err, &de) || de.Message != "enforcement.error.locked" {
		t.Fatalf("edit after lock: %v", err)
	}
	if _, err := f.svc.SetOutcome(ctx, domain.Actor{}, one, x.ID, enforcement.Outcome{Date: cur.Date, Place: cur.Place, Outcome: "case"}, cur.Version); code(err) != domain.ECONFLICT {
		t.Fatalf("outcome after lock: %v", err)
	}
	if err := f.svc.Amend(ctx, domain.Actor{}, one, &domain.Amendment{InspectionID: x.ID, Code: "JC-15", Result: "compliant"}); code(err) != domain.EINVALID {
		t.Fatalf("an amendment without a reason: %v", err)
	}
	if err := f.svc.Amend(ctx, domain.Actor{}, third, &domain.Amendment{InspectionID: x.ID, Code: "JC-15", Result: "compliant", Reason: "r"}); code(err) != domain.EFORBIDDEN {
		t.Fatalf("an amendment by a third supervisor: %v", err)
	}
	if err := f.svc.Amend(ctx, domain.Actor{Username: two.Username}, two, &domain.Amendment{InspectionID: x.ID, Code: "JC-15", Result: "compliant", Note: "铅围脖已配备", Reason: "笔误：现场已配备"}); err != nil {
		t.Fatal(err)
	}
	v15 = itemOf(t, f, x.ID, "JC-15")
	if v15.Row.Result != "noncompliant" || v15.Amendment == nil || v15.Amendment.Result != "compliant" || v15.Amendment.By != two.Username {
		t.Fatalf("after amendment: %+v %+v", v15.Row, v15.Amendment)
	}
	// The database itself refuses a change of a locked item.
	if _, err := f.s.DB().ExecContext(ctx, f.s.Rebind("UPDATE inspection_items SET result = 'compliant' WHERE inspection_id = ?"), x.ID); err == nil {
		t.Fatal("the database changed a locked item")
	}
	if n := storetest.Count(t, f.s, "audit_events WHERE entity = 'inspection' AND action = 'sign'"); n != 3 {
		t.Errorf("%d sign events, want 3", n)
	}
}

func TestInstitutionSeesItsOwnSignedInspectionsOnly(t *testing.T) {
	f := setup(t)
	f.inspectors(t, nil)
	ctx := context.Background()
	x := adhoc(t, f)
	var own, other *domain.User
	err := f.s.WithTx(ctx, domain.System, func(tx *store.Tx) error {
		own = storetest.User(t, tx, domain.RoleInstitution, f.insts[0].ID)
		other = storetest.User(t, tx, domain.RoleInstitution, f.insts[1].ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Inspection(ctx, own, x.ID); code(err) != domain.ENOTFOUND {
		t.Fatalf("an unsigned inspection to its institution: %v", err)
	}
	signAll(t, f, x)
	if _, err := f.svc.Inspection(ctx, own, x.ID); err != nil {
		t.Fatalf("a signed inspection to its institution: %v", err)
	}
	if _, err := f.svc.Inspection(ctx, other, x.ID); code(err) != domain.ENOTFOUND {
		t.Fatalf("another institution's inspection: %v", err)
	}
	if l, _ := f.svc.Inspections(ctx, other, enforcement.InspectionList{}); len(l) != 0 {
		t.Fatalf("another institution lists %d", len(l))
	}
	if l, _ := f.svc.Inspections(ctx, own, enforcement.InspectionList{}); len(l) != 1 {
		t.Fatalf("its institution lists %d", len(l))
	}
}

// signAll checks every applicable item 符合, sets the outcome and signs as both inspectors.
func signAll(t *testing.T, f *fixture, x *domain.Inspection) *domain.Inspection {
	t.Helper()
	ctx := context.Background()
	one, two := f.user(x.Inspector1), f.user(x.Inspector2)
	v, err := f.svc.Inspection(ctx, one, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range v.Items {
		if it.Row.Result == "unchecked" {
			if _, err := f.svc.SaveItem(ctx, domain.Actor{}, one, x.ID, it.Code, "compliant", "", it.Row.Version); err != nil {
				t.Fatal(err)
			}
		}
	}
	cur := inspection(t, f, x.ID)
	cur, err = f.svc.SetOutcome(ctx, domain.Actor{}, one, x.ID, enforcement.Outcome{Date: cur.Date, Place: cur.Place, Outcome: "compliant"}, cur.Version)
	if err != nil {
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

func inspection(t *testing.T, f *fixture, id int64) *domain.Inspection {
	t.Helper()
	v, err := f.svc.Inspection(context.Background(), f.sup, id)
	if err != nil {
		t.Fatal(err)
	}
	return v.Inspection
}

func itemOf(t *testing.T, f *fixture, id int64, code string) enforcement.ItemView {
	t.Helper()
	v, err := f.svc.Inspection(context.Background(), f.sup, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range v.Items {
		if it.Code == code {
			return it
		}
	}
	t.Fatalf("no item %s", code)
	return enforcement.ItemView{}
}

func TestEvidenceIsCheckedByContentAndRefusedAfterLock(t *testing.T) {
	f := setup(t)
	f.inspectors(t, nil)
	ctx := context.Background()
	x := adhoc(t, f)
	one := f.user(x.Inspector1)
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 100)...)
	e, err := f.svc.AddEvidence(ctx, domain.Actor{}, one, x.ID, "JC-14", "C:\\照片\\警示标志.png", png)
	if err != nil {
		t.Fatal(err)
	}
	if e.ContentType != "image/png" || len(e.SHA256) != 64 || e.Name != "警示标志.png" || e.Size != int64(len(png)) {
		t.Fatalf("stored %+v", e)
	}
	for name, c := range map[string]struct {
		name string
		data []byte
		msg  string
	}{
		"html named .jpg": {"photo.jpg", []byte("<html><script>alert(1)</script></html>"), "enforcement.error.file_type"},
		"too large":       {"big.pdf", append([]byte("%PDF-1.7\n"), make([]byte, enforcement.MaxEvidence)...), "enforcement.error.file_too_large"},
		"empty":           {"e.pdf", nil, "error.invalid"},
	} {
		_, err := f.svc.AddEvidence(ctx, domain.Actor{}, one, x.ID, "JC-14", c.name, c.data)
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.EINVALID || de.Message != c.msg {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n := storetest.Count(t, f.s, "inspection_evidence"); n != 1 {
		t.Fatalf("%d files stored", n)
	}
	got, data, err := f.svc.Evidence(ctx, f.sup, x.ID, e.ID)
	if err != nil || got.SHA256 != e.SHA256 || len(data) != len(png) {
		t.Fatalf("read back: %v %+v", err, got)
	}
	signAll(t, f, x)
	if _, err := f.svc.AddEvidence(ctx, domain.Actor{}, one, x.ID, "JC-14", "p.png", png); code(err) != domain.ECONFLICT {
		t.Fatalf("evidence after lock: %v", err)
	}
	var other *domain.User
	_ = f.s.WithTx(ctx, domain.System, func(tx *store.Tx) error {
		other = storetest.User(t, tx, domain.RoleInstitution, f.insts[1].ID)
		return nil
	})
	if _, _, err := f.svc.Evidence(ctx, other, x.ID, e.ID); code(err) != domain.ENOTFOUND {
		t.Fatalf("another institution reads the evidence: %v", err)
	}
}
