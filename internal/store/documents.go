package store

import "radsup/internal/domain"

// NextDocumentSeq takes the next sequence number of a document type in a
// year: 1 for the first. The counter row is updated inside the
// transaction, so concurrent issuers wait for each other and a rolled-back
// transaction gives its number back (no gap, no reuse).
func (tx *Tx) NextDocumentSeq(typ string, year int) (int, error) {
	// The issue is audited: take the audit chain's head first, so that
	// every issuer locks the head before the counter and two issuers can
	// never wait for each other the other way round.
	if err := tx.chainHead(); err != nil {
		return 0, err
	}
	var seq int
	err := tx.queryRow(`INSERT INTO doc_counters (type, year, last) VALUES (?, ?, 1)
		ON CONFLICT (type, year) DO UPDATE SET last = doc_counters.last + 1 RETURNING last`, typ, year).Scan(&seq)
	return seq, mapError("document number", err)
}

// CreateDocument enters an issued document in the register, audited.
func (tx *Tx) CreateDocument(d *domain.Document) error {
	d.IssuedAt, d.IssuedBy = tx.now, tx.actor.Username
	id, err := tx.insertID(`INSERT INTO documents (type, year, seq, number, subject_kind, subject_id, issued_at, issued_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, d.Type, d.Year, d.Seq, d.Number, d.SubjectKind, d.SubjectID, d.IssuedAt, d.IssuedBy)
	if err != nil {
		return mapError("create document", err)
	}
	d.ID = id
	return tx.audit(domain.AuditIssue, "document", id, nil, d)
}

const documentCols = "id, type, year, seq, number, subject_kind, subject_id, issued_at, issued_by"

func scanDocument(row interface{ Scan(...any) error }) (*domain.Document, error) {
	d := &domain.Document{}
	err := row.Scan(&d.ID, &d.Type, &d.Year, &d.Seq, &d.Number, &d.SubjectKind, &d.SubjectID, timeCol{&d.IssuedAt}, &d.IssuedBy)
	return d, err
}

// DocumentsOf returns the documents issued for a record, in issue order.
func (tx *Tx) DocumentsOf(subjectKind string, subjectID int64) ([]*domain.Document, error) {
	return tx.documents("SELECT "+documentCols+" FROM documents WHERE subject_kind = ? AND subject_id = ? ORDER BY id",
		subjectKind, subjectID)
}

// Documents returns the register of a document type in a year, by
// sequence number.
func (tx *Tx) Documents(typ string, year int) ([]*domain.Document, error) {
	return tx.documents("SELECT "+documentCols+" FROM documents WHERE type = ? AND year = ? ORDER BY seq", typ, year)
}

func (tx *Tx) documents(q string, args ...any) ([]*domain.Document, error) {
	rows, err := tx.query(q, args...)
	if err != nil {
		return nil, mapError("documents", err)
	}
	defer rows.Close()
	var out []*domain.Document
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, mapError("documents", err)
		}
		out = append(out, d)
	}
	return out, mapError("documents", rows.Err())
}
