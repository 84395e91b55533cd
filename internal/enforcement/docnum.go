package enforcement

import (
	"fmt"

	"radsup/internal/domain"
	"radsup/internal/store"
)

// DocType is a kind of numbered enforcement document (执法文书). Its value
// is the key the register stores; Code is what its number carries.
type DocType string

// The numbered documents (spec/enforcement.md §6).
const (
	DocOpinion DocType = "opinion" // 卫生监督意见书
	DocOrder   DocType = "order"   // 责令改正通知书
	DocPenalty DocType = "penalty" // 行政处罚决定书
)

// docCodes are the 执法性质 parts of the numbers, after the office prefix.
var docCodes = map[DocType]string{DocOpinion: "意", DocOrder: "责改", DocPenalty: "罚"}

// Code returns the part of a number that names the document type, "" for
// an unknown type.
func (t DocType) Code() string { return docCodes[t] }

// DefaultDocPrefix is the office prefix of document numbers (地区简称 + 卫 +
// 执法类别) when none is configured.
const DefaultDocPrefix = "中原卫放"

// DocumentNumber formats a document number as the 卫生行政执法文书规范 writes
// it: prefix + type code + 〔year〕 + sequence + 号, e.g. 中原卫放责改〔2026〕3号.
func DocumentNumber(prefix string, t DocType, year, seq int) string {
	return fmt.Sprintf("%s%s〔%d〕%d号", prefix, t.Code(), year, seq)
}

func (s *Service) docPrefix() string {
	if s.DocPrefix != "" {
		return s.DocPrefix
	}
	return DefaultDocPrefix
}

// IssueDocument numbers a document of type t for the record (subjectKind,
// subjectID) and enters it in the register, inside the caller's
// transaction: the next number of the type in the current year, from 1.
// Concurrent issuers wait for each other on the counter row, and when the
// caller's transaction rolls back its number is given back, so the numbers
// have no gaps and are never reused. The caller has checked permissions.
func (s *Service) IssueDocument(tx *store.Tx, t DocType, subjectKind string, subjectID int64) (*domain.Document, error) {
	if t.Code() == "" {
		return nil, fmt.Errorf("enforcement: unknown document type %q", t)
	}
	year := s.today().Year()
	seq, err := tx.NextDocumentSeq(string(t), year)
	if err != nil {
		return nil, err
	}
	d := &domain.Document{Type: string(t), Year: year, Seq: seq, Number: DocumentNumber(s.docPrefix(), t, year, seq),
		SubjectKind: subjectKind, SubjectID: subjectID}
	return d, tx.CreateDocument(d)
}
