package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/screening"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// route is one route of the UI with what each role gets. Paths and
// locations hold placeholders ({inst}, {licence} …) that name the records
// of institution A, or of B for the cross-institution checks.
type route struct {
	method, path string
	form         func(e *env, f fixture) url.Values
	status       map[string]int // by role, with the role's own (A's) records
	cross        int            // an institution user of A with B's records; 0: not applicable
	location     string         // prefix of the redirect, when 303
	want         func(f fixture) []string
	viewer       func(f fixture) []string // what a viewer sees instead of want
}

var roles = []string{"admin", "security", "auditor", "supervisor", "inst", "viewer"}

// st gives the status of each role.
func st(admin, security, auditor, supervisor, inst, viewer int) map[string]int {
	return map[string]int{"admin": admin, "security": security, "auditor": auditor,
		"supervisor": supervisor, "inst": inst, "viewer": viewer}
}

// all: every signed-in role gets status.
func all(status int) map[string]int { return st(status, status, status, status, status, status) }

// readers: business data, read; the three administrators get 403.
func readers(supervisor, inst, viewer int) map[string]int {
	return st(403, 403, 403, supervisor, inst, viewer)
}

// filers: business data, changed; viewers and administrators get 403.
func filers(supervisor, inst int) map[string]int { return st(403, 403, 403, supervisor, inst, 403) }

// supervisorOnly: the office's own acts.
func supervisorOnly(ok int) map[string]int { return filers(ok, 403) }

// adminOnly: account administration.
func adminOnly(ok int) map[string]int { return st(ok, 403, 403, 403, 403, 403) }

// securityOnly: the security policy.
func securityOnly(ok int) map[string]int { return st(403, ok, 403, 403, 403, 403) }

// auditorOnly: the audit trail.
func auditorOnly(ok int) map[string]int { return st(403, 403, ok, 403, 403, 403) }

func names(fs ...string) func(fixture) []string { return func(fixture) []string { return fs } }

// editForm posts the stored values of the record at its current version.
func editForm(entity string) func(e *env, f fixture) url.Values {
	return func(e *env, f fixture) url.Values {
		rec, version := current(e, entity, f)
		return formOf(entity, rec, version)
	}
}

// versionForm posts only the current version (retire, restore).
func versionForm(entity string) func(e *env, f fixture) url.Values {
	return func(e *env, f fixture) url.Values {
		_, version := current(e, entity, f)
		return url.Values{"version": {id(int64(version))}}
	}
}

// current reads the fixture's record of entity as stored now.
func current(e *env, entity string, f fixture) (any, int) {
	switch entity {
	case "institution":
		x := find(e, store.Institutions, f.inst.ID)
		return x, x.Version
	case "licence":
		x := find(e, store.Licences, f.licence.ID)
		return x, x.Version
	case "person":
		x := find(e, store.People, f.person.ID)
		return x, x.Version
	case "employment":
		x := find(e, store.Employments, f.emp.ID)
		return x, x.Version
	case "training":
		x := find(e, store.Trainings, f.training.ID)
		return x, x.Version
	case "exam":
		x := find(e, store.Exams, f.exam.ID)
		return x, x.Version
	case "dose":
		x := find(e, store.Doses, f.dose.ID)
		return x, x.Version
	case "equipment":
		x := find(e, store.Equipment, f.equip.ID)
		return x, x.Version
	case "test":
		x := find(e, store.Tests, f.test.ID)
		return x, x.Version
	}
	panic("unknown entity " + entity)
}

func values(kv ...string) func(*env, fixture) url.Values {
	return func(e *env, f fixture) url.Values {
		v := url.Values{}
		for i := 0; i < len(kv); i += 2 {
			v.Add(kv[i], strings.ReplaceAll(kv[i+1], "{inst}", id(f.inst.ID)))
		}
		return v
	}
}

// newForms are valid forms for a new record of each kind.
var newForms = map[string]func(*env, fixture) url.Values{
	"institution": func(e *env, f fixture) url.Values {
		return url.Values{"name": {"新建测试医院"}, "credit_code": {storetest.CreditCode()}, "kind": {"clinic"},
			"division_code": {"410102"}, "address": {"中原区测试路1号"}, "status": {"open"}}
	},
	"licence": values("licence_no", "豫卫放证字第900001号", "issuer", "郑州市中原区卫生健康委员会", "issued_on", "2024-01-02",
		"valid_until", "2029-01-01", "items", "ct", "items", "dental_xray"),
	"person": func(e *env, f fixture) url.Values {
		return url.Values{"id_number": {storetest.IDNumber()}, "name": {"新人员"}, "occupation": {"2A"}, "started_on": {"2023-04-01"}}
	},
	"equipment":  values("type", "ct", "model", "SOMATOM go.Up", "serial_no", "NEW-0001", "status", "in_use"),
	"employment": values("institution_id", "{inst}", "occupation", "2B", "job", "医师", "started_on", "2019-06-01"),
	"training":   values("taken_on", "2024-03-04", "kind", "prejob", "days", "3", "passed", "pass"),
	"exam":       values("examined_on", "2024-03-05", "kind", "prejob", "conclusion", "fit"),
	"dose":       values("institution_id", "{inst}", "period_start", "2024-01-01", "period_end", "2024-03-31", "hp10", "0.250"),
	"test":       values("kind", "acceptance", "tested_on", "2024-02-02", "result", "pass"),
}

// routes lists every page route. The order matters where records change:
// edits, then retire and restore of each record, logout last.
var routes = []route{
	{method: "GET", path: "/", status: all(200), want: names("首页")},
	{method: "GET", path: "/institutions", status: readers(200, 303, 200), location: "/institutions/{inst}",
		want: func(f fixture) []string { return []string{f.inst.Name, f.inst.CreditCode} }},
	{method: "GET", path: "/institutions/{inst}", status: readers(200, 200, 200), cross: 404,
		want: func(f fixture) []string { return []string{f.inst.Name, f.licence.LicenceNo} }},
	{method: "GET", path: "/institutions/{inst}?tab=people", status: readers(200, 200, 200), cross: 404,
		want: func(f fixture) []string { return []string{f.person.Name} }},
	{method: "GET", path: "/institutions/{inst}?tab=equipment", status: readers(200, 200, 200), cross: 404,
		want: func(f fixture) []string { return []string{f.equip.SerialNo} }},
	{method: "GET", path: "/people", status: readers(200, 200, 200), want: func(f fixture) []string { return []string{f.person.Name} }},
	{method: "GET", path: "/people/{person}", status: readers(200, 200, 200), cross: 404,
		want: func(f fixture) []string {
			return []string{domain.MaskIDNumber(f.person.IDNumber), `action="/people/` + id(f.person.ID) + `/reveal"`,
				f.emp.PermitNo, f.training.CertificateNo, f.dose.ReportNo}
		},
		viewer: func(f fixture) []string {
			return []string{domain.MaskIDNumber(f.person.IDNumber), f.emp.PermitNo, f.training.CertificateNo, `id="health-hidden"`}
		}},
	{method: "POST", path: "/people/{person}/reveal", status: filers(200, 200), cross: 404,
		want: func(f fixture) []string { return []string{f.person.IDNumber} }},
	{method: "GET", path: "/equipment", status: readers(200, 200, 200), want: func(f fixture) []string { return []string{f.equip.SerialNo} }},
	{method: "GET", path: "/equipment/{equip}", status: readers(200, 200, 200), cross: 404,
		want: func(f fixture) []string { return []string{f.equip.SerialNo, f.test.ReportNo} }},

	{method: "GET", path: "/institutions/new", status: supervisorOnly(200), want: names(`name="credit_code"`)},
	{method: "GET", path: "/institutions/{inst}/licences/new", status: supervisorOnly(200), cross: 403, want: names(`name="licence_no"`)},
	{method: "GET", path: "/institutions/{inst}/people/new", status: filers(200, 200), cross: 404, want: names(`name="id_number"`, `name="occupation"`)},
	{method: "GET", path: "/institutions/{inst}/equipment/new", status: filers(200, 200), cross: 404, want: names(`name="serial_no"`)},
	{method: "GET", path: "/people/{person}/employments/new", status: filers(200, 200), cross: 404, want: names(`name="institution_id"`)},
	{method: "GET", path: "/people/{person}/trainings/new", status: filers(200, 200), cross: 404, want: names(`name="taken_on"`)},
	{method: "GET", path: "/people/{person}/exams/new", status: filers(200, 200), cross: 404, want: names(`name="conclusion"`)},
	{method: "GET", path: "/people/{person}/doses/new", status: filers(200, 200), cross: 404, want: names(`name="hp10"`)},
	{method: "GET", path: "/equipment/{equip}/tests/new", status: filers(200, 200), cross: 404, want: names(`name="tested_on"`)},
	{method: "GET", path: "/institutions/{inst}/edit", status: filers(200, 200), cross: 404, want: names(`name="version"`)},
	{method: "GET", path: "/licences/{licence}/edit", status: supervisorOnly(200), cross: 403, want: names(`name="version"`)},
	{method: "GET", path: "/people/{person}/edit", status: filers(200, 200), cross: 404, want: names(`name="version"`)},
	{method: "GET", path: "/employments/{emp}/edit", status: filers(200, 200), cross: 404, want: names(`name="version"`)},
	{method: "GET", path: "/trainings/{training}/edit", status: filers(200, 200), cross: 404, want: names(`name="version"`)},
	{method: "GET", path: "/exams/{exam}/edit", status: filers(200, 200), cross: 404, want: names(`name="version"`)},
	{method: "GET", path: "/doses/{dose}/edit", status: filers(200, 200), cross: 404, want: names(`name="version"`)},
	{method: "GET", path: "/equipment/{equip}/edit", status: filers(200, 200), cross: 404, want: names(`name="version"`)},
	{method: "GET", path: "/tests/{test}/edit", status: filers(200, 200), cross: 404, want: names(`name="version"`)},
	{method: "GET", path: "/account/tokens", status: readers(200, 200, 200), want: names("API")},
	{method: "GET", path: "/admin/users", status: adminOnly(200), want: names(`action="/admin/users"`)},
	{method: "GET", path: "/findings", status: readers(200, 200, 200),
		want: func(f fixture) []string {
			return []string{`id="finding-` + id(f.finding.ID) + `"`, "EQP-ACCEPTANCE-MISSING", f.inst.Name}
		}},
	{method: "GET", path: "/findings?rule=EQP-ACCEPTANCE-MISSING&severity=violation&status=all", status: readers(200, 200, 200),
		want: func(f fixture) []string {
			return []string{`id="finding-` + id(f.finding.ID) + `"`, `id="rule-EQP-ACCEPTANCE-MISSING"`}
		}},
	{method: "GET", path: "/findings/{finding}", status: readers(200, 200, 200), cross: 404,
		want: func(f fixture) []string {
			return []string{screening.Message("zh-CN", f.finding.Template, f.finding.Evidence, f.finding.DueOn), `id="basis"`, `href="/equipment/` + id(f.flawed.ID) + `"`}
		}},
	{method: "GET", path: "/equipment/{flawed}", status: readers(200, 200, 200), cross: 404,
		want: func(f fixture) []string {
			return []string{`id="record-findings"`, `id="finding-` + id(f.finding.ID) + `"`}
		}},
	{method: "POST", path: "/findings/{finding}/dismiss", form: func(e *env, f fixture) url.Values {
		return url.Values{"version": {id(int64(e.findingOf(f.flawed.ID).Version))}, "reason": {"经现场核实，验收检测报告已补交"}}
	}, status: supervisorOnly(303), cross: 403, location: "/findings/{finding}"},
	{method: "POST", path: "/findings/{finding}/reopen", form: func(e *env, f fixture) url.Values {
		return url.Values{"version": {id(int64(e.findingOf(f.flawed.ID).Version))}, "reason": {"核销依据不足"}}
	}, status: supervisorOnly(303), cross: 403, location: "/findings/{finding}"}, // dismissed by the route above
	{method: "GET", path: "/import", status: filers(200, 200), want: names(`enctype="multipart/form-data"`, `href="/templates/doses.xlsx"`)},
	{method: "GET", path: "/import/jobs/{job}", status: filers(404, 404)},
	{method: "GET", path: "/import/jobs/{job}/annotated.xlsx", status: filers(404, 404)},
	{method: "GET", path: "/templates/{template}", status: filers(200, 200)},
	{method: "GET", path: "/templates/nosuchkind.xlsx", status: filers(404, 404)},
	{method: "GET", path: "/export/{export}", status: readers(200, 200, 200)},
	{method: "GET", path: "/export/nosuchkind.xlsx", status: readers(404, 404, 404)},
	{method: "POST", path: "/import", status: filers(400, 400)},
	{method: "GET", path: "/no/such/page", status: all(404)},
	{method: "GET", path: "/overview", status: st(403, 403, 403, 200, 403, 200),
		want: func(f fixture) []string {
			return []string{`id="chart-findings_rule"`, "<svg", `href="/findings?rule=EQP-ACCEPTANCE-MISSING"`, `id="trend-table"`, `id="trend-closed-table"`, `href="/rectifications?state=all"`, `id="compliance-at"`}
		},
		// A viewer may not open the rectifications: their trend is not a link (TestEveryLinkOpens).
		viewer: names(`id="chart-findings_rule"`, "<svg", `href="/findings?rule=EQP-ACCEPTANCE-MISSING"`, `id="trend-table"`, `id="trend-closed-table"`, `id="compliance-at"`)},
	{method: "GET", path: "/stats/dose", status: readers(200, 200, 403), want: names(`id="dose-stats"`)},
	{method: "GET", path: "/reports/yearly", status: st(403, 403, 403, 200, 403, 200),
		want:   names(`id="yearly-institutions"`, `id="yearly-doses"`, `id="yearly-findings"`, `id="yearly-enforcement"`, `href="/reports/yearly.xlsx?year=`),
		viewer: names(`id="yearly-institutions"`, `id="yearly-no-dose"`)},
	{method: "GET", path: "/reports/yearly?year=x", status: st(403, 403, 403, 400, 403, 400)},
	{method: "GET", path: "/reports/yearly.xlsx", status: st(403, 403, 403, 200, 403, 200)},
	{method: "GET", path: "/notices", status: st(403, 403, 403, 200, 200, 403),
		want: names(`id="notices"`, "关于报送年度评估报告的通知", `id="nav-notices"`)},
	{method: "POST", path: "/notices/send", form: func(e *env, f fixture) url.Values {
		return url.Values{"codes": {f.inst.CreditCode}, "body": {"请于月底前报送年度评估报告。"}}
	}, status: supervisorOnly(303), location: "/notices?done=sent&n=1"},
	{method: "POST", path: "/notices/send", form: values("codes", "NOSUCHCODE", "body", "正文"), status: supervisorOnly(422)},
	{method: "POST", path: "/notices/contact", form: values("email", "fangshe@a.example", "phone", "13812345678"),
		status: st(403, 403, 403, 403, 303, 403), location: "/notices?done=contact"},
	{method: "POST", path: "/notices/contact", form: values("email", "not an address"), status: st(403, 403, 403, 403, 422, 403)},
	{method: "POST", path: "/notices/{notice}/read", status: st(403, 403, 403, 403, 303, 403), cross: 404, location: "/notices#notice-{notice}"},
	{method: "GET", path: "/public", status: all(200), want: names("年度双随机抽查", "SHA-256")},
	{method: "GET", path: "/plans", status: st(403, 403, 403, 200, 403, 200), want: names("年度双随机抽查")},
	{method: "GET", path: "/plans/new", status: supervisorOnly(200), want: names(`name="seed_sha256"`)},
	{method: "POST", path: "/plans/new", form: func(e *env, f fixture) url.Values {
		return url.Values{"year": {id(int64(time.Now().Year()))}, "name": {"专项检查"}, "type": {"special"}, "ratio": {"50%"},
			"seed": {"现场宣读的种子"}, "seed_source": {"检查前会议现场宣读"}}
	}, status: supervisorOnly(303), location: "/plans/"},
	{method: "GET", path: "/plans/{plan}", status: st(403, 403, 403, 200, 403, 200), want: names(`id="commitment"`),
		viewer: func(fixture) []string { return []string{`id="commitment"`, "尚未抽取"} }},
	{method: "POST", path: "/plans/{plan}/draw", form: values("seed", planSeed, "version", "1"), status: supervisorOnly(303), location: "/plans/{plan}"},
	{method: "GET", path: "/inspectors", status: supervisorOnly(200), want: names(`id="inspectors"`)},
	{method: "POST", path: "/inspectors/{supervisor}", form: values("cert_no", "豫卫执 0001", "active", "1", "version", "1"),
		status: supervisorOnly(303), location: "/inspectors"},
	{method: "GET", path: "/inspections", status: readers(200, 200, 200), want: names(`id="inspections"`)},
	{method: "GET", path: "/inspections/new", status: supervisorOnly(200), want: names(`name="credit_code"`, "搭档监督员")},
	{method: "POST", path: "/inspections/new", form: func(e *env, f fixture) url.Values {
		return url.Values{"type": {"complaint"}, "credit_code": {f.inst.CreditCode}, "inspector1": {e.users["supervisor"].Username},
			"inspector2": {e.partner.Username}, "date": {time.Now().Format("2006-01-02")}}
	}, status: supervisorOnly(303), location: "/inspections/"},
	{method: "GET", path: "/inspections/{insp}", status: readers(200, 404, 200), want: names(`id="JC-01"`, "警示标志.png")},
	{method: "GET", path: "/inspections/{signed}", status: readers(200, 200, 200), cross: 404, want: names(`id="locked"`)},
	{method: "GET", path: "/inspections/{signed}/record", status: readers(200, 200, 200), cross: 404, want: names("现场检查笔录", `id="seal"`)},
	{method: "POST", path: "/inspections/{insp}/items/{code}", form: values("result", "compliant", "note", "证照齐全", "version", "1"),
		status: supervisorOnly(303), location: "/inspections/{insp}#JC-03"},
	{method: "POST", path: "/inspections/{insp}/outcome", form: func(e *env, f fixture) url.Values {
		return url.Values{"date": {time.Now().Format("2006-01-02")}, "place": {"放射科"}, "outcome": {"rectify"}, "version": {e.inspVersion()}}
	}, status: supervisorOnly(303), location: "/inspections/{insp}#outcome"},
	{method: "POST", path: "/inspections/{insp}/sign", form: func(e *env, f fixture) url.Values {
		return url.Values{"version": {e.inspVersion()}}
	}, status: supervisorOnly(422), want: names("尚未检查")},
	{method: "POST", path: "/inspections/{signed}/amend", form: values("code", "JC-05", "result", "noncompliant", "reason", "笔误"),
		status: supervisorOnly(303), location: "/inspections/"},
	{method: "POST", path: "/inspections/{insp}/evidence", status: supervisorOnly(400)},
	{method: "GET", path: "/inspections/{insp}/evidence/{evidence}", status: readers(200, 404, 200)},
	{method: "GET", path: "/rectifications", status: filers(200, 200), want: names(`class="grid rect-list"`)},
	{method: "POST", path: "/rectifications", form: func(e *env, f fixture) url.Values {
		return url.Values{"finding": {id(f.finding.ID)}, "days": {"20"}, "opinion": {"补做验收检测"}}
	}, status: supervisorOnly(303), location: "/rectifications/"},
	{method: "GET", path: "/rectifications/{rect}", status: filers(200, 200), cross: 404, want: names(`id="rect-items"`, "EQP-ACCEPTANCE-MISSING")},
	{method: "GET", path: "/rectifications/{rect}/opinion", status: filers(200, 200), cross: 404, want: names("卫生监督意见书", "卫放意〔", "第二联")},
	{method: "GET", path: "/rectifications/{rect}/order", status: filers(200, 200), cross: 404, want: names("责令改正通知书", "卫放责改〔")},
	{method: "POST", path: "/rectifications/{rect}/respond", form: func(e *env, f fixture) url.Values {
		return url.Values{"response": {"已补做验收检测"}, "version": {e.rectVersion(f.rect)}}
	}, status: filers(403, 303), cross: 404, location: "/rectifications/{rect}#response"},
	{method: "POST", path: "/rectifications/{rect}/files", status: filers(400, 400)},
	{method: "GET", path: "/rectifications/{rect}/files/{rectfile}", status: filers(200, 200), cross: 404},
	{method: "POST", path: "/rectifications/{rect}/close", form: func(e *env, f fixture) url.Values {
		return url.Values{"version": {e.rectVersion(f.rect)}}
	}, status: supervisorOnly(422), want: names(`id="rect-error"`)},
	{method: "GET", path: "/cases", status: readers(200, 200, 200), want: names(`id="cases"`)},
	{method: "GET", path: "/cases/new", status: supervisorOnly(200), want: names(`name="cause"`, "《放射诊疗管理规定》第四十一条")},
	{method: "POST", path: "/cases/new", form: func(e *env, f fixture) url.Values {
		return url.Values{"source": {"inspection"}, "inspection": {id(f.signed)}, "cause": {"未按规定检测"}, "facts": {"CT机未做状态检测"}, "article": {"RDM-41"}}
	}, status: supervisorOnly(303), location: "/cases/"},
	{method: "GET", path: "/cases/cards.xlsx", status: supervisorOnly(200)},
	{method: "GET", path: "/cases/{case}", status: readers(200, 404, 200), want: names(`id="case-state"`)},
	{method: "GET", path: "/cases/{decided}", status: readers(200, 200, 200), cross: 404, want: names(`id="case-number"`, "中原卫放罚")},
	{method: "GET", path: "/cases/{decided}/decision", status: readers(200, 200, 200), cross: 404, want: names("行政处罚决定书", `id="seal"`, "中原卫放罚")},
	{method: "POST", path: "/cases/{case}/edit", form: func(e *env, f fixture) url.Values {
		return url.Values{"cause": {"未按规定检测设备"}, "facts": {"CT机逾期未做状态检测"}, "article": {"RDM-41"}, "version": {e.caseVersion(e.cases.open)}}
	}, status: supervisorOnly(303), location: "/cases/{case}"},
	{method: "POST", path: "/cases/{case}/step", form: func(e *env, f fixture) url.Values {
		return url.Values{"to": {"investigated"}, "note": {"调查终结"}, "version": {e.caseVersion(e.cases.open)}}
	}, status: supervisorOnly(303), location: "/cases/{case}#steps"},
	{method: "POST", path: "/cases/{served}/report", form: func(e *env, f fixture) url.Values {
		return url.Values{"which": {"1"}, "version": {e.caseVersion(e.cases.served)}}
	}, status: supervisorOnly(303), location: "/cases/{served}#report"},
	{method: "GET", path: "/login", status: all(303), location: "/"},

	{method: "POST", path: "/institutions/new", form: newForms["institution"], status: supervisorOnly(303), location: "/institutions/"},
	{method: "POST", path: "/institutions/{inst}/licences/new", form: newForms["licence"], status: supervisorOnly(303), cross: 403, location: "/institutions/{inst}?tab=licence"},
	{method: "POST", path: "/institutions/{inst}/people/new", form: newForms["person"], status: filers(303, 303), cross: 404, location: "/people/"},
	{method: "POST", path: "/institutions/{inst}/equipment/new", form: newForms["equipment"], status: filers(303, 303), cross: 404, location: "/equipment/"},
	{method: "POST", path: "/people/{person}/employments/new", form: newForms["employment"], status: filers(303, 303), cross: 404, location: "/people/{person}"},
	{method: "POST", path: "/people/{person}/trainings/new", form: newForms["training"], status: filers(303, 303), cross: 404, location: "/people/{person}"},
	{method: "POST", path: "/people/{person}/exams/new", form: newForms["exam"], status: filers(303, 303), cross: 404, location: "/people/{person}"},
	{method: "POST", path: "/people/{person}/doses/new", form: newForms["dose"], status: filers(303, 303), cross: 404, location: "/people/{person}"},
	{method: "POST", path: "/equipment/{equip}/tests/new", form: newForms["test"], status: filers(303, 303), cross: 404, location: "/equipment/{equip}"},

	{method: "POST", path: "/institutions/{inst}/edit", form: editForm("institution"), status: filers(303, 303), cross: 404, location: "/institutions/{inst}"},
	{method: "POST", path: "/licences/{licence}/edit", form: editForm("licence"), status: supervisorOnly(303), cross: 403, location: "/institutions/{inst}?tab=licence"},
	{method: "POST", path: "/people/{person}/edit", form: editForm("person"), status: filers(303, 303), cross: 404, location: "/people/{person}"},
	{method: "POST", path: "/employments/{emp}/edit", form: editForm("employment"), status: filers(303, 303), cross: 404, location: "/people/{person}"},
	{method: "POST", path: "/trainings/{training}/edit", form: editForm("training"), status: filers(303, 303), cross: 404, location: "/people/{person}"},
	{method: "POST", path: "/exams/{exam}/edit", form: editForm("exam"), status: filers(303, 303), cross: 404, location: "/people/{person}"},
	{method: "POST", path: "/doses/{dose}/edit", form: editForm("dose"), status: filers(303, 303), cross: 404, location: "/people/{person}"},
	{method: "POST", path: "/equipment/{equip}/edit", form: editForm("equipment"), status: filers(303, 303), cross: 404, location: "/equipment/{equip}"},
	{method: "POST", path: "/tests/{test}/edit", form: editForm("test"), status: filers(303, 303), cross: 404, location: "/equipment/{equip}"},

	{method: "POST", path: "/licences/{licence}/retire", form: versionForm("licence"), status: supervisorOnly(303), cross: 403, location: "/institutions/{inst}?tab=licence"},
	{method: "POST", path: "/licences/{licence}/restore", form: versionForm("licence"), status: supervisorOnly(303), cross: 403, location: "/institutions/{inst}?tab=licence"},
	{method: "POST", path: "/trainings/{training}/retire", form: versionForm("training"), status: filers(303, 303), cross: 404, location: "/people/{person}"},
	{method: "POST", path: "/trainings/{training}/restore", form: versionForm("training"), status: filers(303, 303), cross: 404, location: "/people/{person}"},
	{method: "POST", path: "/exams/{exam}/retire", form: versionForm("exam"), status: filers(303, 303), cross: 404, location: "/people/{person}"},
	{method: "POST", path: "/exams/{exam}/restore", form: versionForm("exam"), status: filers(303, 303), cross: 404, location: "/people/{person}"},
	{method: "POST", path: "/doses/{dose}/retire", form: versionForm("dose"), status: filers(303, 303), cross: 404, location: "/people/{person}"},
	{method: "POST", path: "/doses/{dose}/restore", form: versionForm("dose"), status: filers(303, 303), cross: 404, location: "/people/{person}"},
	{method: "POST", path: "/tests/{test}/retire", form: versionForm("test"), status: filers(303, 303), cross: 404, location: "/equipment/{equip}"},
	{method: "POST", path: "/tests/{test}/restore", form: versionForm("test"), status: filers(303, 303), cross: 404, location: "/equipment/{equip}"},
	{method: "POST", path: "/equipment/{equip}/retire", form: versionForm("equipment"), status: filers(303, 303), cross: 404, location: "/equipment/{equip}"},
	{method: "POST", path: "/equipment/{equip}/restore", form: versionForm("equipment"), status: filers(303, 303), cross: 404, location: "/equipment/{equip}"},
	{method: "POST", path: "/employments/{emp}/retire", form: versionForm("employment"), status: filers(303, 303), cross: 404, location: "/people/{person}"},
	{method: "POST", path: "/employments/{emp}/restore", form: versionForm("employment"), status: filers(303, 303), cross: 404, location: "/people/{person}"},
	{method: "POST", path: "/people/{person}/retire", form: versionForm("person"), status: supervisorOnly(303), cross: 403, location: "/people/{person}"},
	{method: "POST", path: "/people/{person}/restore", form: versionForm("person"), status: supervisorOnly(303), cross: 403, location: "/people/{person}"},
	{method: "POST", path: "/institutions/{inst}/retire", form: versionForm("institution"), status: supervisorOnly(303), cross: 403, location: "/institutions/{inst}"},
	{method: "POST", path: "/institutions/{inst}/restore", form: versionForm("institution"), status: supervisorOnly(303), cross: 403, location: "/institutions/{inst}"},

	{method: "GET", path: "/changes", status: st(403, 403, 403, 200, 200, 403), want: names(`id="changes"`)},
	{method: "GET", path: "/reviews", status: st(403, 403, 403, 200, 200, 403), want: names(`id="reviews"`)},
	{method: "GET", path: "/reviews?state=&entity=equipment&from=2026-01-01&to=2026-12-31", status: st(403, 403, 403, 200, 200, 403), want: names(`id="review-filters"`)},
	{method: "GET", path: "/reviews?id=999999", status: st(403, 403, 403, 200, 200, 403), want: names(`id="review-all"`)},
	{method: "GET", path: "/institution-changes", status: supervisorOnly(200), want: names(`id="feed"`, `id="feed-filters"`)},
	{method: "GET", path: "/institution-changes?institution={inst}&entity=equipment&from=2026-01-01&to=2026-12-31&page=2",
		status: supervisorOnly(200), want: names(`id="feed"`, `id="feed-all"`)},
	{method: "GET", path: "/institution-changes?from=2026-13-01", status: supervisorOnly(422), want: names(`class="field-error"`)},
	{method: "POST", path: "/reviews/approve", form: values("id", "999999"), status: st(403, 403, 403, 404, 403, 403)},
	{method: "POST", path: "/reviews/{id}/reject", form: values("reason", "资料不全"), status: st(403, 403, 403, 404, 403, 403)},
	{method: "POST", path: "/reviews/setting", form: values("on", "0"), status: st(403, 403, 403, 303, 403, 403), location: "/reviews"},
	{method: "GET", path: "/changes/new", status: st(403, 403, 403, 403, 200, 403), want: names(`id="change-form"`)},
	{method: "GET", path: "/changes/new?licence={licence}", status: st(403, 403, 403, 403, 200, 403), cross: 404,
		want: func(f fixture) []string { return []string{f.licence.LicenceNo} }},
	{method: "POST", path: "/changes/new", form: values("licence", "0", "licence_no", "豫卫放证字第900009号", "issuer", "郑州市中原区卫生健康委员会",
		"issued_on", "2024-01-02", "valid_until", "2029-01-01", "items", "ct", "reason", "新增CT"), status: st(403, 403, 403, 403, 303, 403), location: "/changes/"},
	{method: "GET", path: "/changes/{change}", status: st(403, 403, 403, 200, 200, 403), cross: 404, want: names(`id="change-fields"`)},
	{method: "GET", path: "/attachments/{attachment}", status: st(403, 403, 403, 200, 200, 404), cross: 404},
	{method: "GET", path: "/files/{testkind}/{test}", status: readers(200, 200, 200), cross: 404, want: names(`id="files"`)},
	{method: "POST", path: "/files/{testkind}/{test}", status: filers(422, 422), cross: 404},
	{method: "GET", path: "/licences/{licence}/history", status: readers(200, 200, 200), cross: 404, want: names(`id="licence-acts"`)},
	{method: "POST", path: "/licences/{licence}/acts", form: values("kind", "check", "on", "2026-01-05", "result", "pass", "next_due", "2029-01-05",
		"document_no", "中卫放校〔2026〕9号"), status: supervisorOnly(303), cross: 403, location: "/licences/{licence}/history"},
	{method: "POST", path: "/changes/{change}/approve", status: supervisorOnly(303), location: "/changes/{change}"},
	{method: "POST", path: "/changes/{change2}/reject", form: values("decision", "材料不全"), status: supervisorOnly(303), location: "/changes/{change2}"},
	{method: "POST", path: "/changes/{change2}/withdraw", status: st(403, 403, 403, 403, 303, 403), cross: 404, location: "/changes/{change2}"},

	{method: "POST", path: "/account/tokens", form: values("name", "报送接口"), status: readers(200, 200, 200), want: names(`id="new-token"`, "报送接口")},
	{method: "POST", path: "/account/tokens/{token}/revoke", status: readers(303, 303, 303), cross: 404, location: "/account/tokens"},
	{method: "POST", path: "/admin/users", form: values("username", "newuser", "role", "supervisor", "password", "Longenough-1"),
		status: adminOnly(303), location: "/admin/users"},
	{method: "POST", path: "/admin/users/{user}/password", form: values("password", "Another-Pass-9"),
		status: adminOnly(303), location: "/admin/users?done=password"},
	{method: "GET", path: "/account", status: all(200), want: names(`action="/account/password"`, `action="/account/2fa"`, `id="totp-qr"`)},
	{method: "POST", path: "/account/password", form: values("old_password", "wrong", "password", "New-Pass-2026", "confirm", "New-Pass-2027"),
		status: all(422), want: names(`id="err-confirm"`)},
	{method: "POST", path: "/account/2fa", form: values("secret", "JBSWY3DPEHPK3PXP", "code", "000000"), status: all(422), want: names(`id="err-code"`)},
	{method: "POST", path: "/admin/users/{user}/access", form: values("role", "institution"), status: adminOnly(303), location: "/admin/users?done=access"},
	{method: "POST", path: "/admin/users/{user}/unlock", status: adminOnly(303), location: "/admin/users?done=unlock"},
	{method: "POST", path: "/admin/users/{user}/totp-reset", status: adminOnly(303), location: "/admin/users?done=totp"},
	{method: "GET", path: "/audit", status: auditorOnly(200), want: names(`id="audit"`, `id="audit-filters"`, "login")},
	{method: "GET", path: "/audit?verify=1&action=login", status: auditorOnly(200), want: names(`id="chain"`, "审计链完整")},
	{method: "GET", path: "/audit/export.xlsx?action=login", status: auditorOnly(200)},
	{method: "GET", path: "/admin/security", status: securityOnly(200), want: names(`name="idle_minutes"`, `name="two_factor_roles"`)},
	{method: "POST", path: "/admin/security", form: values("min_length", "10", "min_classes", "3", "max_age_days", "90", "lock_threshold", "5",
		"lock_minutes", "15", "idle_minutes", "30", "session_hours", "12", "logins_per_minute", "20", "retention_days", "180"),
		status: securityOnly(303), location: "/admin/security?done=1"},
	{method: "GET", path: "/login/2fa", status: all(303), location: "/login"},
	{method: "POST", path: "/login/2fa", form: values("code", "123456"), status: all(401)},
	{method: "POST", path: "/login", form: func(e *env, f fixture) url.Values {
		return url.Values{"username": {e.admin().Username}, "password": {storetest.Password}, "next": {"/equipment"}}
	}, status: all(303), location: "/equipment"},
	{method: "POST", path: "/lang", form: values("lang", "zh-CN", "next", "/people"), status: all(303), location: "/people"},
	{method: "POST", path: "/logout", status: all(303), location: "/login"},
}

// expand fills a path's placeholders with the fixture's ids. {token} is a
// new API token of the role's user (of the admin, for B); {user} is the
// institution user.
func (e *env) expand(s, role string, f fixture, cross bool) string {
	r := strings.NewReplacer("{inst}", id(f.inst.ID), "{licence}", id(f.licence.ID), "{person}", id(f.person.ID),
		"{emp}", id(f.emp.ID), "{training}", id(f.training.ID), "{exam}", id(f.exam.ID), "{dose}", id(f.dose.ID),
		"{equip}", id(f.equip.ID), "{test}", id(f.test.ID), "{user}", id(e.users["inst"].ID),
		"{finding}", id(f.finding.ID), "{flawed}", id(f.flawed.ID),
		"{job}", "nosuchjob", "{plan}", id(e.plan.ID), "{supervisor}", id(e.users["supervisor"].ID),
		"{insp}", id(e.insp), "{code}", "JC-03", "{signed}", id(f.signed), "{evidence}", id(e.evidence), "{rect}", id(f.rect), "{rectfile}", id(e.rectFile), "{template}", "all.xlsx", "{export}", "institutions.xlsx",
		"{notice}", id(f.notice),
		"{change}", id(f.change), "{change2}", id(f.change2), "{attachment}", id(f.file), "{testkind}", "test", "{id}", "999999")
	s = e.expandCases(r.Replace(s), f)
	if strings.Contains(s, "{token}") {
		owner := e.users[role]
		if cross {
			owner = e.admin()
		}
		s = strings.ReplaceAll(s, "{token}", id(e.apiToken(owner)))
	}
	return s
}

// apiToken makes an API token for u and returns its id.
func (e *env) apiToken(u *domain.User) int64 {
	e.t.Helper()
	var tokID int64
	err := e.store.WithTx(context.Background(), domain.Actor{Username: "test"}, func(tx *store.Tx) error {
		_, hash := auth.NewToken()
		tok, err := tx.CreateAPIToken(u.ID, "test", hash)
		if tok != nil {
			tokID = tok.ID
		}
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return tokID
}

// TestEveryRouteEveryRole runs every route as an admin, a supervisor and an
// institution user of A; the institution user also tries each route that
// names a record with B's records and must get 404.
func TestEveryRouteEveryRole(t *testing.T) {
	for _, role := range roles {
		t.Run(role, func(t *testing.T) {
			e := newEnv(t)
			for _, rt := range routes {
				if role == "inst" && rt.cross != 0 {
					e.check(t, role, rt, e.b, true, rt.cross)
				}
				e.check(t, role, rt, e.a, false, rt.status[role])
			}
		})
	}
}

func (e *env) check(t *testing.T, role string, rt route, f fixture, cross bool, want int) {
	t.Helper()
	path := e.expand(rt.path, role, f, cross)
	var form url.Values
	if rt.form != nil {
		form = rt.form(e, f)
	} else if rt.method == "POST" {
		form = url.Values{}
	}
	w := e.do(role, rt.method, path, form)
	body := w.Body.String()
	if w.Code != want {
		t.Fatalf("%s %s %s: status %d, want %d\n%s", role, rt.method, path, w.Code, want, excerpt(body))
	}
	switch {
	case want == 303 && rt.location != "":
		if loc, wantLoc := w.Header().Get("Location"), e.expand(rt.location, role, f, cross); !strings.HasPrefix(loc, wantLoc) {
			t.Errorf("%s %s %s: redirect to %q, want %q…", role, rt.method, path, loc, wantLoc)
		}
	case want == 200 && rt.want != nil:
		wants := rt.want
		if role == "viewer" && rt.viewer != nil {
			wants = rt.viewer
		}
		for _, s := range wants(f) {
			if !strings.Contains(body, s) {
				t.Errorf("%s %s %s: page lacks %q", role, rt.method, path, s)
			}
		}
	case want == 404 || want == 403:
		if !strings.Contains(body, `class="alert error"`) {
			t.Errorf("%s %s %s: %d without the error page", role, rt.method, path, want)
		}
	}
	if cross && strings.Contains(body, f.inst.Name) {
		t.Errorf("%s %s %s: shows B's name", role, rt.method, path)
	}
	if role == "viewer" && rt.viewer != nil && strings.Contains(body, f.dose.ReportNo) {
		t.Errorf("%s %s %s: shows a dose record to a viewer", role, rt.method, path)
	}
	if role == "viewer" && w.Code == 200 && rt.method == "GET" && (strings.Contains(body, `/retire"`) || strings.Contains(body, `/new"`) || strings.Contains(body, `/edit"`)) {
		t.Errorf("%s %s %s: offers a viewer controls it may not use", role, rt.method, path)
	}
	if rt.method == "GET" && strings.Contains(body, f.person.IDNumber) && !strings.Contains(path, "/edit") {
		t.Errorf("%s %s %s: shows a whole ID number", role, rt.method, path)
	}
}

// excerpt shortens a body for a failure message.
func excerpt(body string) string {
	if i := strings.Index(body, `<main`); i >= 0 {
		body = body[i:]
	}
	if len(body) > 1500 {
		body = body[:1500]
	}
	return body
}

// TestRoutesCovered checks that the scenario table names every route the
// server registers (asked of the router itself), so that a new route cannot
// go untested, and that every route declares its roles.
func TestRoutesCovered(t *testing.T) {
	e := newEnv(t)
	tested := map[string]bool{}
	for _, rt := range routes {
		p, _, _ := strings.Cut(rt.path, "?")
		tested[rt.method+" "+normalizePath(p)] = true
	}
	for _, r := range e.srv.Routes() {
		method, p, ok := strings.Cut(r.Pattern, " ")
		if !ok || p == "/{$}" {
			continue // the catch-all 404 and the home page (tested as GET /)
		}
		if !tested[method+" "+normalizePath(p)] {
			t.Errorf("route %s is not in the scenario table", r.Pattern)
		}
		if r.Roles == nil && r.Pattern != "GET /login" && r.Pattern != "POST /login" && r.Pattern != "POST /lang" && r.Pattern != "GET /public" &&
			!strings.HasPrefix(p, "/login/") {
			t.Errorf("route %s is public", r.Pattern)
		}
	}
}

// TestDeclaredRolesEnforced asks every route of the router, as every role
// the route does not declare, and expects 403 — whatever the handler would
// do — and an audit event of the denial.
func TestDeclaredRolesEnforced(t *testing.T) {
	e := newEnv(t)
	r := strings.NewReplacer("{id}", id(e.a.inst.ID), "{file}", "all.xlsx", "{$}", "")
	for _, rt := range e.srv.Routes() {
		method, p, ok := strings.Cut(rt.Pattern, " ")
		if !ok || rt.Roles == nil {
			continue
		}
		for _, role := range roles {
			if rt.Roles.Allows(e.users[role].Role) {
				continue
			}
			var form url.Values
			if method == "POST" {
				form = url.Values{}
			}
			before := e.count("audit_events")
			w := e.do(role, method, r.Replace(p), form)
			if w.Code != 403 {
				t.Errorf("%s %s: status %d, want 403", role, rt.Pattern, w.Code)
			}
			if e.count("audit_events") != before+1 {
				t.Errorf("%s %s: the denial was not audited", role, rt.Pattern)
			}
		}
	}
}

// normalizePath replaces every {placeholder} by {}.
func normalizePath(p string) string {
	var b strings.Builder
	for len(p) > 0 {
		i := strings.Index(p, "{")
		if i < 0 {
			b.WriteString(p)
			break
		}
		j := strings.Index(p[i:], "}")
		b.WriteString(p[:i] + "{}")
		p = p[i+j+1:]
	}
	return b.String()
}
