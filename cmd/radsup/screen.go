package main

import (
	"cmp"
	"context"
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
	"radsup/internal/xlsx"
)

// findingJSON is how `radsup screen -format json` prints a finding
// (spec/formats.md, CLI): the message in the language of -lang, the
// template it was rendered from and the evidence in no language. The CSV
// columns are the same keys.
type findingJSON struct {
	Rule        string          `json:"rule"`
	Severity    string          `json:"severity"`
	SubjectType string          `json:"subject_type"`
	SubjectKey  string          `json:"subject_key"`
	Institution string          `json:"institution"`
	Message     string          `json:"message"`
	DueOn       string          `json:"due_on"`
	Evidence    domain.Evidence `json:"evidence"`
	Template    string          `json:"template"`
}

// findingCSVHeader are the columns of `radsup screen -format csv`.
var findingCSVHeader = []string{"rule", "severity", "subject_type", "subject_key", "institution", "message", "due_on", "evidence", "template"}

func toFindingJSON(lang string, f screening.Finding) findingJSON {
	ev := f.Evidence
	if ev == nil {
		ev = domain.Evidence{}
	}
	return findingJSON{f.Rule, string(f.Severity), f.SubjectType, f.SubjectKey, f.Institution,
		screening.Message(lang, f.Template, f.Evidence, f.DueOn), f.DueOn.String(), ev, f.Template}
}

// runScreen prints what the screening rules find as of a date; with -save it
// first updates the stored findings as the daily run does. The findings go
// to out in the language of -lang; run statistics and timing go to errOut,
// so out stays machine-readable.
func runScreen(ctx context.Context, cfg config.Config, args []string, out, errOut io.Writer) error {
	if len(args) > 0 {
		return fmt.Errorf("screen: unexpected arguments %q", args)
	}
	asOf, err := screenDate(cfg.AsOf)
	if err != nil {
		return err
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	svc := &findings.Service{Store: s}

	heap := watchHeap()
	defer heap.stop() // on an error return
	start := time.Now()
	saved, err := saveFindings(ctx, svc, cfg, asOf, errOut)
	if err != nil {
		return err
	}
	rep, err := svc.Preview(ctx, asOf, cfg.Institution)
	if err != nil {
		return institutionError(err, cfg.Institution)
	}
	elapsed := time.Since(start)
	peak, allocated := heap.stop()
	subjects := rep.Subjects
	if cfg.Save {
		subjects = saved.Subjects
	}
	fmt.Fprintf(errOut, "screened %d subjects as of %s in %.3fs: %d findings, peak heap %.1f MB, %.1f MB allocated\n",
		subjects, asOf, elapsed.Seconds(), len(rep.Findings), float64(peak)/(1<<20), float64(allocated)/(1<<20))
	return writeFindings(out, cfg.Format, cfg.Lang, rep.Findings)
}

// screenDate is the date of -as-of, or today.
func screenDate(asOf string) (domain.Date, error) {
	if asOf == "" {
		return domain.DateOf(time.Now()), nil
	}
	d, err := domain.ParseDate(asOf)
	if err != nil {
		return d, fmt.Errorf("-as-of %q: want a date YYYY-MM-DD", asOf)
	}
	return d, nil
}

// saveFindings updates the stored findings with -save: a full run, or with
// -institution a re-screening of that institution's subjects. It reports
// what changed on errOut. Without -save it does nothing.
func saveFindings(ctx context.Context, svc *findings.Service, cfg config.Config, asOf domain.Date, errOut io.Writer) (findings.RunStats, error) {
	if !cfg.Save {
		return findings.RunStats{}, nil
	}
	what := "full run"
	var stats findings.RunStats
	var err error
	if cfg.Institution != "" {
		what = "institution " + cfg.Institution
		stats, err = svc.RescreenInstitution(ctx, cfg.Institution, asOf)
	} else {
		stats, err = svc.RunFull(ctx, asOf)
	}
	if err != nil {
		return stats, institutionError(err, cfg.Institution)
	}
	fmt.Fprintf(errOut, "saved findings as of %s (%s): subjects %d, opened %d, resolved %d, still open %d, in %s\n",
		asOf, what, stats.Subjects, stats.Opened, stats.Resolved, stats.StillOpen, stats.Duration.Round(time.Millisecond))
	return stats, nil
}

// institutionError names the institution of -institution when the store
// found none with its credit code.
func institutionError(err error, code string) error {
	if errors.Is(err, store.ErrNotFound) && code != "" {
		return noInstitution(code)
	}
	return err
}

// writeFindings writes the findings in the format of -format and the
// language of -lang.
func writeFindings(out io.Writer, format, lang string, fs []screening.Finding) error {
	switch format {
	case "json":
		list := make([]findingJSON, len(fs))
		for i, f := range fs {
			list[i] = toFindingJSON(lang, f)
		}
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(list)
	case "csv":
		return writeFindingsCSV(out, lang, fs)
	case "table":
		return writeFindingsTable(out, lang, fs)
	}
	return fmt.Errorf("screen: -format %q: want table, json or csv", format)
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

// writeFindingsCSV writes the findings as CSV in UTF-8 with a BOM, so that
// Excel opens it correctly (spec/formats.md, Encodings); evidence is a JSON object.
func writeFindingsCSV(out io.Writer, lang string, fs []screening.Finding) error {
	w := xlsx.NewCSVWriter(out)
	w.Write(findingCSVHeader)
	for _, f := range fs {
		j := toFindingJSON(lang, f)
		ev, err := json.Marshal(j.Evidence)
		if err != nil {
			return err
		}
		w.Write([]string{j.Rule, j.Severity, j.SubjectType, j.SubjectKey, j.Institution, j.Message, j.DueOn, string(ev), j.Template})
	}
	return w.Flush()
}

// writeFindingsTable writes the findings as a table and a summary line in
// lang. The message comes last, as it is long.
func writeFindingsTable(out io.Writer, lang string, fs []screening.Finding) error {
	rows := [][]string{{i18n.T(lang, "findings.institution"), i18n.T(lang, "findings.rule"), i18n.T(lang, "findings.severity"),
		i18n.T(lang, "findings.subject"), i18n.T(lang, "findings.due_on"), i18n.T(lang, "findings.message")}}
	count := map[domain.Severity]int{}
	for _, f := range fs {
		count[f.Severity]++
		inst := cmp.Or(f.Evidence.Value("institution_name"), f.Institution)
		rows = append(rows, []string{inst, f.Rule, screening.SeverityLabel(lang, f.Severity),
			screening.SubjectLabel(lang, f.SubjectType) + " " + f.SubjectKey, f.DueOn.String(),
			screening.Message(lang, f.Template, f.Evidence, f.DueOn)})
	}
	if err := writeColumns(out, rows); err != nil {
		return err
	}
	_, err := fmt.Fprintf(out, "\n%s\n", i18n.T(lang, "findings.summary", len(fs),
		count[domain.Violation], count[domain.Warning], count[domain.Notice]))
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
