package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/registry"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// backupPDF is the file a change request carries through a backup.
var backupPDF = append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte{0, 0xff, 'x'}, 4096)...)

// attachSomething files a change request with a PDF for the first licence
// of s, as the licence's institution, and returns the file's id.
func attachSomething(t *testing.T, s *store.Store) int64 {
	t.Helper()
	var lic, inst int64
	if err := storetest.Row(t, s, "SELECT id, institution_id FROM licences ORDER BY id LIMIT 1").Scan(&lic, &inst); err != nil {
		t.Fatal(err)
	}
	u := &domain.User{ID: 1, Username: "inst", Role: domain.RoleInstitution, InstitutionID: inst}
	c, err := registry.New(s).RequestChange(context.Background(), domain.Actor{Username: u.Username}, u, registry.ChangeInput{
		Entity: "licence", RecordID: lic, Values: map[string]string{"issuer": "郑州市卫生健康委员会"}, Reason: "更名",
		Files: []registry.Upload{{Name: "更名文件.pdf", Data: backupPDF}}})
	if err != nil {
		t.Fatal(err)
	}
	return c.Files[0].ID
}

// restoredAttachment checks that the restored database r serves the file
// byte for byte, with the SHA-256 stored on upload.
func restoredAttachment(t *testing.T, r *store.Store, id int64) {
	t.Helper()
	sup := &domain.User{ID: 1, Username: "sup", Role: domain.RoleSupervisor}
	a, data, err := registry.New(r).Attachment(context.Background(), domain.Actor{Username: sup.Username}, sup, id)
	if err != nil {
		t.Fatalf("restored attachment: %v", err)
	}
	sum := sha256.Sum256(data)
	if !bytes.Equal(data, backupPDF) || a.SHA256 != hex.EncodeToString(sum[:]) || a.Name != "更名文件.pdf" {
		t.Errorf("restored attachment %+v differs (%d bytes)", a, len(data))
	}
}
