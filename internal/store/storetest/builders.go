package storetest

import (
	"fmt"
	"sync/atomic"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/store"
)

// Builders create one valid record each, with defaults made for the test
// that calls them: each call gets its own natural keys (credit code, ID
// number, serial number, username), and dates are relative to the
// transaction's time, so that a default licence is current and a default
// training or exam is recent. Mods run on the record before it is normalized
// (as the registry does) and created with store.Create in the zero Scope;
// any error fails the test.

// Password is the password of every user made by User; PasswordHash is its
// argon2id hash, with parameters cheap enough for tests.
const (
	Password     = "storetest-Passw0rd"
	PasswordHash = "$argon2id$v=19$m=64,t=1,p=1$c3RvcmV0ZXN0LXNhbHQhIQ$ebb6dMohxk+6k3EBV9Kmz/gTJbshIMpuiyfnawlJRFo"
)

// seq numbers the builders' records so that natural keys never collide.
var seq atomic.Int64

func next() int64 { return seq.Add(1) }

// CreditCode returns a valid unified social credit code not returned before.
func CreditCode() string {
	first17 := fmt.Sprintf("12%sT%08d", domain.DefaultDivision, next())
	return first17 + string(domain.CreditCheckChar(first17))
}

// IDNumber returns a valid citizen ID number not returned before, of someone
// born between 1975 and 1995; the gender alternates.
func IDNumber() string {
	n := next()
	birth := domain.NewDate(1975, 1, 1).AddDate(0, 0, int(n/1000%7300))
	first17 := fmt.Sprintf("410100%s%03d", birth.Time().Format("20060102"), n%1000)
	return first17 + string(domain.IDCheckChar(first17))
}

// today returns the date of the transaction.
func today(tx *store.Tx) domain.Date { return tx.Today() }

// recent returns a date within the year before the transaction, different
// for most n, so that repeated records of one subject do not collide.
func recent(tx *store.Tx, n int64) domain.Date { return today(tx).AddDate(0, 0, -int(1+n%360)) }

func create[T any, P interface {
	*T
	domain.Record
}](tb testing.TB, tx *store.Tx, t *store.Table[T], rec P, mods []func(*T)) *T {
	tb.Helper()
	for _, m := range mods {
		m(rec)
	}
	rec.Normalize()
	if err := store.Create(tx, t, domain.Scope{}, (*T)(rec)); err != nil {
		tb.Fatalf("storetest: create %s: %v", t.Entity(), err)
	}
	return rec
}

// Institution creates an open general hospital in the default division.
func Institution(tb testing.TB, tx *store.Tx, mods ...func(*domain.Institution)) *domain.Institution {
	tb.Helper()
	n := next()
	return create(tb, tx, store.Institutions, &domain.Institution{
		Name: fmt.Sprintf("测试医院%d号院", n), CreditCode: CreditCode(), Kind: "general_hospital",
		DivisionCode: domain.DefaultDivision, Street: domain.DefaultDivision + "001",
		Address: fmt.Sprintf("中原区建设西路%d号", n), Status: "open",
	}, mods)
}

// Licence creates a current licence of the institution for X-ray imaging,
// issued a year ago and valid for four more.
func Licence(tb testing.TB, tx *store.Tx, instID int64, mods ...func(*domain.Licence)) *domain.Licence {
	tb.Helper()
	issued := today(tx).AddDate(-1, 0, 0)
	return create(tb, tx, store.Licences, &domain.Licence{
		InstitutionID: instID, LicenceNo: fmt.Sprintf("豫卫放证字第%06d号", next()), Issuer: "郑州市中原区卫生健康委员会",
		IssuedOn: issued, ValidUntil: issued.AddDate(5, 0, 0), Items: []string{"xray_imaging"},
	}, mods)
}

// Person creates a radiation worker; gender and birth date follow from the
// ID number.
func Person(tb testing.TB, tx *store.Tx, mods ...func(*domain.Person)) *domain.Person {
	tb.Helper()
	return create(tb, tx, store.People, &domain.Person{IDNumber: IDNumber(), Name: fmt.Sprintf("测试人员%d", next())}, mods)
}

// Employment creates a current diagnostic-radiology (2A) job of the person at
// the institution, started three years ago.
func Employment(tb testing.TB, tx *store.Tx, personID, instID int64, mods ...func(*domain.Employment)) *domain.Employment {
	tb.Helper()
	started := today(tx).AddDate(-3, 0, 0)
	return create(tb, tx, store.Employments, &domain.Employment{
		PersonID: personID, InstitutionID: instID, Occupation: "2A", Job: "技师", StartedOn: started,
		PermitNo: fmt.Sprintf("410102-%04d", next()), PermitIssuedOn: started,
	}, mods)
}

// Training creates a recent, passed in-service training of the person.
func Training(tb testing.TB, tx *store.Tx, personID int64, mods ...func(*domain.Training)) *domain.Training {
	tb.Helper()
	n, days := next(), 2
	return create(tb, tx, store.Trainings, &domain.Training{
		PersonID: personID, TakenOn: recent(tx, n), Kind: "periodic", Days: &days, Passed: "pass",
		CertificateNo: fmt.Sprintf("PX%06d", n), Provider: "河南省职业病防治研究院",
	}, mods)
}

// Exam creates a recent in-service health exam of the person, fit to continue.
func Exam(tb testing.TB, tx *store.Tx, personID int64, mods ...func(*domain.Exam)) *domain.Exam {
	tb.Helper()
	return create(tb, tx, store.Exams, &domain.Exam{
		PersonID: personID, ExaminedOn: recent(tx, next()), Kind: "periodic", Conclusion: "continue",
		Provider: "郑州市职业病防治院",
	}, mods)
}

// Dose creates a 90-day dose record of 0.120 mSv Hp(10) for the person's work
// at the institution, ending within the last year.
func Dose(tb testing.TB, tx *store.Tx, personID, instID int64, mods ...func(*domain.DoseRecord)) *domain.DoseRecord {
	tb.Helper()
	n := next()
	end := recent(tx, n)
	return create(tb, tx, store.Doses, &domain.DoseRecord{
		PersonID: personID, InstitutionID: instID, PeriodStart: end.AddDate(0, 0, -89), PeriodEnd: end,
		Hp10: domain.MicroSv(120), Provider: "河南省职业病防治研究院", ReportNo: fmt.Sprintf("JL%06d", n),
	}, mods)
}

// Equipment creates a DR unit in use at the institution.
func Equipment(tb testing.TB, tx *store.Tx, instID int64, mods ...func(*domain.Equipment)) *domain.Equipment {
	tb.Helper()
	n, t := next(), today(tx)
	return create(tb, tx, store.Equipment, &domain.Equipment{
		InstitutionID: instID, Type: "dr", Name: "数字化X射线摄影系统", Manufacturer: "上海联影医疗科技股份有限公司",
		Model: "uDR 780i", SerialNo: fmt.Sprintf("SN%08d", n), ManufacturedOn: t.AddDate(-5, 0, 0),
		InstalledOn: t.AddDate(-4, 0, 0), Room: "放射科1号机房", Status: "in_use",
	}, mods)
}

// Test creates a recent, passed status test (状态检测) of the equipment.
func Test(tb testing.TB, tx *store.Tx, equipID int64, mods ...func(*domain.EquipmentTest)) *domain.EquipmentTest {
	tb.Helper()
	n := next()
	return create(tb, tx, store.Tests, &domain.EquipmentTest{
		EquipmentID: equipID, Kind: "status", TestedOn: recent(tx, n), Agency: "河南省疾病预防控制中心",
		ReportNo: fmt.Sprintf("JC%06d", n), Result: "pass",
	}, mods)
}

// User creates an enabled account with the role (domain.RoleAdmin …) and, for
// an institution user, its institution (0 otherwise). Its password is Password.
func User(tb testing.TB, tx *store.Tx, role string, instID int64, mods ...func(*domain.User)) *domain.User {
	tb.Helper()
	n := next()
	u := &domain.User{Username: fmt.Sprintf("user%d", n), DisplayName: fmt.Sprintf("测试用户%d", n), Role: role,
		InstitutionID: instID, PasswordHash: PasswordHash}
	for _, m := range mods {
		m(u)
	}
	if err := tx.CreateUser(u); err != nil {
		tb.Fatalf("storetest: create user: %v", err)
	}
	return u
}
