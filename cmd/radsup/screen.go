package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"radsup/internal/config"
	"radsup/internal/domain"
	"radsup/internal/findings"
	"radsup/internal/i18n"
	"radsup/internal/screening"
	"radsup/internal/store"
)

// findingJSON is how `radsup screen -format json` prints a finding
// (spec/formats.md, CLI); the CSV columns are the same keys.
type findingJSON struct {
	Rule        string            `json:"rule"`
	Severity    string            `json:"severity"`
	SubjectType string            `json:"subject_type"`
	SubjectKey  string            `json:"subject_key"`
	Institution string            `json:"institution"`
	Message     string            `json:"message"`
	DueOn       string            `json:"due_on"`
	Evidence    map[string]string `json:"evidence"`
}

// findingCSVHeader are the columns of `radsup screen -format csv`.
var findingCSVHeader = []string{"rule", "severity", "subject_type", "subject_key", "institution", "message", "due_on", "evidence"}

func toFindingJSON(f screening.Finding) findingJSON {
	ev := f.Evidence
	if ev == nil {
		ev = map[string]string{}
	}
	return findingJSON{f.Rule, string(f.Severity), f.SubjectType, f.SubjectKey, f.Institution, f.Message, f.DueOn.String(), ev}
}

// runScreen prints what the screening rules find as of a date; with -save it
// first updates the stored findings as the daily run does. The findings go
// to out; run statistics and timing go to errOut, so out stays machine-readable.
func runScreen(ctx context.Context, cfg config.Config, args []string, out, errOut io.Writer) error {
	if len(args) > 0 {
		return fmt.Errorf("screen: unexpected arguments %q", args)
	}
	asOf := domain.DateOf(time.Now())
	if cfg.AsOf != "" {
		d, err := domain.ParseDate(cfg.AsOf)
		if err != nil {
			return fmt.Errorf("-as-of %q: want a date YYYY-MM-DD", cfg.AsOf)
		}
		asOf = d
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	svc := &findings.Service{Store: s}

	// Resolve the institution first, so that a wrong code fails before anything is written.
	var inst *domain.Institution
	if cfg.Institution != "" {
		if inst, err = institutionByCode(ctx, s, cfg.Institution); err != nil {
			return err
		}
	}

	heap := watchHeap()
	defer heap.stop() // on an error return
	start := time.Now()
	var subjects int
	if cfg.Save {
		var stats findings.RunStats
		if inst != nil {
			stats, err = rescreenInstitution(ctx, svc, inst.ID, asOf)
		} else {
			stats, err = svc.RunFull(ctx, asOf)
		}
		if err != nil {
			return err
		}
		subjects = stats.Subjects
		what := "full run"
		if inst != nil {
			what = "institution " + inst.CreditCode
		}
		fmt.Fprintf(errOut, "saved findings as of %s (%s): subjects %d, opened %d, resolved %d, still open %d, in %s\n",
			asOf, what, stats.Subjects, stats.Opened, stats.Resolved, stats.StillOpen, stats.Duration.Round(time.Millisecond))
	}
	fs, err := svc.Preview(ctx, asOf, cfg.Institution)
	if errors.Is(err, store.ErrNotFound) && cfg.Institution != "" {
		return noInstitution(cfg.Institution)
	}
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	peak, allocated := heap.stop()
	if !cfg.Save {
		if subjects, err = countSubjects(ctx, s, inst); err != nil {
			return err
		}
	}
	fmt.Fprintf(errOut, "screened %d subjects as of %s in %.3fs: %d findings, peak heap %.1f MB, %.1f MB allocated\n",
		subjects, asOf, elapsed.Seconds(), len(fs), float64(peak)/(1<<20), float64(allocated)/(1<<20))

	switch cfg.Format {
	case "json":
		list := make([]findingJSON, len(fs))
		for i, f := range fs {
			list[i] = toFindingJSON(f)
		}
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(list)
	case "csv":
		return writeFindingsCSV(out, fs)
	case "table":
		names, err := institutionNames(ctx, s)
		if err != nil {
			return err
		}
		return writeFindingsTable(out, fs, names)
	}
	return fmt.Errorf("screen: -format %q: want table, json or csv", cfg.Format)
}

// heapWatch follows the live heap during the screening, for the timing
// line. Process peak RSS is measured outside (/usr/bin/time -v); this
// figure leaves out what the process allocated before the screening began
// (package initialisation included).
type heapWatch struct {
	startAllocated uint64
	peak           atomic.Uint64
	done, stopped  chan struct{}
	once           sync.Once
}

const (
	metricHeapLive  = "/memory/classes/heap/objects:bytes" // live and not yet swept heap objects
	metricAllocated = "/gc/heap/allocs:bytes"              // cumulative bytes allocated
)

// watchHeap samples the live heap every few milliseconds until stop. It
// collects garbage first, so that the figure is not what was left over
// before the screening (argon2's 64 MiB from initialising internal/auth).
func watchHeap() *heapWatch {
	runtime.GC()
	h := &heapWatch{done: make(chan struct{}), stopped: make(chan struct{})}
	h.startAllocated = h.read(metricAllocated)
	go func() {
		defer close(h.stopped)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		s := []metrics.Sample{{Name: metricHeapLive}}
		for {
			metrics.Read(s)
			h.observe(s[0].Value.Uint64())
			select {
			case <-h.done:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

func (h *heapWatch) read(name string) uint64 {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

func (h *heapWatch) observe(v uint64) {
	for {
		old := h.peak.Load()
		if v <= old || h.peak.CompareAndSwap(old, v) {
			return
		}
	}
}

// stop ends the sampling and returns the peak live heap seen and the bytes
// allocated since watchHeap. It may be called more than once.
func (h *heapWatch) stop() (peak, allocated uint64) {
	h.once.Do(func() { close(h.done) })
	<-h.stopped
	h.observe(h.read(metricHeapLive))
	return h.peak.Load(), h.read(metricAllocated) - h.startAllocated
}

func noInstitution(code string) error {
	return fmt.Errorf("找不到统一社会信用代码为 %s 的机构 / no institution with credit code %s", code, code)
}

// institutionByCode finds an institution, retired ones included, by credit code.
func institutionByCode(ctx context.Context, s *store.Store, code string) (*domain.Institution, error) {
	var inst *domain.Institution
	err := s.View(ctx, func(tx *store.Tx) error {
		found, _, err := store.List(tx, store.Institutions, domain.Scope{}, store.Filter{Values: map[string]string{"credit_code": code}, Retired: true})
		if err != nil {
			return err
		}
		for _, f := range found {
			if f.CreditCode == code {
				inst = f
				return nil
			}
		}
		return noInstitution(code)
	})
	return inst, err
}

// rescreenInstitution re-screens the subjects of one institution (itself,
// its equipment, the people it employs or monitors) in one transaction, as a
// change to the institution would, and counts what changed by comparing the
// stored findings of those subjects before and after (Dismissed is not
// counted: a dismissed finding looks the same whether it still fires or not).
func rescreenInstitution(ctx context.Context, svc *findings.Service, instID int64, asOf domain.Date) (findings.RunStats, error) {
	start := time.Now()
	stats := findings.RunStats{AsOf: asOf}
	err := svc.Store.WithTx(ctx, domain.Actor{Username: "system"}, func(tx *store.Tx) error {
		ins, eq, ppl, err := tx.SubjectsOf("institution", instID)
		if err != nil {
			return err
		}
		stats.Subjects = len(ins) + len(eq) + len(ppl)
		subjects := []struct {
			typ string
			ids []int64
		}{{screening.SubjectInstitution, ins}, {screening.SubjectEquipment, eq}, {screening.SubjectPerson, ppl}}
		snapshot := func() (map[domain.FindingKey]*domain.Finding, error) {
			m := map[domain.FindingKey]*domain.Finding{}
			for _, sub := range subjects {
				if len(sub.ids) == 0 {
					continue
				}
				fs, err := tx.SubjectFindings(sub.typ, sub.ids)
				if err != nil {
					return nil, err
				}
				for _, f := range fs {
					m[f.Key()] = f
				}
			}
			return m, nil
		}
		before, err := snapshot()
		if err != nil {
			return err
		}
		if err := svc.Rescreen(tx, "institution", []int64{instID}, asOf); err != nil {
			return err
		}
		after, err := snapshot()
		if err != nil {
			return err
		}
		for k, a := range after {
			b := before[k]
			switch {
			case a.Status == domain.FindingOpen && (b == nil || b.Status != domain.FindingOpen):
				stats.Opened++
			case a.Status == domain.FindingOpen:
				stats.StillOpen++
			case a.Status == domain.FindingResolved && b != nil && b.Status == domain.FindingOpen:
				stats.Resolved++
			}
		}
		return nil
	})
	stats.Duration = time.Since(start)
	return stats, err
}

// countSubjects counts the subjects a preview screens: every subject not
// retired, or those of one institution.
func countSubjects(ctx context.Context, s *store.Store, inst *domain.Institution) (int, error) {
	var n int
	err := s.View(ctx, func(tx *store.Tx) error {
		if inst != nil {
			ins, eq, ppl, err := tx.SubjectsOf("institution", inst.ID)
			n = len(ins) + len(eq) + len(ppl)
			return err
		}
		f := store.Filter{Limit: 1}
		_, a, err := store.List(tx, store.Institutions, domain.Scope{}, f)
		if err != nil {
			return err
		}
		_, b, err := store.List(tx, store.Equipment, domain.Scope{}, f)
		if err != nil {
			return err
		}
		_, c, err := store.List(tx, store.People, domain.Scope{}, f)
		n = a + b + c
		return err
	})
	return n, err
}

// institutionNames maps credit codes to institution names.
func institutionNames(ctx context.Context, s *store.Store) (map[string]string, error) {
	names := map[string]string{}
	err := s.View(ctx, func(tx *store.Tx) error {
		all, _, err := store.List(tx, store.Institutions, domain.Scope{}, store.Filter{Retired: true})
		for _, inst := range all {
			names[inst.CreditCode] = inst.Name
		}
		return err
	})
	return names, err
}

// writeFindingsCSV writes the findings as CSV in UTF-8 with a BOM, so that
// Excel opens it correctly (spec/formats.md, Encodings); evidence is a JSON object.
func writeFindingsCSV(out io.Writer, fs []screening.Finding) error {
	if _, err := io.WriteString(out, "\uFEFF"); err != nil {
		return err
	}
	w := csv.NewWriter(out)
	w.Write(findingCSVHeader)
	for _, f := range fs {
		j := toFindingJSON(f)
		ev, err := json.Marshal(j.Evidence)
		if err != nil {
			return err
		}
		w.Write([]string{j.Rule, j.Severity, j.SubjectType, j.SubjectKey, j.Institution, j.Message, j.DueOn, string(ev)})
	}
	w.Flush()
	return w.Error()
}

// writeFindingsTable writes the findings as a Chinese table and a summary
// line. The message comes last, as it is long.
func writeFindingsTable(out io.Writer, fs []screening.Finding, names map[string]string) error {
	rows := [][]string{{"机构", "规则", "级别", "对象", "整改期限", "问题"}}
	count := map[domain.Severity]int{}
	for _, f := range fs {
		count[f.Severity]++
		inst := names[f.Institution]
		if inst == "" {
			inst = f.Institution
		}
		rows = append(rows, []string{inst, f.Rule, i18n.T(i18n.Default, "severity."+string(f.Severity)), subjectLabel(f.SubjectType) + " " + f.SubjectKey, f.DueOn.String(), f.Message})
	}
	if err := writeColumns(out, rows); err != nil {
		return err
	}
	_, err := fmt.Fprintf(out, "\n合计 %d 条：违法 %d 条，警示 %d 条，提示 %d 条 / total %d: %d violations, %d warnings, %d notices\n",
		len(fs), count[domain.Violation], count[domain.Warning], count[domain.Notice],
		len(fs), count[domain.Violation], count[domain.Warning], count[domain.Notice])
	return err
}

// writeColumns writes rows as space-aligned columns. Unlike text/tabwriter,
// which counts runes, it counts Chinese characters as two columns wide, as
// terminals show them.
func writeColumns(out io.Writer, rows [][]string) error {
	var widths []int
	for _, row := range rows {
		for i, cell := range row {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], displayWidth(cell))
		}
	}
	var b strings.Builder
	for _, row := range rows {
		b.Reset()
		for i, cell := range row {
			b.WriteString(cell)
			if i < len(row)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-displayWidth(cell)+2))
			}
		}
		b.WriteByte('\n')
		if _, err := io.WriteString(out, b.String()); err != nil {
			return err
		}
	}
	return nil
}

// displayWidth returns the number of terminal columns s takes: two for East
// Asian wide and full-width characters, one for others.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case r >= 0x1100 && r <= 0x115F, r >= 0x2E80 && r <= 0xA4CF, r >= 0xAC00 && r <= 0xD7A3,
			r >= 0xF900 && r <= 0xFAFF, r >= 0xFE30 && r <= 0xFE4F, r >= 0xFF00 && r <= 0xFF60,
			r >= 0xFFE0 && r <= 0xFFE6, r >= 0x20000 && r <= 0x3FFFD:
			n += 2
		default:
			n++
		}
	}
	return n
}
