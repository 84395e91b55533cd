package registry_test

import (
	"bytes"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/registry"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestAttachToRecords: a test report kept with a device's test by its
// institution, read by the office, not by another institution; the
// licence's scans are the office's; wrong type and oversize are refused.
func TestAttachToRecords(t *testing.T) {
	e := newChangeEnv(t)
	var test *domain.EquipmentTest
	if err := e.s.WithTx(e.ctx, domain.Actor{Username: "setup"}, func(tx *store.Tx) error {
		test = storetest.Test(t, tx, storetest.Equipment(t, tx, e.iu.InstitutionID).ID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	a, err := e.reg.Attach(e.ctx, actorOf(e.iu), e.iu, "test", test.ID, registry.Upload{Name: "检测报告.pdf", Data: pdf})
	if err != nil || a.ContentType != "application/pdf" {
		t.Fatalf("attach: %+v %v", a, err)
	}
	if fs, err := e.reg.Files(e.ctx, e.sup, "test", test.ID); err != nil || len(fs) != 1 || fs[0].SHA256 != a.SHA256 {
		t.Errorf("office reads %v %v", fs, err)
	}
	if _, err := e.reg.Files(e.ctx, e.ou, "test", test.ID); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("another institution lists: %v", err)
	}
	if _, _, err := e.reg.Attachment(e.ctx, actorOf(e.ou), e.ou, a.ID); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("another institution downloads: %v", err)
	}
	if _, err := e.reg.Attach(e.ctx, actorOf(e.ou), e.ou, "test", test.ID, registry.Upload{Name: "x.pdf", Data: pdf}); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("another institution attaches: %v", err)
	}
	for name, up := range map[string]registry.Upload{
		"HTML named .pdf": {Name: "r.pdf", Data: []byte("<html><body onload=alert(1)>")},
		"oversize":        {Name: "r.png", Data: append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, domain.MaxAttachment)...)},
		"empty":           {Name: "r.pdf"},
	} {
		if _, err := e.reg.Attach(e.ctx, actorOf(e.iu), e.iu, "test", test.ID, up); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := e.reg.Attach(e.ctx, actorOf(e.iu), e.iu, "licence", e.lic.ID, registry.Upload{Name: "许可证.pdf", Data: pdf}); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("institution attaches to the licence: %v", err)
	}
	if _, err := e.reg.Attach(e.ctx, actorOf(e.sup), e.sup, "licence", e.lic.ID, registry.Upload{Name: "许可证正本.jpg", Data: []byte{0xFF, 0xD8, 0xFF, 0xE0, 1, 2}}); err != nil {
		t.Errorf("office attaches the licence scan: %v", err)
	}
	if _, err := e.reg.Attach(e.ctx, actorOf(e.sup), e.sup, "institution", 1, registry.Upload{Name: "x.pdf", Data: pdf}); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("attach to an institution: %v", err)
	}
	_, data, err := e.reg.Attachment(e.ctx, actorOf(e.sup), e.sup, a.ID)
	if err != nil || !bytes.Equal(data, pdf) {
		t.Errorf("office downloads: %v", err)
	}
	if n := storetest.Count(t, e.s, "attachments"); n != 2 {
		t.Errorf("%d attachments stored", n)
	}
}
