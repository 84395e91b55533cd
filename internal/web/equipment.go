package web

import (
	"net/http"
	"strconv"

	"radsup/internal/domain"
	"radsup/internal/i18n"
	"radsup/internal/registry"
	"radsup/internal/store"
)

// equipmentRow is a device with its institution's name.
type equipmentRow struct {
	*domain.Equipment
	Institution string
}

// equipmentListPage is the data of the equipment list.
type equipmentListPage struct {
	base
	Q          listQuery
	Rows       []equipmentRow
	Pager      pager
	RetiredURL string
}

// handleEquipmentList lists the devices the user may see, with filters and pages.
func (s *Server) handleEquipmentList(w http.ResponseWriter, r *http.Request) error {
	ctx, u := r.Context(), userOf(r)
	lq := readList(r, "q", "type", "status").sortable(store.Equipment.Sorts(), "")
	list, total, err := registry.List(ctx, s.cfg.Registry, u, store.Equipment, lq.filter())
	if err != nil {
		return err
	}
	ids := make([]int64, len(list))
	for i, x := range list {
		ids[i] = x.InstitutionID
	}
	names, err := s.institutionNames(ctx, u, ids)
	if err != nil {
		return err
	}
	p := equipmentListPage{base: s.base(r, "equipment", i18n.T(s.lang(r), "nav.equipment")),
		Q: lq, Pager: newPager(r.URL, lq.Page, total, len(list)), RetiredURL: toggleRetired(r.URL, !lq.Retired)}
	for _, x := range list {
		p.Rows = append(p.Rows, equipmentRow{x, names[x.InstitutionID]})
	}
	return s.render(w, r, http.StatusOK, "equipment_list", p)
}

// equipmentPage is the data of a device's page.
type equipmentPage struct {
	base
	Findings    recordFindings
	Equipment   *domain.Equipment
	Institution string
	Category    string
	Details     []detail
	Actions     actions
	ShowRetired bool
	RetiredURL  string
	Tests       []testRow
	// Pending is the latest pending submission changing the device;
	// PendingTests are new tests waiting for review.
	Pending      *domain.Submission
	PendingTests []pendingRow
}

// testRow is a test with the latest pending submission changing it.
type testRow struct {
	*domain.EquipmentTest
	Pending *domain.Submission
}

// handleEquipment shows a device and its test history.
func (s *Server) handleEquipment(w http.ResponseWriter, r *http.Request) error {
	x, err := equipment.find(s, r)
	if err != nil {
		return err
	}
	ctx, u, lang := r.Context(), userOf(r), s.lang(r)
	names, err := s.institutionNames(ctx, u, []int64{x.InstitutionID})
	if err != nil {
		return err
	}
	show := r.URL.Query().Get("retired") == "1"
	p := equipmentPage{base: s.base(r, "equipment", equipmentName(x)), Equipment: x, Institution: names[x.InstitutionID],
		Category: optionLabel(lang, domain.Categories, x.Category()), Details: details(lang, "equipment", x),
		Actions: rowActions("equipment", x.ID, x.Version, x.Retired), ShowRetired: show, RetiredURL: toggleRetired(r.URL, !show)}
	tests, _, err := registry.List(ctx, s.cfg.Registry, u, store.Tests,
		store.Filter{Values: map[string]string{"equipment_id": strconv.FormatInt(x.ID, 10)}, Retired: show})
	if err != nil {
		return err
	}
	pending, err := s.cfg.Registry.PendingFor(ctx, u, store.SubmissionFilter{EquipmentID: x.ID})
	if err != nil {
		return err
	}
	p.Pending, p.PendingTests = pending.Changing("equipment", x.ID), pendingRows(pending, "test")
	for _, t := range tests {
		p.Tests = append(p.Tests, testRow{t, pending.Changing("test", t.ID)})
	}
	if p.Findings, err = s.recordFindings(r, "equipment", x.ID); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "equipment", p)
}
