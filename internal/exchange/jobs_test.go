package exchange_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"radsup/internal/domain"
	"radsup/internal/exchange"
	"radsup/internal/findings"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// openStore opens a second store on the database at url, as another
// server process would.
func openStore(t *testing.T, url string) *store.Store {
	t.Helper()
	s, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// newJobs returns a job service on s keeping its files in dir, writing
// progress every 10 ms, shut down when the test ends.
func newJobs(t *testing.T, s *store.Store, dir, owner string) *exchange.Jobs {
	t.Helper()
	j := exchange.NewJobs(exchange.Importer{Store: s, Findings: &findings.Service{Store: s}, Today: func() domain.Date { return today }}, dir, nil)
	j.ProgressEvery = 10 * time.Millisecond
	if owner != "" {
		exchange.SetJobOwner(j, owner)
	}
	t.Cleanup(func() { j.Shutdown(context.Background()) })
	return j
}

// holdAt holds j's job where it has read rows rows: held is closed then,
// and the job goes on when release is called (or the test ends).
func holdAt(t *testing.T, j *exchange.Jobs, rows int) (held <-chan struct{}, release func()) {
	h, r := make(chan struct{}), make(chan struct{})
	var once sync.Once
	release = func() { once.Do(func() { close(r) }) }
	t.Cleanup(release)
	exchange.SetJobHook(j, func(phase string, n int) {
		if n == rows {
			close(h)
			<-r
		}
	})
	return h, release
}

// manyInstitutions is an institutions file of n valid rows and, if bad, one
// row more whose number of beds is not a number.
func manyInstitutions(n int, bad bool) string {
	var b strings.Builder
	b.WriteString("机构名称,统一社会信用代码,机构类别,行政区划代码,地址,状态,床位数\n")
	for i := range n {
		fmt.Fprintf(&b, "郑州市中原区测试医院%d,%s,综合医院,410102,中原区建设西路%d号,开业,100\n", i, credit(1000+i), i)
	}
	if bad {
		fmt.Fprintf(&b, "郑州市中原区测试医院X,%s,综合医院,410102,中原区建设西路1号,开业,十二\n", credit(999))
	}
	return b.String()
}

// submit starts a job importing content as a file named name.
func submit(t *testing.T, j *exchange.Jobs, u *domain.User, name, content string, opt exchange.Options) string {
	t.Helper()
	f := exchange.JobFile{Name: name, Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(content)), nil }}
	id, err := j.Submit(ctx, clerk, u, []exchange.JobFile{f}, opt)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// waitJob polls job id as u sees it on j until ok says so.
func waitJob(t *testing.T, j *exchange.Jobs, u *domain.User, id string, ok func(*exchange.Job) bool) *exchange.Job {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		job, err := j.Get(ctx, u, id)
		if err != nil {
			t.Fatal(err)
		}
		if ok(job) {
			return job
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s: still %+v", id, job)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// users makes a supervisor, another supervisor and an institution user.
func users(t *testing.T, s *store.Store) (u, other, inst *domain.User) {
	t.Helper()
	err := s.WithTx(ctx, clerk, func(tx *store.Tx) error {
		u = storetest.User(t, tx, domain.RoleSupervisor, 0)
		other = storetest.User(t, tx, domain.RoleSupervisor, 0)
		inst = storetest.User(t, tx, domain.RoleInstitution, storetest.Institution(t, tx).ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return u, other, inst
}

func count(t *testing.T, s *store.Store, table string) int {
	t.Helper()
	return storetest.Count(t, s, table)
}

// TestJobSeenFromAnotherServer: a job started on one server shows its
// progress, then its report, on another server on the same database, to
// the user who started it and to nobody else; its files stay on the first.
func TestJobSeenFromAnotherServer(t *testing.T) {
	url := storetest.URL(t)
	s1, s2 := openStore(t, url), openStore(t, url)
	a := newJobs(t, s1, t.TempDir(), "server-a/1/aaaaaaaa")
	b := newJobs(t, s2, t.TempDir(), "server-b/2/bbbbbbbb")
	u, other, _ := users(t, s1)
	held, release := holdAt(t, a, 1000)
	id := submit(t, a, u, "机构.csv", manyInstitutions(1500, true), exchange.Options{DryRun: true})
	<-held
	running := waitJob(t, b, u, id, func(j *exchange.Job) bool { return j.Rows == 1000 })
	if !running.Running() || running.Phase != "check" || running.Total < 1500 || running.Files[0] != "机构.csv" {
		t.Errorf("the running job as the other server sees it: %+v", running)
	}
	release()
	done := waitJob(t, b, u, id, func(j *exchange.Job) bool { return !j.Running() })
	if done.State != store.JobDone || done.Report == nil || !done.DryRun || done.Rows != 1501 ||
		done.Report.Counts[0].Rows != 1501 || done.Report.Counts[0].Created != 0 || done.Report.Errors() != 1 {
		t.Fatalf("the finished job as the other server sees it: %+v %+v", done, done.Report)
	}
	if msg := done.Report.Problems[0].Text("en"); !strings.Contains(msg, "“十二” is not a number") {
		t.Errorf("the stored report's problem in English: %q", msg)
	}
	// The files are on server A: A marks them, B says where they are.
	if done.Annotatable {
		t.Error("server B offers to mark files it does not have")
	}
	if _, err := b.Annotate(ctx, u, id, "en", io.Discard); !errors.Is(err, exchange.ErrNotHere) {
		t.Errorf("annotating on server B: %v", err)
	}
	var buf bytes.Buffer
	if job, _ := a.Get(ctx, u, id); !job.Annotatable {
		t.Error("server A does not offer to mark its files")
	}
	if name, err := a.Annotate(ctx, u, id, "en", &buf); err != nil || name != "机构-problems.xlsx" || buf.Len() == 0 {
		t.Errorf("annotating on server A: %q, %d bytes, %v", name, buf.Len(), err)
	}
	// Only its owner sees a job.
	for _, j := range []*exchange.Jobs{a, b} {
		if _, err := j.Get(ctx, other, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another user sees the job: %v", err)
		}
	}
	if _, err := b.Get(ctx, u, "../../etc"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a bad id: %v", err)
	}
}

// TestJobScope: an institution user's job is not shown to it once it
// belongs to another institution.
func TestJobScope(t *testing.T) {
	s := storetest.Open(t)
	j := newJobs(t, s, t.TempDir(), "")
	_, _, inst := users(t, s)
	id := submit(t, j, inst, "机构.csv", manyInstitutions(1, false), exchange.Options{DryRun: true})
	waitJob(t, j, inst, id, func(j *exchange.Job) bool { return !j.Running() })
	moved := *inst
	moved.InstitutionID++
	if _, err := j.Get(ctx, &moved, id); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the user of another institution sees the job: %v", err)
	}
	viewer := &domain.User{ID: inst.ID, Role: domain.RoleViewer}
	if _, err := j.Submit(ctx, clerk, viewer, nil, exchange.Options{}); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("a viewer's upload: %v", err)
	}
}

// TestShutdownCancelsRunningJob: Shutdown stops a job in the middle of
// writing; it ends failed, nothing of it is written and its files are
// removed; no job starts afterwards.
func TestShutdownCancelsRunningJob(t *testing.T) {
	s := storetest.Open(t)
	dir := t.TempDir()
	j := newJobs(t, s, dir, "")
	u, _, _ := users(t, s)
	institutions, audits := count(t, s, "institutions"), count(t, s, "audit_events")
	held, release := holdAt(t, j, 1000)
	id := submit(t, j, u, "机构.csv", manyInstitutions(1500, false), exchange.Options{})
	<-held
	stopped := make(chan error)
	go func() { stopped <- j.Shutdown(context.Background()) }()
	<-exchange.JobsStopping(j)
	release()
	if err := <-stopped; err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	job, err := j.Get(ctx, u, id)
	if err != nil {
		t.Fatal(err)
	}
	if job.State != store.JobFailed || job.Failure != "import.job.cancelled" || job.Report != nil {
		t.Errorf("the cancelled job: %+v", job)
	}
	if n, m := count(t, s, "institutions"), count(t, s, "audit_events"); n != institutions || m != audits {
		t.Errorf("the cancelled job wrote %d institutions and %d audit events", n-institutions, m-audits)
	}
	if _, err := os.Stat(filepath.Join(dir, id)); !os.IsNotExist(err) {
		t.Errorf("the cancelled job's files stay: %v", err)
	}
	if _, err := j.Submit(ctx, clerk, u, []exchange.JobFile{{Name: "a.csv"}}, exchange.Options{}); !errors.Is(err, exchange.ErrShuttingDown) {
		t.Errorf("a job submitted after shutdown: %v", err)
	}
}

// TestJobsLeftRunningFailAtStart: the jobs a crashed process left running
// (one of an earlier run of this server, one whose progress stopped long
// ago) are failed when a server starts, and their files removed; a job of
// another live server is left alone.
func TestJobsLeftRunningFailAtStart(t *testing.T) {
	s := storetest.Open(t)
	dir := t.TempDir()
	j := newJobs(t, s, dir, "")
	u, _, _ := users(t, s)
	me := exchange.JobOwner(j)
	earlierRun := me[:strings.LastIndexByte(me, '/')] + "/0ld0ld00"
	now := time.Now()
	left := map[string]struct {
		owner string
		at    time.Time // of the last progress
		fails bool
	}{
		"0123456789abcdef0123456789abcdef": {"gone-host/99/deaddead", now.Add(-10 * time.Minute), true},
		"1123456789abcdef0123456789abcdef": {earlierRun, now, true},
		"2123456789abcdef0123456789abcdef": {"live-host/7/a11ve000", now, false},
	}
	for id, l := range left {
		if err := os.MkdirAll(filepath.Join(dir, id), 0o700); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, id, "00-剂量.csv"), []byte("x"), 0o600)
		s.Now = func() time.Time { return l.at }
		err := s.WithTx(ctx, clerk, func(tx *store.Tx) error {
			return tx.CreateImportJob(&store.ImportJob{ID: id, UserID: u.ID, Files: []string{"剂量.csv"}, Owner: l.owner, Phase: "write", Rows: 5000})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	s.Now = time.Now
	if err := j.Start(ctx); err != nil {
		t.Fatal(err)
	}
	for id, l := range left {
		job, err := j.Get(ctx, u, id)
		if err != nil {
			t.Fatal(err)
		}
		_, statErr := os.Stat(filepath.Join(dir, id))
		switch {
		case l.fails && (job.State != store.JobFailed || job.Failure != "import.job.abandoned" || !os.IsNotExist(statErr)):
			t.Errorf("%s's job after the restart: %+v, files: %v", l.owner, job, statErr)
		case !l.fails && (job.State != store.JobRunning || statErr != nil):
			t.Errorf("%s's job after the restart: %+v, files: %v", l.owner, job, statErr)
		}
	}
}

// TestFinishedJobsGoAfterTTL: a finished job and its files are deleted
// after the TTL, and so is a folder no job owns.
func TestFinishedJobsGoAfterTTL(t *testing.T) {
	s := storetest.Open(t)
	dir := t.TempDir()
	j := newJobs(t, s, dir, "")
	u, _, _ := users(t, s)
	id := submit(t, j, u, "机构.csv", manyInstitutions(1, true), exchange.Options{DryRun: true})
	waitJob(t, j, u, id, func(j *exchange.Job) bool { return !j.Running() })
	if _, err := os.Stat(filepath.Join(dir, id)); err != nil {
		t.Fatalf("the files of a report with problems are gone: %v", err)
	}
	orphan := filepath.Join(dir, "3123456789abcdef0123456789abcdef")
	os.MkdirAll(orphan, 0o700)
	old := time.Now().Add(-time.Hour)
	os.Chtimes(orphan, old, old)
	later := time.Now().Add(exchange.DefaultJobTTL + time.Minute)
	s.Now = func() time.Time { return later }
	if err := j.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := j.Get(ctx, u, id); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the job after its TTL: %v", err)
	}
	for _, p := range []string{filepath.Join(dir, id), orphan} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s stays: %v", p, err)
		}
	}
}

// TestDamagedFileIsTheUsersProblem: a file named .xlsx that is not a
// workbook, or one cut short, fails its job with a message for the user
// ("not a valid Excel workbook"), not as a failure of the system, and
// nothing is logged at ERROR.
func TestDamagedFileIsTheUsersProblem(t *testing.T) {
	s := storetest.Open(t)
	u, _, _ := users(t, s)
	var logged bytes.Buffer
	j := exchange.NewJobs(exchange.Importer{Store: s, Today: func() domain.Date { return today }}, t.TempDir(),
		slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() { j.Shutdown(context.Background()) })
	for name, content := range map[string]string{"renamed.xlsx": manyInstitutions(2, false), "cut.xlsx": "PK\x03\x04\x14\x00\x00\x00\x08\x00"} {
		id := submit(t, j, u, name, content, exchange.Options{})
		job := waitJob(t, j, u, id, func(j *exchange.Job) bool { return !j.Running() })
		if job.State != store.JobFailed || job.Failure != "import.damaged" {
			t.Errorf("%s: %s %q, want failed with import.damaged", name, job.State, job.Failure)
		}
	}
	if strings.Contains(logged.String(), "level=ERROR") {
		t.Errorf("a damaged file logged as an error:\n%s", logged.String())
	}
}
