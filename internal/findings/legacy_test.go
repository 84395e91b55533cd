package findings_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/screening"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// oldFactsHash is the facts hash findings had before they named their
// template, over their evidence of then (Chinese text), as migration 0007
// marks it.
func oldFactsHash(f *domain.Finding, ev map[string]string) string {
	ev = maps.Clone(ev)
	for _, k := range []string{"institution_name", "credit_code", "name", "equipment", "model", "serial_no",
		"days_left", "overdue_days", "window_from", "window_to", "gap_days", "first_gap_from", "first_gap_to"} {
		delete(ev, k)
	}
	b, _ := json.Marshal([]any{f.Rule, f.SubjectType, f.SubjectID, f.InstitutionID, ev})
	sum := sha256.Sum256(b)
	return "v1:" + hex.EncodeToString(sum[:16])
}

// makeOld turns a stored finding into one written before 0007: its
// evidence as the Chinese text of then, its hash marked, dismissed.
func makeOld(t *testing.T, s *store.Store, f *domain.Finding, old map[string]string) {
	t.Helper()
	f.Evidence = domain.Evidence{}
	for k, v := range old {
		f.Evidence[k] = domain.Fact{Value: v}
	}
	f.FactsHash = oldFactsHash(f, old)
	f.Status, f.DismissedBy, f.DismissReason = domain.FindingDismissed, "sup", "已核实"
	mustTx(t, s, func(tx *store.Tx) error { return tx.PutFinding(f) })
}

// TestDismissalsWrittenBeforeTemplates: a finding dismissed before its
// evidence was stored in no language stays dismissed while its facts are
// unchanged, and takes the new evidence and hash; on other facts it reopens.
func TestDismissalsWrittenBeforeTemplates(t *testing.T) {
	s, svc := setup(t)
	var dr *domain.Equipment
	var p *domain.Person
	mustTx(t, s, func(tx *store.Tx) error {
		inst := storetest.Institution(t, tx)
		storetest.Licence(t, tx, inst.ID)
		dr = storetest.Equipment(t, tx, inst.ID)
		storetest.Test(t, tx, dr.ID, func(x *domain.EquipmentTest) { x.Kind, x.TestedOn = "acceptance", day0.AddDate(0, 0, -100) })
		storetest.Test(t, tx, dr.ID, func(x *domain.EquipmentTest) { x.Kind, x.TestedOn, x.Result = "status", day0.AddDate(0, 0, -5), "fail" })
		storetest.Test(t, tx, dr.ID, func(x *domain.EquipmentTest) { x.Kind, x.TestedOn = "protection", day0.AddDate(0, 0, -10) })
		p = storetest.Person(t, tx)
		storetest.Employment(t, tx, p.ID, inst.ID)
		storetest.Dose(t, tx, p.ID, inst.ID, func(x *domain.DoseRecord) { x.Hp10 = domain.MicroSv(3000) })
		return nil
	})
	ctx := context.Background()
	if _, err := svc.RunFull(ctx, day0); err != nil {
		t.Fatal(err)
	}
	failed := stored(t, s, screening.EqpFailedInUse, screening.SubjectEquipment, dr.ID)
	ev := failed.Evidence
	makeOld(t, s, failed, map[string]string{"equipment": ev.Value("equipment"), "type": "dr", "model": ev.Value("model"),
		"serial_no": ev.Value("serial_no"), "institution_name": ev.Value("institution_name"), "credit_code": ev.Value("credit_code"),
		"test_kind": "状态检测", "tested_on": ev.Value("tested_on"), "result": "不合格", "report_no": ev.Value("report_no"),
		"agency": ev.Value("agency")})
	high := stored(t, s, screening.PerDoseInvestigate, screening.SubjectPerson, p.ID)
	it := high.Evidence["records"].List[0]
	oldHigh := map[string]string{"name": high.Evidence.Value("name"), "institution_name": high.Evidence.Value("institution_name"),
		"credit_code": high.Evidence.Value("credit_code"), "count": "1",
		"records": fmt.Sprintf("%s至%s：Hp(10) %s mSv，调查水平 %s mSv", it["from"], it["to"], it["hp10"], it["level"])}
	makeOld(t, s, high, oldHigh)
	// The message of a finding stored then renders as it did.
	if m := screening.Message("zh-CN", failed.Template, failed.Evidence, failed.DueOn); !strings.Contains(m, "最近一次状态检测（") {
		t.Errorf("old evidence renders %q", m)
	}

	if _, err := svc.RunFull(ctx, day0.AddDate(0, 0, 1)); err != nil {
		t.Fatal(err)
	}
	for _, f := range []*domain.Finding{failed, high} {
		got := stored(t, s, f.Rule, f.SubjectType, f.SubjectID)
		if got.Status != domain.FindingDismissed || got.Version != f.Version || strings.HasPrefix(got.FactsHash, "v1:") ||
			got.Evidence.Equal(f.Evidence) {
			t.Errorf("%s dismissed before: %+v", f.Rule, got)
		}
	}
	if got := stored(t, s, screening.EqpFailedInUse, screening.SubjectEquipment, dr.ID); got.Evidence.Value("test_kind") != "status" {
		t.Errorf("evidence not rewritten: %v", got.Evidence)
	}

	// Dismissed on other facts (another dose then): it reopens.
	high = stored(t, s, screening.PerDoseInvestigate, screening.SubjectPerson, p.ID)
	oldHigh["records"] = strings.Replace(oldHigh["records"], it["hp10"], "9.999", 1)
	makeOld(t, s, high, oldHigh)
	if _, err := svc.RunFull(ctx, day0.AddDate(0, 0, 2)); err != nil {
		t.Fatal(err)
	}
	if got := stored(t, s, screening.PerDoseInvestigate, screening.SubjectPerson, p.ID); got.Status != domain.FindingOpen {
		t.Errorf("dismissed on other facts, still %s", got.Status)
	}
}
