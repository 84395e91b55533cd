package audit_test

import (
	"context"
	"errors"
	"testing"

	"radsup/internal/audit"
	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/registry"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestInstitutionChangesFeed: the office's feed lists what institution
// users changed, newest first, whether applied at once or submitted for
// review, with an update's fields before and after; an import is one line
// (its rows are left out); the office's own changes are not in it. It
// filters by institution and kind and pages; no one but a supervisor reads it.
func TestInstitutionChangesFeed(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t)
	reg := registry.New(s)
	svc := &audit.Service{Store: s}
	var a, b *domain.Institution
	var equipA *domain.Equipment
	var personB *domain.Person
	var ua, ub, sup, viewer *domain.User
	if err := s.WithTx(ctx, domain.Actor{Username: "setup"}, func(tx *store.Tx) error {
		a, b = storetest.Institution(t, tx), storetest.Institution(t, tx)
		equipA = storetest.Equipment(t, tx, a.ID, func(x *domain.Equipment) { x.Room = "一号机房" })
		personB = storetest.Person(t, tx)
		storetest.Employment(t, tx, personB.ID, b.ID)
		ua = storetest.User(t, tx, domain.RoleInstitution, a.ID)
		ub = storetest.User(t, tx, domain.RoleInstitution, b.ID)
		sup = storetest.User(t, tx, domain.RoleSupervisor, 0)
		viewer = storetest.User(t, tx, domain.RoleViewer, 0)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	as := func(u *domain.User, req string) domain.Actor { return domain.ActorOf(u, req, "127.0.0.1") }
	editRoom := func(u *domain.User, room string) error {
		eq, err := registry.Find(ctx, reg, u, store.Equipment, equipA.ID)
		if err != nil {
			t.Fatal(err)
		}
		eq.Room = room
		return registry.Update(ctx, reg, as(u, "edit-"+room), u, store.Equipment, eq)
	}
	// 1. A changes its device at once; 2. B files a training; 3. the
	// office edits (not in the feed); 4. A imports (one line); 5. with
	// review on, A's change waits (a submission).
	if err := editRoom(ua, "二号机房"); err != nil {
		t.Fatal(err)
	}
	days := 2
	tr := &domain.Training{PersonID: personB.ID, TakenOn: domain.MustDate("2024-05-10"), Kind: "periodic", Days: &days, Passed: "pass",
		CertificateNo: "PX-FEED-1", Provider: "河南省职业病防治研究院"}
	if err := registry.Create(ctx, reg, as(ub, "tr-1"), ub, store.Trainings, tr); err != nil {
		t.Fatal(err)
	}
	if err := editRoom(sup, "三号机房"); err != nil {
		t.Fatal(err)
	}
	if err := s.WithTx(ctx, as(ua, "import-1"), func(tx *store.Tx) error {
		storetest.Equipment(t, tx, a.ID)
		storetest.Equipment(t, tx, a.ID)
		return tx.Audit(domain.AuditImport, "import", 0, map[string]any{"files": []string{"设备.xlsx"},
			"counts": []map[string]any{{"kind": "equipment", "created": 2, "updated": 0}}})
	}); err != nil {
		t.Fatal(err)
	}
	if err := reg.SetReview(ctx, as(sup, "on"), sup, true); err != nil {
		t.Fatal(err)
	}
	var held *registry.Submitted
	if err := editRoom(ua, "待审核机房"); !errors.As(err, &held) {
		t.Fatalf("not held: %v", err)
	}

	feed, err := svc.InstitutionChanges(ctx, sup, store.ChangeFeedFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range feed.Items {
		got = append(got, it.Event.Action+" "+it.Event.Entity)
	}
	want := []string{"create submission", "import import", "create training", "update equipment"}
	if len(got) != len(want) {
		t.Fatalf("feed %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("feed %v, want %v", got, want)
		}
	}
	sub, imp, trItem, upd := feed.Items[0], feed.Items[1], feed.Items[2], feed.Items[3]
	if sub.Submission == nil || sub.Submission.ID != held.ID || sub.Submission.State != domain.SubmissionPending || sub.InstitutionID != a.ID {
		t.Errorf("the submission's line: %+v", sub)
	}
	if imp.Import == nil || imp.Import.Created != 2 || len(imp.Import.Files) != 1 || imp.InstitutionID != a.ID {
		t.Errorf("the import's line: %+v", imp.Import)
	}
	if trItem.InstitutionID != b.ID || trItem.PersonID != personB.ID || feed.Institutions[b.ID] != b.Name {
		t.Errorf("the training's line: %+v", trItem)
	}
	if len(upd.Changes) != 1 || upd.Changes[0].Field.Key != "room" || upd.Changes[0].Before != "一号机房" || upd.Changes[0].After != "二号机房" ||
		upd.EquipmentID != equipA.ID {
		t.Errorf("the update's line: %+v", upd)
	}

	onlyB, err := svc.InstitutionChanges(ctx, sup, store.ChangeFeedFilter{InstitutionID: b.ID})
	if err != nil || len(onlyB.Items) != 1 || onlyB.Items[0].Event.Entity != "training" {
		t.Errorf("filtered by B: %v %+v", err, onlyB)
	}
	onlyEquip, err := svc.InstitutionChanges(ctx, sup, store.ChangeFeedFilter{Entity: "equipment"})
	if err != nil || len(onlyEquip.Items) != 1 || onlyEquip.Items[0].Event.Action != domain.AuditUpdate {
		t.Errorf("filtered by kind: %v %+v", err, onlyEquip)
	}
	first, err := svc.InstitutionChanges(ctx, sup, store.ChangeFeedFilter{Limit: 3})
	if err != nil || len(first.Items) != 3 || !first.More {
		t.Fatalf("first page: %v %d more %v", err, len(first.Items), first.More)
	}
	second, err := svc.InstitutionChanges(ctx, sup, store.ChangeFeedFilter{Limit: 3, Offset: 3})
	if err != nil || len(second.Items) != 1 || second.More || second.Items[0].Event.ID != upd.Event.ID {
		t.Errorf("second page: %v %+v", err, second)
	}
	for _, u := range []*domain.User{ua, viewer} {
		if _, err := svc.InstitutionChanges(ctx, u, store.ChangeFeedFilter{}); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("%s reads the feed: %v", u.Role, err)
		}
	}
}
