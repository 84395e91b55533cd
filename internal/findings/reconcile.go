package findings

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"slices"
	"time"

	"radsup/internal/domain"
	"radsup/internal/screening"
	"radsup/internal/store"
)

// changes are what reconciling the findings of some subjects writes.
type changes struct {
	puts  []*domain.Finding // rows to write by key
	touch []int64           // rows whose only change is last_seen
	stats RunStats
}

// reconciler turns what the rules find now and what is stored for the same
// subjects into changes. It is pure: the as-of date, the time and the
// rectification period are given.
type reconciler struct {
	asOf domain.Date
	now  time.Time
	days int // rectification period
}

// reconcile compares computed with stored, which must hold every stored
// finding of the subjects computed was made for:
//   - a new finding opens (first seen today, due in the rectification
//     period or on the notice's own deadline);
//   - an open finding still firing keeps its first_seen and due_on; only
//     last_seen moves, unless its message or evidence changed too;
//   - a dismissed finding stays dismissed while its facts hash is
//     unchanged, and reopens when the facts change;
//   - a resolved finding firing again reopens with a new first_seen;
//   - an open finding no longer firing is resolved. A dismissed one that
//     stops firing stays dismissed: the supervisor's decision stands.
func (r reconciler) reconcile(computed []screening.Finding, stored []*domain.Finding) changes {
	var c changes
	old := make(map[domain.FindingKey]*domain.Finding, len(stored))
	for _, f := range stored {
		old[f.Key()] = f
	}
	firing := make(map[domain.FindingKey]bool, len(computed))
	for _, sf := range computed {
		n := store.FindingOf(sf)
		k := n.Key()
		if firing[k] {
			continue // the engine keeps one per key; guard against a second
		}
		firing[k] = true
		n.FactsHash = factsHash(sf)
		o := old[k]
		r.fired(&c, o, n, o != nil && sameFacts(o.FactsHash, n.FactsHash, sf))
	}
	for _, f := range stored {
		if f.Status == domain.FindingOpen && !firing[f.Key()] {
			f.Status, f.ResolvedAt, f.Version = domain.FindingResolved, r.now, f.Version+1
			c.puts = append(c.puts, f)
			c.stats.Resolved++
		}
	}
	return c
}

// fired decides what becomes of the stored finding o (nil if none) of a
// rule that fires now with the new finding n; unchanged tells whether the
// facts behind o are those behind n.
func (r reconciler) fired(c *changes, o, n *domain.Finding, unchanged bool) {
	switch {
	case o == nil:
		r.open(n, 1)
		c.puts = append(c.puts, n)
		c.stats.Opened++
	case o.Status == domain.FindingOpen || (o.Status == domain.FindingDismissed && unchanged):
		if o.Status == domain.FindingOpen {
			c.stats.StillOpen++
		} else {
			c.stats.Dismissed++
		}
		r.still(c, o, n, unchanged)
	default: // resolved, or dismissed on facts that have changed since
		r.open(n, o.Version+1)
		n.ID, n.CreatedAt = o.ID, o.CreatedAt
		c.puts = append(c.puts, n)
		c.stats.Opened++
	}
}

// open makes n a newly opened finding.
func (r reconciler) open(n *domain.Finding, version int) {
	n.Status, n.FirstSeen, n.LastSeen, n.Version = domain.FindingOpen, r.asOf, r.asOf, version
	if n.DueOn.IsZero() {
		n.DueOn = r.asOf.AddDate(0, 0, r.days)
	}
}

// still updates o, which keeps firing as n. The version moves only when the
// facts do: a supervisor's dismissal (checked against the version) should
// not fail because a message now counts one more overdue day.
func (r reconciler) still(c *changes, o, n *domain.Finding, unchanged bool) {
	lastSeen := o.LastSeen
	if r.asOf.After(lastSeen) {
		lastSeen = r.asOf
	}
	due := o.DueOn
	if !n.DueOn.IsZero() {
		due = n.DueOn // a notice's due date is the deadline it announces
	}
	same := o.Template == n.Template && o.Evidence.Equal(n.Evidence) && o.Severity == n.Severity &&
		o.SubjectKey == n.SubjectKey && o.InstitutionCode == n.InstitutionCode && o.DueOn.Equal(due) &&
		o.FactsHash == n.FactsHash
	if same {
		if !lastSeen.Equal(o.LastSeen) {
			c.touch = append(c.touch, o.ID)
		}
		return
	}
	if !unchanged {
		o.Version++
	}
	o.Template, o.Evidence, o.Severity, o.SubjectKey, o.InstitutionCode = n.Template, n.Evidence, n.Severity, n.SubjectKey, n.InstitutionCode
	o.DueOn, o.FactsHash, o.LastSeen = due, n.FactsHash, lastSeen
	c.puts = append(c.puts, o)
}

// apply writes the changes on tx.
func (c changes) apply(tx *store.Tx, asOf domain.Date) error {
	if err := tx.PutFindings(c.puts); err != nil {
		return err
	}
	return tx.TouchFindings(c.touch, asOf)
}

// Evidence keys that name the subject rather than state a fact: renaming a
// person or an institution does not change the facts a dismissal was about.
var namingKeys = []string{"institution_name", "institution_id", "credit_code", "name", "equipment", "model", "serial_no"}

// Evidence keys that move with the as-of date alone.
var dateKeys = []string{"days_left", "overdue_days", "window_from", "window_to", "gap_days", "first_gap_from", "first_gap_to"}

// factsHash identifies the facts of a finding: its rule, subject and
// institution, and its evidence without the keys that only name things or
// only count days since the as-of date. In PER-DOSE-GAP's list of gaps the
// window's ends, which slide daily, are blanked, so that an unchanged gap
// keeps its hash as the window moves.
func factsHash(f screening.Finding) string {
	ev := maps.Clone(f.Evidence)
	if ev == nil {
		ev = domain.Evidence{}
	}
	if g, ok := ev["gaps"]; ok && g.IsList() {
		ends := []string{ev.Value("window_from"), ev.Value("window_to")}
		items := make([]domain.Item, len(g.List))
		for i, it := range g.List {
			items[i] = maps.Clone(it)
			for k, v := range it {
				if slices.Contains(ends, v) {
					items[i][k] = "…"
				}
			}
		}
		ev["gaps"] = domain.ListFact(items)
	}
	for _, k := range append(namingKeys, dateKeys...) {
		delete(ev, k)
	}
	return hashOf(f, ev)
}

// hashOf hashes a finding's key with the given evidence.
func hashOf(f screening.Finding, ev any) string {
	b, _ := json.Marshal([]any{f.Rule, f.SubjectType, f.SubjectID, f.InstitutionID, ev}) // maps of strings always marshal
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}
