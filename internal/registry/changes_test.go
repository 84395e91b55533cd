package registry_test

import (
	"bytes"
	"context"
	"reflect"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/registry"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

var pdf = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

type changeEnv struct {
	ctx      context.Context
	reg      *registry.Registry
	s        *store.Store
	sup      *domain.User
	iu, ou   *domain.User // a user of the licence's institution, of another
	lic      *domain.Licence
	screened []int64
}

func newChangeEnv(t *testing.T) *changeEnv {
	t.Helper()
	e := &changeEnv{ctx: context.Background(), s: storetest.Open(t)}
	e.reg = registry.New(e.s)
	e.reg.AfterChange = func(tx *store.Tx, entity string, ids []int64) error {
		if entity == "licence" {
			e.screened = append(e.screened, ids...)
		}
		return nil
	}
	err := e.s.WithTx(e.ctx, domain.Actor{Username: "setup"}, func(tx *store.Tx) error {
		a, b := storetest.Institution(t, tx), storetest.Institution(t, tx)
		e.lic = storetest.Licence(t, tx, a.ID)
		e.sup = &domain.User{ID: 1, Username: "sup", Role: domain.RoleSupervisor}
		e.iu = &domain.User{ID: 2, Username: "iu", Role: domain.RoleInstitution, InstitutionID: a.ID}
		e.ou = &domain.User{ID: 3, Username: "ou", Role: domain.RoleInstitution, InstitutionID: b.ID}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *changeEnv) licence(t *testing.T) *domain.Licence {
	t.Helper()
	var l *domain.Licence
	if err := e.s.View(e.ctx, func(tx *store.Tx) (err error) {
		l, err = store.Find(tx, store.Licences, domain.Scope{}, e.lic.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return l
}

func actorOf(u *domain.User) domain.Actor {
	return domain.Actor{UserID: u.ID, Username: u.Username, Role: u.Role}
}

// TestInstitutionCannotChangeLicence: the registry's own write paths refuse
// an institution user's create, update and retire of a licence, whatever
// the licence.
func TestInstitutionCannotChangeLicence(t *testing.T) {
	e := newChangeEnv(t)
	l := e.licence(t)
	l.ValidUntil = domain.MustDate("2035-12-31")
	if err := registry.Update(e.ctx, e.reg, actorOf(e.iu), e.iu, store.Licences, l); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("update: %v", err)
	}
	if err := registry.Retire(e.ctx, e.reg, actorOf(e.iu), e.iu, store.Licences, l.ID, l.Version, false); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("retire: %v", err)
	}
	n := &domain.Licence{InstitutionID: e.iu.InstitutionID, LicenceNo: "X-1", Issuer: "某委", IssuedOn: domain.MustDate("2024-01-01"),
		ValidUntil: domain.MustDate("2035-01-01"), Items: []string{"ct"}}
	if err := registry.Create(e.ctx, e.reg, actorOf(e.iu), e.iu, store.Licences, n); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("create: %v", err)
	}
	if got := e.licence(t); !reflect.DeepEqual(got, e.lic) {
		t.Errorf("licence changed: %+v", got)
	}
}

// TestChangeRequestApproved: an institution asks, nothing changes until the
// supervisor approves; approval applies the values, audits and re-screens.
func TestChangeRequestApproved(t *testing.T) {
	e := newChangeEnv(t)
	c, err := e.reg.RequestChange(e.ctx, actorOf(e.iu), e.iu, registry.ChangeInput{Entity: "licence", RecordID: e.lic.ID,
		Values: map[string]string{"valid_until": "2035-12-31", "items": "xray_imaging,ct", "issuer": e.lic.Issuer},
		Reason: "已通过校验", Files: []registry.Upload{{Name: "校验.pdf", Data: pdf}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Changes) != 2 || c.Changes[0].Field != "valid_until" || c.Changes[0].Old != e.lic.ValidUntil.String() ||
		c.Changes[0].New != "2035-12-31" || c.Changes[1].Field != "items" || len(c.Files) != 1 || c.Files[0].ContentType != "application/pdf" {
		t.Fatalf("request %+v", c)
	}
	if got := e.licence(t); !reflect.DeepEqual(got, e.lic) {
		t.Fatalf("a request changed the licence: %+v", got)
	}
	if _, err := e.reg.Decide(e.ctx, actorOf(e.iu), e.iu, c.ID, true, ""); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("institution approves its own request: %v", err)
	}
	d, err := e.reg.Decide(e.ctx, actorOf(e.sup), e.sup, c.ID, true, "")
	if err != nil {
		t.Fatal(err)
	}
	l := e.licence(t)
	if d.Status != domain.ChangeApproved || l.ValidUntil.String() != "2035-12-31" || !reflect.DeepEqual(l.Items, []string{"xray_imaging", "ct"}) && !reflect.DeepEqual(l.Items, []string{"ct", "xray_imaging"}) {
		t.Errorf("after approval: %s, licence %+v", d.Status, l)
	}
	if !reflect.DeepEqual(e.screened, []int64{e.lic.ID}) {
		t.Errorf("re-screened %v", e.screened)
	}
	if n := storetest.Count(t, e.s, "audit_events WHERE action = 'approve' AND entity = 'change_request'"); n != 1 {
		t.Errorf("%d approvals audited", n)
	}
	if n := storetest.Count(t, e.s, "audit_events WHERE action = 'update' AND entity = 'licence' AND username = 'sup'"); n != 1 {
		t.Errorf("%d licence updates audited", n)
	}
	// The institution sees the outcome; a decided request is final.
	seen, err := e.reg.ChangeRequest(e.ctx, e.iu, c.ID)
	if err != nil || seen.Status != domain.ChangeApproved || seen.DecidedBy != "sup" {
		t.Errorf("institution sees %+v, %v", seen, err)
	}
	if _, err := e.reg.Decide(e.ctx, actorOf(e.sup), e.sup, c.ID, false, "再看看"); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("decided twice: %v", err)
	}
	if _, err := e.reg.Withdraw(e.ctx, actorOf(e.iu), e.iu, c.ID); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("withdrawn after approval: %v", err)
	}
}

// TestChangeRequestRejected: a rejection needs a reason and leaves the
// licence as it was; the request and its outcome stay in the audit.
func TestChangeRequestRejected(t *testing.T) {
	e := newChangeEnv(t)
	c, err := e.reg.RequestChange(e.ctx, actorOf(e.iu), e.iu, registry.ChangeInput{Entity: "licence", RecordID: e.lic.ID,
		Values: map[string]string{"valid_until": "2035-12-31"}, Reason: "延期"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.reg.Decide(e.ctx, actorOf(e.sup), e.sup, c.ID, false, " "); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("rejected without a reason: %v", err)
	}
	d, err := e.reg.Decide(e.ctx, actorOf(e.sup), e.sup, c.ID, false, "未见校验结论")
	if err != nil || d.Status != domain.ChangeRejected || d.Decision != "未见校验结论" {
		t.Fatalf("reject: %+v %v", d, err)
	}
	if got := e.licence(t); !reflect.DeepEqual(got, e.lic) {
		t.Errorf("rejected request changed the licence: %+v", got)
	}
	if n := storetest.Count(t, e.s, "audit_events WHERE entity = 'change_request' AND action IN ('create', 'reject')"); n != 2 {
		t.Errorf("%d audit events of the request", n)
	}
	if len(e.screened) != 0 {
		t.Errorf("re-screened on rejection: %v", e.screened)
	}
}

// TestChangeRequestTampering: a request may name only the changeable
// fields of a licence the user's institution holds; its files must be PDF
// or images within the size bound; approval refuses a licence changed
// since the request.
func TestChangeRequestTampering(t *testing.T) {
	e := newChangeEnv(t)
	ask := func(u *domain.User, in registry.ChangeInput) error {
		if in.Entity == "" {
			in.Entity = "licence"
		}
		if in.Reason == "" {
			in.Reason = "理由"
		}
		_, err := e.reg.RequestChange(e.ctx, actorOf(u), u, in)
		return err
	}
	for name, tc := range map[string]struct {
		u    *domain.User
		in   registry.ChangeInput
		code string
	}{
		"another institution's licence": {e.ou, registry.ChangeInput{RecordID: e.lic.ID, Values: map[string]string{"issuer": "x"}}, domain.ENOTFOUND},
		"move to another institution":   {e.iu, registry.ChangeInput{RecordID: e.lic.ID, Values: map[string]string{"institution_id": "99"}}, domain.EINVALID},
		"version":                       {e.iu, registry.ChangeInput{RecordID: e.lic.ID, Values: map[string]string{"version": "9"}}, domain.EINVALID},
		"another entity":                {e.iu, registry.ChangeInput{Entity: "person", RecordID: 1, Values: map[string]string{"name": "x"}}, domain.EINVALID},
		"invalid date":                  {e.iu, registry.ChangeInput{RecordID: e.lic.ID, Values: map[string]string{"valid_until": "2035-13-01"}}, domain.EINVALID},
		"nothing changes":               {e.iu, registry.ChangeInput{RecordID: e.lic.ID, Values: map[string]string{"issuer": e.lic.Issuer}}, domain.EINVALID},
		"no reason":                     {e.iu, registry.ChangeInput{RecordID: e.lic.ID, Reason: "\x00", Values: map[string]string{"issuer": "x"}}, domain.EINVALID},
		"supervisor asks":               {e.sup, registry.ChangeInput{RecordID: e.lic.ID, Values: map[string]string{"issuer": "x"}}, domain.EFORBIDDEN},
		"HTML named .pdf": {e.iu, registry.ChangeInput{RecordID: e.lic.ID, Values: map[string]string{"issuer": "x"},
			Files: []registry.Upload{{Name: "scan.pdf", Data: []byte("<html><script>alert(1)</script>")}}}, domain.EINVALID},
		"oversize": {e.iu, registry.ChangeInput{RecordID: e.lic.ID, Values: map[string]string{"issuer": "x"},
			Files: []registry.Upload{{Name: "big.pdf", Data: append(bytes.Clone(pdf), make([]byte, domain.MaxAttachment)...)}}}, domain.EINVALID},
	} {
		if err := ask(tc.u, tc.in); domain.ErrorCode(err) != tc.code {
			t.Errorf("%s: %v, want %s", name, err, tc.code)
		}
	}
	if n := storetest.Count(t, e.s, "change_requests"); n != 0 {
		t.Errorf("%d refused requests stored", n)
	}
	// The licence changes after the request: approving would apply values
	// the institution did not see.
	c, err := e.reg.RequestChange(e.ctx, actorOf(e.iu), e.iu, registry.ChangeInput{Entity: "licence", RecordID: e.lic.ID,
		Values: map[string]string{"issuer": "新发证机关"}, Reason: "机构改革"})
	if err != nil {
		t.Fatal(err)
	}
	l := e.licence(t)
	l.Issuer = "第三个发证机关"
	if err := registry.Update(e.ctx, e.reg, actorOf(e.sup), e.sup, store.Licences, l); err != nil {
		t.Fatal(err)
	}
	if _, err := e.reg.Decide(e.ctx, actorOf(e.sup), e.sup, c.ID, true, ""); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("approved over a later change: %v", err)
	}
	if got := e.licence(t); got.Issuer != "第三个发证机关" {
		t.Errorf("issuer %q", got.Issuer)
	}
	// Another institution neither sees the request nor downloads its files.
	if _, err := e.reg.ChangeRequest(e.ctx, e.ou, c.ID); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("other institution reads the request: %v", err)
	}
	if _, err := e.reg.Withdraw(e.ctx, actorOf(e.ou), e.ou, c.ID); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("other institution withdraws the request: %v", err)
	}
}

// TestAttachmentAccess: a change request's file is downloaded by its
// institution and the office, each download audited; another institution
// gets not found.
func TestAttachmentAccess(t *testing.T) {
	e := newChangeEnv(t)
	c, err := e.reg.RequestChange(e.ctx, actorOf(e.iu), e.iu, registry.ChangeInput{Entity: "licence", RecordID: 0,
		Values: map[string]string{"licence_no": "豫卫放证字第999999号", "issuer": "郑州市中原区卫生健康委员会", "issued_on": "2025-01-02",
			"valid_until": "2030-01-01", "items": "ct"}, Reason: "新增 CT", Files: []registry.Upload{{Name: "../../etc/申请.pdf", Data: pdf}}})
	if err != nil {
		t.Fatal(err)
	}
	f := c.Files[0]
	if f.Name != "申请.pdf" || f.Size != int64(len(pdf)) || len(f.SHA256) != 64 {
		t.Errorf("file %+v", f)
	}
	for _, u := range []*domain.User{e.iu, e.sup} {
		a, data, err := e.reg.Attachment(e.ctx, actorOf(u), u, f.ID)
		if err != nil || !bytes.Equal(data, pdf) || a.SHA256 != f.SHA256 {
			t.Errorf("%s downloads: %v", u.Username, err)
		}
	}
	if _, _, err := e.reg.Attachment(e.ctx, actorOf(e.ou), e.ou, f.ID); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("other institution downloads: %v", err)
	}
	if n := storetest.Count(t, e.s, "audit_events WHERE action = 'download'"); n != 2 {
		t.Errorf("%d downloads audited", n)
	}
	// Approving a request for a new licence files it for the institution.
	d, err := e.reg.Decide(e.ctx, actorOf(e.sup), e.sup, c.ID, true, "同意")
	if err != nil || d.RecordID == 0 {
		t.Fatalf("approve new licence: %+v %v", d, err)
	}
	if n := storetest.Count(t, e.s, "licences WHERE institution_id = ? AND licence_no = '豫卫放证字第999999号'", e.iu.InstitutionID); n != 1 {
		t.Errorf("%d new licences", n)
	}
	if n := storetest.Count(t, e.s, "licence_acts WHERE licence_id = ? AND kind = 'issue' AND document_no = '豫卫放证字第999999号'", d.RecordID); n != 1 {
		t.Errorf("%d issue acts of the new licence", n)
	}
}
