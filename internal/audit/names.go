package audit

import (
	"cmp"
	"strconv"
	"strings"

	"radsup/internal/domain"
	"radsup/internal/i18n"
	"radsup/internal/store"
)

// ActionLabel names an audit action in lang (修改, Update …); an action
// without a label, written by a later version, is shown as it is.
func ActionLabel(lang, action string) string {
	if key := "audit.action." + action; i18n.Has(key) {
		return i18n.T(lang, key)
	}
	return action
}

// EntityLabel names the kind of record an event is about in lang (机构,
// Institution …), or returns entity as it is.
func EntityLabel(lang, entity string) string {
	if key := "audit.entity." + entity; entity != "" && i18n.Has(key) {
		return i18n.T(lang, key)
	}
	return entity
}

// Names are the names of the records events are about, by entity and id
// (see Name): institutions and devices by name, people by their masked
// name, users by display name.
type Names map[string]string

func nameKey(entity string, id int64) string { return entity + "/" + strconv.FormatInt(id, 10) }

// Name returns the name of the record of an event, or "".
func (n Names) Name(e *domain.AuditEvent) string { return n[nameKey(e.Entity, e.EntityID)] }

// Ref names the record of an event in lang: its kind and its name where it
// is known (机构 郑州市中原区人民医院), else its number (机构 #31).
func (n Names) Ref(lang string, e *domain.AuditEvent) string {
	label := EntityLabel(lang, e.Entity)
	switch {
	case e.EntityID == 0:
		return label
	case n.Name(e) != "":
		return label + " " + n.Name(e)
	}
	return label + " #" + strconv.FormatInt(e.EntityID, 10)
}

// names reads, one query per kind, the names of the records events are
// about.
func names(tx *store.Tx, events []*domain.AuditEvent) (Names, error) {
	ids := map[string][]int64{}
	for _, e := range events {
		if e.EntityID != 0 {
			ids[e.Entity] = append(ids[e.Entity], e.EntityID)
		}
	}
	n := Names{}
	if len(ids["institution"]) > 0 {
		xs, err := store.FindByIDs(tx, store.Institutions, domain.Scope{}, ids["institution"])
		if err != nil {
			return nil, err
		}
		for _, x := range xs {
			n[nameKey("institution", x.ID)] = x.Name
		}
	}
	if len(ids["person"]) > 0 {
		xs, err := store.FindByIDs(tx, store.People, domain.Scope{}, ids["person"])
		if err != nil {
			return nil, err
		}
		for _, x := range xs {
			n[nameKey("person", x.ID)] = domain.MaskName(x.Name)
		}
	}
	if len(ids["equipment"]) > 0 {
		xs, err := store.FindByIDs(tx, store.Equipment, domain.Scope{}, ids["equipment"])
		if err != nil {
			return nil, err
		}
		for _, x := range xs {
			name := cmp.Or(x.Name, domain.EquipmentTypes.Label(x.Type))
			n[nameKey("equipment", x.ID)] = strings.TrimSpace(name + " " + x.SerialNo)
		}
	}
	if len(ids["user"]) > 0 {
		us, err := tx.FindUsers()
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			n[nameKey("user", u.ID)] = cmp.Or(u.DisplayName, u.Username)
		}
	}
	return n, nil
}
