package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"radsup/internal/accounts"
	"radsup/internal/auth"
	"radsup/internal/config"
	"radsup/internal/domain"
	"radsup/internal/exchange"
	"radsup/internal/findings"
	"radsup/internal/loadtest"
	"radsup/internal/store"
)

// runLoadtest drives a running server with the page mix of many users at
// once: `radsup loadtest -db URL -url http://HOST:PORT (-clients N | -rate R)
// [-duration 30s] [-format table|json] [-screening] [-pid PID]`.
//
// It makes one account of each business role in the database (through the
// account service, as `radsup user add` does, then changes its first
// password and enrols its second factor as the user would), logs each in
// over HTTP, and then for the duration requests lists with filters, record
// pages, findings, API reads, edits at a version and small imports. Before
// the mix, /healthz is driven the same way: the baseline of the box.
func runLoadtest(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		return fmt.Errorf("loadtest: unexpected arguments %q", args)
	}
	if cfg.URL == "" {
		return errors.New("loadtest: -url http://HOST:PORT is required")
	}
	base, err := url.Parse(strings.TrimRight(cfg.URL, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return fmt.Errorf("loadtest: -url %q: want http://HOST:PORT", cfg.URL)
	}
	if (cfg.Clients > 0) == (cfg.Rate > 0) {
		return errors.New("loadtest: give either -clients N (closed loop) or -rate R (open loop, requests per second)")
	}
	if cfg.Clients > 10000 || cfg.Rate > 100000 {
		return errors.New("loadtest: at most 10,000 clients or 100,000 requests/s")
	}
	if cfg.Duration <= 0 {
		cfg.Duration = 30 * time.Second
	}
	if cfg.Format != "table" && cfg.Format != "json" {
		return fmt.Errorf("loadtest: -format %q: want table or json", cfg.Format)
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	lt := newLoadClient(base.String(), cfg.Clients+int(cfg.Rate)+10)
	fmt.Fprintln(stderr, "loadtest: preparing accounts and samples")
	if err := lt.prepare(ctx, s); err != nil {
		return fmt.Errorf("loadtest: %w", err)
	}
	pid := cfg.PID
	if pid == 0 {
		if port, err := strconv.Atoi(base.Port()); err == nil && isLocal(base.Hostname()) {
			pid = loadtest.ListenerPID(port)
		}
	}

	rep := loadReport{URL: base.String(), Clients: cfg.Clients, Rate: cfg.Rate, Duration: cfg.Duration.String(), PID: pid}
	runCtx, stopScreening := context.WithCancel(ctx)
	var screenDone sync.WaitGroup
	var screenRuns atomic.Int32
	var screenErr atomic.Value
	if cfg.Screening {
		// The daily screening's work, in this process on the same database,
		// over and over for as long as the load lasts.
		svc := &findings.Service{Store: s}
		screenDone.Add(1)
		go func() {
			defer screenDone.Done()
			for runCtx.Err() == nil {
				if _, err := svc.RunInBackground(runCtx, domain.DateOf(time.Now())); err != nil {
					if runCtx.Err() == nil {
						screenErr.Store(err.Error())
					}
					return
				}
				screenRuns.Add(1)
			}
		}()
	}
	shape := loadtest.Config{Clients: cfg.Clients, Rate: cfg.Rate, Seed: uint64(time.Now().UnixNano())}

	// The server's processor time per request: what a request costs,
	// whatever else the machine is doing.
	cpu := func() time.Duration {
		if pid == 0 {
			return 0
		}
		d, _ := loadtest.CPUTime(pid)
		return d
	}
	perRequest := func(d time.Duration, n int) float64 {
		if n == 0 {
			return 0
		}
		return math.Round(float64(d)/float64(n)/1e4) / 100
	}

	fmt.Fprintln(stderr, "loadtest: /healthz baseline")
	shape.Duration = min(cfg.Duration, 10*time.Second)
	cpu0 := cpu()
	baseline := loadtest.Run(runCtx, shape, loadtest.Mix{{Name: "healthz", Weight: 1}}, lt.do)
	rep.Baseline = &baseline
	cpu1 := cpu()

	fmt.Fprintln(stderr, "loadtest: the page mix for", cfg.Duration)
	shape.Duration = cfg.Duration
	var peak atomic.Int64
	sampling := make(chan struct{})
	go func() {
		defer close(sampling)
		if pid == 0 {
			return
		}
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			if m, err := loadtest.ReadMemory(pid); err == nil && m.RSS > peak.Load() {
				peak.Store(m.RSS)
			}
			select {
			case <-runCtx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	res := loadtest.Run(runCtx, shape, lt.mix(), lt.do)
	rep.Result = res
	cpu2 := cpu()
	stopScreening()
	<-sampling
	screenDone.Wait()
	if cfg.Screening {
		rep.Screening = &screeningReport{FullRuns: int(screenRuns.Load())}
		if e, ok := screenErr.Load().(string); ok {
			rep.Screening.Error = e
		}
	}
	if pid != 0 {
		if m, err := loadtest.ReadMemory(pid); err == nil {
			rep.Server = &serverMemory{Memory: m, MaxRSSDuringRun: max(peak.Load(), m.RSS),
				CPUPerRequest: perRequest(cpu2-cpu1, res.Requests), BaselineCPUPerRequest: perRequest(cpu1-cpu0, baseline.Requests)}
		}
	}
	if cfg.Format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return printLoadReport(stdout, rep)
}

func isLocal(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// loadReport is what loadtest prints: the mix's figures (requests, errors,
// rps, p50_ms … at the top, each kind in kinds), the /healthz baseline run
// with the same shape, the server's memory and the screening done meanwhile.
type loadReport struct {
	URL      string  `json:"url"`
	Clients  int     `json:"clients,omitempty"`
	Rate     float64 `json:"rate,omitempty"`
	Duration string  `json:"duration"`
	loadtest.Result
	Baseline  *loadtest.Result `json:"baseline"`
	PID       int              `json:"server_pid,omitempty"`
	Server    *serverMemory    `json:"server,omitempty"`
	Screening *screeningReport `json:"screening,omitempty"`
}

type serverMemory struct {
	loadtest.Memory
	MaxRSSDuringRun int64 `json:"max_rss_during_run_bytes"`
	// The server's processor time (user and system) per request of the
	// mix, and of the /healthz baseline, in milliseconds.
	CPUPerRequest         float64 `json:"cpu_ms_per_request"`
	BaselineCPUPerRequest float64 `json:"baseline_cpu_ms_per_request"`
}

type screeningReport struct {
	FullRuns int    `json:"full_runs"` // full screenings finished during the load
	Error    string `json:"error,omitempty"`
}

func printLoadReport(w io.Writer, rep loadReport) error {
	shape := fmt.Sprintf("%d clients (closed loop)", rep.Clients)
	if rep.Rate > 0 {
		shape = fmt.Sprintf("%g requests/s offered (open loop, Poisson)", rep.Rate)
	}
	fmt.Fprintf(w, "%s, %s, %s\n\n", rep.URL, shape, rep.Duration)
	rows := [][]string{{"kind", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms"}}
	row := func(k loadtest.KindStats) []string {
		f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
		return []string{k.Kind, strconv.Itoa(k.Requests), strconv.Itoa(k.Errors), f(k.RPS), f(k.P50), f(k.P95), f(k.P99), f(k.Max)}
	}
	for _, k := range rep.Kinds {
		rows = append(rows, row(k))
	}
	rows = append(rows, row(rep.KindStats))
	if rep.Baseline != nil {
		b := rep.Baseline.KindStats
		b.Kind = "baseline /healthz"
		rows = append(rows, row(b))
	}
	if err := writeColumns(w, rows); err != nil {
		return err
	}
	if rep.Baseline != nil && rep.Baseline.RPS > 0 {
		fmt.Fprintf(w, "\nthroughput %.1f req/s = %.3f of the /healthz baseline (%.1f req/s)\n", rep.RPS, rep.RPS/rep.Baseline.RPS, rep.Baseline.RPS)
	}
	for _, k := range rep.Kinds {
		for msg, n := range k.ErrorsBy {
			fmt.Fprintf(w, "error  %s  %d× %s\n", k.Kind, n, msg)
		}
	}
	if rep.Server != nil {
		fmt.Fprintf(w, "server pid %d: RSS %.1f MB now, %.1f MB at most during the run, %.1f MB peak since start\n", rep.PID,
			mb(rep.Server.RSS), mb(rep.Server.MaxRSSDuringRun), mb(rep.Server.Peak))
		fmt.Fprintf(w, "server processor time per request: %.2f ms (/healthz: %.2f ms)\n", rep.Server.CPUPerRequest, rep.Server.BaselineCPUPerRequest)
	}
	if rep.Screening != nil {
		fmt.Fprintf(w, "full screenings finished during the load: %d %s\n", rep.Screening.FullRuns, rep.Screening.Error)
	}
	return nil
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }

// loadClient is the HTTP side of the load: the signed-in users, the ids
// the requests are made of, one request per kind.
type loadClient struct {
	base   string
	client *http.Client

	supervisor, viewer, clerk loadUser // clerk: an institution's user
	institutions, people      []int64
	ownEquipment              []int64
	importFile                []byte
}

// loadUser is a signed-in account: its session cookie and an API token.
type loadUser struct {
	name, session, token string
}

func newLoadClient(base string, conns int) *loadClient {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = conns, conns
	return &loadClient{base: base, client: &http.Client{
		Transport:     tr,
		Timeout:       time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// prepare makes the accounts, signs them in and samples the ids.
func (lt *loadClient) prepare(ctx context.Context, s *store.Store) error {
	svc := &accounts.Service{Store: s}
	stamp := strconv.FormatInt(time.Now().UnixNano()%1e10, 36)
	var err error
	if lt.supervisor, err = lt.account(ctx, svc, "loadtest-sup-"+stamp, domain.RoleSupervisor, 0); err != nil {
		return err
	}
	if lt.viewer, err = lt.account(ctx, svc, "loadtest-view-"+stamp, domain.RoleViewer, 0); err != nil {
		return err
	}
	var emp struct {
		Items []domain.Employment `json:"items"`
		Total int                 `json:"total"`
	}
	if err := lt.getJSON(ctx, lt.supervisor, "/api/v1/employments?limit=1", &emp); err != nil || emp.Total == 0 {
		return fmt.Errorf("no employment to choose an institution by (%v)", err)
	}
	// An institution with workers, somewhere in the register.
	if err := lt.getJSON(ctx, lt.supervisor, fmt.Sprintf("/api/v1/employments?limit=1&offset=%d", emp.Total/3), &emp); err != nil || len(emp.Items) == 0 {
		return fmt.Errorf("choosing an institution: %v", err)
	}
	inst := emp.Items[0].InstitutionID
	if lt.clerk, err = lt.account(ctx, svc, "loadtest-inst-"+stamp, domain.RoleInstitution, inst); err != nil {
		return err
	}
	if lt.institutions, err = lt.sampleIDs(ctx, lt.supervisor, "/api/v1/institutions", 400); err != nil {
		return err
	}
	if lt.people, err = lt.sampleIDs(ctx, lt.supervisor, "/api/v1/people", 400); err != nil {
		return err
	}
	if lt.ownEquipment, err = lt.sampleIDs(ctx, lt.clerk, "/api/v1/equipment", 50); err != nil {
		return err
	}
	// The small import: the institution's own equipment as it stands,
	// filed again as the institution's user would send a corrected sheet.
	var b bytes.Buffer
	u, err := svc.UserByName(ctx, accounts.Console(domain.RoleAdmin), lt.clerk.name)
	if err != nil {
		return err
	}
	filter := store.Filter{Values: map[string]string{"institution_id": strconv.FormatInt(inst, 10)}}
	if _, err := exchange.Export(ctx, s, domain.Actor{Username: u.Username, UserID: u.ID, Role: u.Role}, u, "equipment", filter, &b, exchange.CSV); err != nil {
		return err
	}
	lt.importFile = b.Bytes()
	return nil
}

// account creates a user of role, changes its first password and enrols
// its second factor if the policy asks for one, as the user would at the
// first login; then it signs in over HTTP and takes an API token.
func (lt *loadClient) account(ctx context.Context, svc *accounts.Service, name, role string, inst int64) (loadUser, error) {
	actor := domain.Actor{Username: "loadtest"}
	u := &domain.User{Username: name, DisplayName: "压力测试", Role: role, InstitutionID: inst}
	first, password := auth.RandomPassword(16), auth.RandomPassword(16)
	if err := svc.AddUser(ctx, actor, accounts.Console(domain.RoleAdmin), u, first); err != nil {
		return loadUser{}, fmt.Errorf("account %s: %w", name, err)
	}
	if _, err := svc.ChangePassword(ctx, actor, u, first, password); err != nil {
		return loadUser{}, fmt.Errorf("account %s: %w", name, err)
	}
	pol, err := svc.Policy(ctx)
	if err != nil {
		return loadUser{}, err
	}
	var secret string
	if pol.NeedsTwoFactor(role) {
		e, err := auth.NewEnrolment(name)
		if err != nil {
			return loadUser{}, err
		}
		secret = e.Secret
		// The code of the previous time step: the login's is then fresh.
		code, err := auth.TOTPCode(secret, time.Now().Add(-30*time.Second))
		if err != nil {
			return loadUser{}, err
		}
		if err := svc.EnrolTOTP(ctx, actor, u, secret, code); err != nil {
			return loadUser{}, fmt.Errorf("account %s: second factor: %w", name, err)
		}
	}
	lu := loadUser{name: name}
	if lu.session, err = lt.login(ctx, name, password, secret); err != nil {
		return loadUser{}, fmt.Errorf("login %s: %w", name, err)
	}
	if lu.token, _, err = svc.CreateToken(ctx, actor, u, "loadtest"); err != nil {
		return loadUser{}, err
	}
	return lu, nil
}

// login signs in through the login form (and its second step) and returns
// the session cookie.
func (lt *loadClient) login(ctx context.Context, name, password, secret string) (string, error) {
	form := url.Values{"username": {name}, "password": {password}, "next": {"/"}}
	resp, err := lt.post(ctx, "/login", "", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	session := cookieOf(resp, sessionCookieName)
	if resp.StatusCode != http.StatusSeeOther || session == "" {
		return "", fmt.Errorf("POST /login: %s", resp.Status)
	}
	if !strings.HasPrefix(resp.Header.Get("Location"), "/login/2fa") {
		return session, nil
	}
	code, err := auth.TOTPCode(secret, time.Now())
	if err != nil {
		return "", err
	}
	resp, err = lt.post(ctx, "/login/2fa", session, "application/x-www-form-urlencoded", strings.NewReader(url.Values{"code": {code}, "next": {"/"}}.Encode()))
	if err != nil {
		return "", err
	}
	if session = cookieOf(resp, sessionCookieName); resp.StatusCode != http.StatusSeeOther || session == "" {
		return "", fmt.Errorf("POST /login/2fa: %s", resp.Status)
	}
	return session, nil
}

const sessionCookieName = "radsup_session"

func cookieOf(resp *http.Response, name string) string {
	for _, c := range resp.Cookies() {
		if c.Name == name && c.MaxAge >= 0 {
			return c.Value
		}
	}
	return ""
}

// sampleIDs returns up to n ids of a list spread over the whole of it.
func (lt *loadClient) sampleIDs(ctx context.Context, u loadUser, path string, n int) ([]int64, error) {
	var page struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
		Total int `json:"total"`
	}
	if err := lt.getJSON(ctx, u, path+"?limit=1", &page); err != nil {
		return nil, err
	}
	total := page.Total
	var ids []int64
	const chunk = 20
	step := max(total/max(n/chunk, 1), chunk)
	for off := 0; off < total && len(ids) < n; off += step {
		if err := lt.getJSON(ctx, u, fmt.Sprintf("%s?limit=%d&offset=%d", path, chunk, off), &page); err != nil {
			return nil, err
		}
		for _, it := range page.Items {
			ids = append(ids, it.ID)
		}
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("%s: nothing to sample", path)
	}
	return ids, nil
}

func (lt *loadClient) getJSON(ctx context.Context, u loadUser, path string, v any) error {
	body, err := lt.get(ctx, u, path)
	if err != nil {
		return err
	}
	return json.Unmarshal(body, v)
}

// request sends one request as u (its token for the API, its session for
// pages) and returns the body of a 2xx or 303 answer.
func (lt *loadClient) request(ctx context.Context, u loadUser, method, path, ctype string, body io.Reader) ([]byte, int, error) {
	req, err := http.NewRequestWithContext(ctx, method, lt.base+path, body)
	if err != nil {
		return nil, 0, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if strings.HasPrefix(path, "/api/") {
		req.Header.Set("Authorization", "Bearer "+u.token)
	} else if u.session != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookieName, Value: u.session})
	}
	resp, err := lt.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL, so that errors group by page
		}
		return nil, 0, fmt.Errorf("%s %s: %w", method, pathOnly(path), err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, resp.StatusCode, err
	}
	if resp.StatusCode >= 300 && resp.StatusCode != http.StatusSeeOther {
		return b, resp.StatusCode, fmt.Errorf("%s %s: HTTP %d", method, pathOnly(path), resp.StatusCode)
	}
	return b, resp.StatusCode, nil
}

// pathOnly drops the query and numbers, so that errors group by page.
func pathOnly(p string) string {
	p, _, _ = strings.Cut(p, "?")
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if _, err := strconv.Atoi(s); err == nil {
			parts[i] = "{id}"
		}
	}
	return strings.Join(parts, "/")
}

func (lt *loadClient) get(ctx context.Context, u loadUser, path string) ([]byte, error) {
	b, _, err := lt.request(ctx, u, http.MethodGet, path, "", nil)
	return b, err
}

func (lt *loadClient) post(ctx context.Context, path, session, ctype string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, lt.base+path, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", ctype)
	if session != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookieName, Value: session})
	}
	resp, err := lt.client.Do(req)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp, nil
}

// mix is the page mix: mostly the lists and records supervisors and
// viewers read, some of an institution's own work, a few writes.
func (lt *loadClient) mix() loadtest.Mix {
	return loadtest.Mix{
		{Name: "institution_list", Weight: 15},
		{Name: "institution_page", Weight: 5},
		{Name: "people_list", Weight: 5},
		{Name: "person_page", Weight: 20},
		{Name: "equipment_list", Weight: 15},
		{Name: "findings_list", Weight: 15},
		{Name: "api_people_by_institution", Weight: 15},
		{Name: "api_people_by_occupation", Weight: 2},
		{Name: "institution_own_pages", Weight: 5},
		{Name: "edit", Weight: 2},
		{Name: "import", Weight: 1},
	}
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// do makes one request of a kind.
func (lt *loadClient) do(ctx context.Context, kind string, r *rand.Rand) error {
	var err error
	switch kind {
	case "healthz":
		_, err = lt.get(ctx, loadUser{}, "/healthz")
	case "institution_list":
		_, err = lt.get(ctx, lt.supervisor, pick(r, []string{
			"/institutions", "/institutions?kind=dental_clinic&status=open", "/institutions?q=" + url.QueryEscape("人民医院"),
			fmt.Sprintf("/institutions?page=%d", 2+r.IntN(20)), "/institutions?status=open&page=2",
		}))
	case "institution_page":
		_, err = lt.get(ctx, lt.supervisor, fmt.Sprintf("/institutions/%d", pick(r, lt.institutions)))
	case "people_list":
		_, err = lt.get(ctx, lt.viewer, pick(r, []string{
			"/people", "/people?q=" + url.QueryEscape("王"), fmt.Sprintf("/people?page=%d", 2+r.IntN(20)),
			fmt.Sprintf("/people?institution_id=%d", pick(r, lt.institutions)), "/people?occupation=2C",
		}))
	case "person_page":
		_, err = lt.get(ctx, pick(r, []loadUser{lt.supervisor, lt.viewer}), fmt.Sprintf("/people/%d", pick(r, lt.people)))
	case "equipment_list":
		_, err = lt.get(ctx, lt.supervisor, pick(r, []string{
			"/equipment", "/equipment?type=dr", "/equipment?type=ct&status=in_use", fmt.Sprintf("/equipment?page=%d", 2+r.IntN(20)),
			fmt.Sprintf("/equipment?institution_id=%d", pick(r, lt.institutions)),
		}))
	case "findings_list":
		_, err = lt.get(ctx, lt.supervisor, pick(r, []string{
			"/findings", "/findings?severity=violation", "/findings?severity=warning&page=2", "/findings?status=all",
			fmt.Sprintf("/findings?institution_id=%d", pick(r, lt.institutions)), "/findings?subject_type=equipment",
		}))
	case "api_people_by_institution":
		_, err = lt.get(ctx, lt.supervisor, fmt.Sprintf("/api/v1/people?institution_id=%d", pick(r, lt.institutions)))
	case "api_people_by_occupation":
		_, err = lt.get(ctx, lt.supervisor, pick(r, []string{
			"/api/v1/people?occupation=2A", "/api/v1/people?occupation=2C&limit=20", "/api/v1/people?occupation=2E&offset=100",
		}))
	case "institution_own_pages":
		_, err = lt.get(ctx, lt.clerk, pick(r, []string{"/", "/people", "/equipment", "/findings"}))
	case "edit":
		err = lt.edit(ctx, r)
	case "import":
		err = lt.importSmall(ctx)
	default:
		err = fmt.Errorf("unknown kind %q", kind)
	}
	return err
}

// edit reads one of the institution's devices and puts it back unchanged
// at the version read: a full update with its optimistic lock. A conflict
// with another client's edit of the same device is read again once.
func (lt *loadClient) edit(ctx context.Context, r *rand.Rand) error {
	path := fmt.Sprintf("/api/v1/equipment/%d", pick(r, lt.ownEquipment))
	var err error
	for range 2 {
		var b []byte
		if b, err = lt.get(ctx, lt.clerk, path); err != nil {
			return err
		}
		var status int
		_, status, err = lt.request(ctx, lt.clerk, http.MethodPut, path, "application/json", bytes.NewReader(b))
		if status != http.StatusConflict {
			return err
		}
	}
	return err
}

// importSmall sends the institution's equipment sheet through the import
// page; the job runs in the server after the answer.
func (lt *loadClient) importSmall(ctx context.Context) error {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile("files", "equipment.csv")
	if err != nil {
		return err
	}
	fw.Write(lt.importFile)
	mw.WriteField("kind", "equipment")
	mw.Close()
	_, status, err := lt.request(ctx, lt.clerk, http.MethodPost, "/import", mw.FormDataContentType(), &b)
	if err == nil && status != http.StatusSeeOther {
		err = fmt.Errorf("POST /import: HTTP %d, want 303", status)
	}
	return err
}
