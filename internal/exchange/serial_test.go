package exchange_test

import (
	"strconv"
	"strings"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/exchange"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestSerialNumbersInAnyCase: a device filed as "C05a-DR" is found by its
// tests written "c05A-dr" in another file, is stored as "C05A-DR", and the
// same number in another case is the same device, not a second one.
func TestSerialNumbersInAnyCase(t *testing.T) {
	e := newEnv(t)
	equip := "统一社会信用代码,设备类型,型号,出厂编号,状态\n" + instCode + ",DR,uDR 780i,C05a-DR,在用\n"
	tests := "统一社会信用代码,出厂编号,检测类型,检测日期,检测结论\n" + instCode + ",c05A-dr,验收检测,2025-03-01,合格\n"
	rep := e.imp(nil, exchange.Options{}, e.file("机构.csv", institutionsCSV()), e.file("设备.csv", equip))
	if !rep.OK() {
		t.Fatalf("devices: %v", rep.Problems)
	}
	if rep := e.imp(nil, exchange.Options{}, e.file("检测.csv", tests)); !rep.OK() {
		t.Fatalf("a test naming the device in another case: %v", rep.Problems)
	}
	again := "统一社会信用代码,设备类型,型号,出厂编号,状态\n" + instCode + ",DR,uDR 780i,c05a-dr,在用\n"
	if rep := e.imp(nil, exchange.Options{}, e.file("设备.csv", again)); !rep.OK() || rep.Changed() != 0 {
		t.Errorf("the same device in another case: %d changed, %v", rep.Changed(), rep.Problems)
	}
	var serials []string
	e.s.View(ctx, func(tx *store.Tx) error {
		xs, _, err := store.List(tx, store.Equipment, domain.Scope{}, store.Filter{})
		for _, x := range xs {
			serials = append(serials, x.SerialNo)
		}
		return err
	})
	if len(serials) != 1 || serials[0] != "C05A-DR" {
		t.Errorf("stored serial numbers %q, want one C05A-DR", serials)
	}
	if n := storetest.Count(t, e.s, "equipment_tests"); n != 1 {
		t.Errorf("%d tests stored", n)
	}
}

// TestKeysThatJoinAlikeAreDistinct: two devices whose institution ids and
// serial numbers run together to the same text (institution 1 with
// "23Q", institution 12 with "3Q") are two devices, not a duplicate row.
func TestKeysThatJoinAlikeAreDistinct(t *testing.T) {
	e := newEnv(t)
	// Institutions until one's id begins with the first's (1 and 10 in a
	// new database).
	var first, other *domain.Institution
	err := e.s.WithTx(ctx, clerk, func(tx *store.Tx) error {
		first = storetest.Institution(t, tx)
		for range 200 {
			x := storetest.Institution(t, tx)
			a, b := strconv.FormatInt(first.ID, 10), strconv.FormatInt(x.ID, 10)
			if len(b) > len(a) && strings.HasPrefix(b, a) {
				other = x
				break
			}
		}
		return nil
	})
	if err != nil || other == nil {
		t.Fatalf("institutions: %v (found %v)", err, other)
	}
	rest := strconv.FormatInt(other.ID, 10)[len(strconv.FormatInt(first.ID, 10)):]
	equip := "统一社会信用代码,设备类型,型号,出厂编号,状态\n" +
		first.CreditCode + ",DR,uDR 780i," + rest + "Q,在用\n" +
		other.CreditCode + ",DR,uDR 780i,Q,在用\n"
	if rep := e.imp(nil, exchange.Options{}, e.file("设备.csv", equip)); !rep.OK() {
		t.Fatalf("two devices: %v", rep.Problems)
	}
	if n := e.count("equipment"); n != 2 {
		t.Errorf("%d devices stored, want 2", n)
	}
}
