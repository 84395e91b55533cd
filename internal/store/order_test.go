package store_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// pinyinPeople and pinyinInstitutions are names in pinyin order, which is
// not their code point order (丁 U+4E01, 万 U+4E07, 乔 U+4E54; 中 U+4E2D
// before 郑 U+90D1).
var (
	pinyinPeople       = []string{"安娜", "丁一", "乔三", "万二", "王五", "张三"}
	pinyinInstitutions = []string{"安阳市人民医院", "郑州市第一人民医院", "中原区妇幼保健院", "中原区人民医院"}
)

// shuffled returns names in a fixed order that is neither theirs nor code point order.
func shuffled(names []string) []string {
	out := slices.Clone(names)
	slices.Reverse(out)
	out[0], out[len(out)/2] = out[len(out)/2], out[0]
	return out
}

func names[T any](xs []*T, name func(*T) string) []string {
	var out []string
	for _, x := range xs {
		out = append(out, name(x))
	}
	return out
}

func listNames[T any](t *testing.T, s *store.Store, tb *store.Table[T], sort string, name func(*T) string) []string {
	t.Helper()
	var got []string
	err := s.View(ctx, func(tx *store.Tx) error {
		xs, _, err := store.List(tx, tb, domain.Scope{}, store.Filter{Sort: sort})
		got = names(xs, name)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func personName(x *domain.Person) string           { return x.Name }
func institutionName(x *domain.Institution) string { return x.Name }

// TestListsSortByPinyin lists people and institutions in pinyin order on
// the engine under test (the suite runs on both, so both give this order),
// whichever way they were written: created, updated or imported.
func TestListsSortByPinyin(t *testing.T) {
	s := storetest.Open(t)
	err := s.WithTx(ctx, tester, func(tx *store.Tx) error {
		for _, n := range shuffled(pinyinPeople) {
			storetest.Person(t, tx, func(x *domain.Person) { x.Name = n })
		}
		for _, n := range shuffled(pinyinInstitutions) {
			storetest.Institution(t, tx, func(x *domain.Institution) { x.Name = n })
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(pinyinPeople, listNames(t, s, store.People, "", personName)); diff != "" {
		t.Errorf("people (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(pinyinInstitutions, listNames(t, s, store.Institutions, "", institutionName)); diff != "" {
		t.Errorf("institutions (-want +got):\n%s", diff)
	}
	desc := slices.Clone(pinyinPeople)
	slices.Reverse(desc)
	if diff := cmp.Diff(desc, listNames(t, s, store.People, "-name", personName)); diff != "" {
		t.Errorf("people by -name (-want +got):\n%s", diff)
	}
	// An unknown sort is the usual order, never SQL.
	if diff := cmp.Diff(pinyinPeople, listNames(t, s, store.People, "name; DROP TABLE people", personName)); diff != "" {
		t.Errorf("people by an unknown sort (-want +got):\n%s", diff)
	}

	// Renaming moves the record to its new place.
	err = s.WithTx(ctx, tester, func(tx *store.Tx) error {
		xs, _, err := store.List(tx, store.People, domain.Scope{}, store.Filter{Values: map[string]string{"q": "安娜"}})
		if err != nil {
			return err
		}
		xs[0].Name = "祝六"
		return store.Update(tx, store.People, domain.Scope{}, xs[0])
	})
	if err != nil {
		t.Fatal(err)
	}
	want := append(slices.Clone(pinyinPeople[1:]), "祝六")
	if diff := cmp.Diff(want, listNames(t, s, store.People, "", personName)); diff != "" {
		t.Errorf("people after a rename (-want +got):\n%s", diff)
	}
}

// TestBulkWritesKeepSortKeys: an import's inserts and replacements sort by
// pinyin as forms' writes do.
func TestBulkWritesKeepSortKeys(t *testing.T) {
	s := storetest.Open(t)
	err := s.WithTx(ctx, tester, func(tx *store.Tx) error {
		b := tx.Bulk()
		defer b.Close()
		for _, n := range shuffled(pinyinPeople) {
			p := &domain.Person{IDNumber: storetest.IDNumber(), Name: n}
			if err := store.Insert(b, store.People, p); err != nil {
				return err
			}
		}
		before, err := store.FindByKey(b, store.People, store.KeyOf(store.People, &domain.Person{}))
		if err != store.ErrNotFound {
			t.Fatalf("FindByKey of nobody: %v, %v", before, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(pinyinPeople, listNames(t, s, store.People, "", personName)); diff != "" {
		t.Errorf("people (-want +got):\n%s", diff)
	}
	err = s.WithTx(ctx, tester, func(tx *store.Tx) error {
		b := tx.Bulk()
		defer b.Close()
		xs, _, err := store.List(tx, store.People, domain.Scope{}, store.Filter{Values: map[string]string{"q": "张三"}})
		if err != nil {
			return err
		}
		renamed := *xs[0]
		renamed.Name = "艾七"
		return store.Replace(b, store.People, xs[0], &renamed)
	})
	if err != nil {
		t.Fatal(err)
	}
	want := append([]string{"艾七"}, pinyinPeople[:len(pinyinPeople)-1]...)
	if diff := cmp.Diff(want, listNames(t, s, store.People, "", personName)); diff != "" {
		t.Errorf("people after a bulk replace (-want +got):\n%s", diff)
	}
}

// TestMigrateFillsSortKeys: rows written before the sort keys existed (here:
// with the key emptied) get theirs when the store migrates.
func TestMigrateFillsSortKeys(t *testing.T) {
	s := storetest.Open(t)
	err := s.WithTx(ctx, tester, func(tx *store.Tx) error {
		for _, n := range shuffled(pinyinInstitutions) {
			storetest.Institution(t, tx, func(x *domain.Institution) { x.Name = n })
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	storetest.Exec(t, s, "UPDATE institutions SET name_key = ''")
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var empty int
	if err := storetest.Row(t, s, "SELECT COUNT(*) FROM institutions WHERE name_key = ''").Scan(&empty); err != nil || empty != 0 {
		t.Fatalf("%d institutions without a sort key (%v)", empty, err)
	}
	if diff := cmp.Diff(pinyinInstitutions, listNames(t, s, store.Institutions, "", institutionName)); diff != "" {
		t.Errorf("institutions (-want +got):\n%s", diff)
	}
}

// TestNameSearchKeepsPinyinOrder: a name search matches the start of the
// name, ignoring case, and lists the matches by pinyin.
func TestNameSearchKeepsPinyinOrder(t *testing.T) {
	s := storetest.Open(t)
	err := s.WithTx(ctx, tester, func(tx *store.Tx) error {
		for _, n := range []string{"王小明", "汪洋", "Wang Li", "王五", "小王"} {
			storetest.Person(t, tx, func(x *domain.Person) { x.Name = n })
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string][]string{"王": {"王五", "王小明"}, "wang": {"Wang Li"}, "WANG L": {"Wang Li"}, "汪": {"汪洋"}, "王小": {"王小明"}} {
		var got []string
		err := s.View(ctx, func(tx *store.Tx) error {
			xs, _, err := store.List(tx, store.People, domain.Scope{}, store.Filter{Values: map[string]string{"q": q}})
			got = names(xs, personName)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("q=%s: %v, want %v", q, got, want)
		}
	}
}

// TestSearchPeopleByACommonInstitutionName: a text that more institutions'
// names hold than one query lists by id still finds their workers, in
// pinyin order, with the people whose names begin with it.
func TestSearchPeopleByACommonInstitutionName(t *testing.T) {
	s := storetest.Open(t)
	err := s.WithTx(ctx, tester, func(tx *store.Tx) error {
		var last *domain.Institution
		for range 501 {
			last = storetest.Institution(t, tx, func(x *domain.Institution) { x.Name = "联合" + x.Name })
		}
		for _, n := range []string{"万二", "丁一"} {
			p := storetest.Person(t, tx, func(x *domain.Person) { x.Name = n })
			storetest.Employment(t, tx, p.ID, last.ID)
		}
		storetest.Person(t, tx, func(x *domain.Person) { x.Name = "联合国" })
		storetest.Person(t, tx, func(x *domain.Person) { x.Name = "乔三" })
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	err = s.View(ctx, func(tx *store.Tx) error {
		xs, _, err := store.List(tx, store.People, domain.Scope{}, store.Filter{Values: map[string]string{"q": "联合"}})
		got = names(xs, personName)
		return err
	})
	if want := []string{"丁一", "联合国", "万二"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("q=联合: %v, want %v (%v)", got, want, err)
	}
}
