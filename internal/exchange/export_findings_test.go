package exchange_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/exchange"
	"radsup/internal/findings"
	"radsup/internal/screening"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestExportFindingsInALanguage exports the findings as CSV in Chinese (the
// default) and in English: headers, labels, titles, messages and legal
// basis in that language; a viewer's export leaves out findings about people.
func TestExportFindingsInALanguage(t *testing.T) {
	s := storetest.Open(t)
	var sup, viewer *domain.User
	var inst *domain.Institution
	err := s.WithTx(ctx, clerk, func(tx *store.Tx) error {
		inst = storetest.Institution(t, tx)
		storetest.Equipment(t, tx, inst.ID) // in use, never tested
		p := storetest.Person(t, tx)
		storetest.Employment(t, tx, p.ID, inst.ID, func(e *domain.Employment) { e.PermitNo = "" })
		sup, viewer = storetest.User(t, tx, domain.RoleSupervisor, 0), storetest.User(t, tx, domain.RoleViewer, 0)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	svc := &findings.Service{Store: s}
	if _, err := svc.RunFull(ctx, today); err != nil {
		t.Fatal(err)
	}
	all, err := svc.List(ctx, sup, store.FindingFilter{})
	if err != nil || len(all.Findings) < 3 {
		t.Fatalf("findings %v, %v", all, err)
	}
	// One finding dismissed, by the supervisor: the export names them by display name.
	supActor := domain.Actor{Username: sup.Username, Role: sup.Role}
	if err := svc.Dismiss(ctx, supActor, sup, all.Findings[0].ID, all.Findings[0].Version, "已现场核实，设备已停用"); err != nil {
		t.Fatal(err)
	}
	if all, err = svc.List(ctx, sup, store.FindingFilter{}); err != nil {
		t.Fatal(err)
	}
	export := func(u *domain.User, lang ...string) [][]string {
		t.Helper()
		var buf bytes.Buffer
		if _, err := exchange.ExportFindings(ctx, s, clerk, u, store.FindingFilter{}, &buf, exchange.CSV, lang...); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	dismissed := 0
	for lang, rows := range map[string][][]string{"zh-CN": export(sup), "en": export(sup, "en")} {
		if len(rows) != len(all.Findings)+1 || rows[0][0] != map[string]string{"zh-CN": "规则编号", "en": "Rule"}[lang] {
			t.Fatalf("%s: %d rows, header %q", lang, len(rows), rows[0])
		}
		for i, f := range all.Findings {
			reason, by, at := "", "", ""
			if f.Status == domain.FindingDismissed {
				reason, by, at = "已现场核实，设备已停用", sup.DisplayName, f.DismissedAt.Local().Format("2006-01-02 15:04")
			}
			want := []string{f.Rule, screening.Title(lang, f.Template), screening.SeverityLabel(lang, f.Severity),
				screening.StatusLabel(lang, f.Status), f.InstitutionCode, inst.Name, screening.SubjectLabel(lang, f.SubjectType), maskedSubject(f),
				screening.Message(lang, f.Template, f.Evidence, f.DueOn), screening.Action(lang, f.Rule), f.DueOn.String(),
				f.FirstSeen.String(), screening.Basis(lang, f.Rule), reason, by, at}
			if reason != "" {
				dismissed++
			}
			if !slices.Equal(rows[i+1], want) {
				t.Errorf("%s row %d: %q\nwant %q", lang, i+1, rows[i+1], want)
			}
		}
	}
	if dismissed != 2 {
		t.Errorf("%d dismissed findings exported, want one per language", dismissed)
	}
	if h := export(sup)[0]; !slices.Contains(h, "机构名称") || !slices.Contains(h, "整改要求") || !slices.Contains(h, "核销理由") {
		t.Errorf("findings export header %q lacks 机构名称, 整改要求 or 核销理由", h)
	}
	people := 0
	for _, r := range export(viewer)[1:] {
		if rule, _ := screening.RuleByID(r[0]); rule.Health {
			t.Errorf("a viewer exports a finding from health data: %q", r)
		}
		if r[6] == screening.SubjectLabel("zh-CN", screening.SubjectPerson) {
			people++
			if !strings.Contains(r[7], "****") {
				t.Errorf("a viewer exports a whole ID number: %q", r)
			}
		}
	}
	if people == 0 {
		t.Error("a viewer exports no finding about a person (permit, training …)")
	}
}

// maskedSubject is a finding's subject as exports show it: a person's ID
// number masked.
func maskedSubject(f *domain.Finding) string {
	if f.SubjectType == domain.SubjectPerson {
		return domain.MaskIDNumber(f.SubjectKey)
	}
	return f.SubjectKey
}
