package store

import "radsup/internal/domain"

// Setting returns the stored value of a setting, "" if it was never set.
func (tx *Tx) Setting(name string) (string, error) {
	var v string
	err := tx.queryRow("SELECT value FROM settings WHERE name = ?", name).Scan(&v)
	if IsNotFound(mapError("setting", err)) {
		return "", nil
	}
	return v, mapError("setting", err)
}

// PutSetting stores a setting and audits the change with its values before
// and after (settings hold policy, never secrets).
func (tx *Tx) PutSetting(name, value string) error {
	before, err := tx.Setting(name)
	if err != nil {
		return err
	}
	if before == value {
		return nil
	}
	_, err = tx.exec(`INSERT INTO settings (name, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, name, value, tx.now)
	if err != nil {
		return mapError("put setting", err)
	}
	return tx.audit(domain.AuditSettings, "setting", 0, map[string]string{name: before}, map[string]string{name: value})
}
