package store

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"radsup/internal/domain"
)

// Names sort as Chinese readers look for them, by pinyin (丁 ding before
// 乔 qiao before 万 wan; 郑州 before 中原), not by code point. The order is
// computed in Go, the same for both engines: every name has a sort key, the
// primary weights of its Chinese collation key as hex, stored beside it
// (name_key) and compared byte by byte (BINARY in SQLite, COLLATE "C" in
// PostgreSQL). Primary weights only (no case, width or accent levels) keep
// the key short, so the tables and their index grow little; names that
// differ only there sort by id.

// collators hands out Chinese collators comparing primary weights only,
// which are not safe for concurrent use.
var collators = sync.Pool{New: func() any { return &collator{c: collate.New(language.Chinese, collate.Loose)} }}

type collator struct {
	c   *collate.Collator
	buf collate.Buffer
}

// NameKey returns the sort key of a name: names in NameKey order are in
// pinyin order. The key of a prefix of a name (ignoring case, width and
// accents) is a prefix of the name's key, so a range of keys finds the
// names that begin with a text, in their order.
func NameKey(name string) string {
	c := collators.Get().(*collator)
	defer collators.Put(c)
	c.buf.Reset()
	return hex.EncodeToString(c.c.KeyFromString(&c.buf, strings.TrimSpace(name)))
}

// derivedCol is a column the store computes from a record on every write
// (a sort key), not one of the entity's described fields.
type derivedCol[T any] struct {
	col string
	of  func(*T) any
}

// keyedTables are the tables with a name_key, and the column it is computed from.
var keyedTables = []struct{ table, col string }{{"institutions", "name"}, {"people", "name"}}

// fillNameKeys computes the sort keys that rows written before the keys
// existed lack (the migration adds the column empty), in batches.
func (s *Store) fillNameKeys(ctx context.Context) error {
	for _, kt := range keyedTables {
		for after := int64(0); ; {
			last, err := s.fillNameKeyBatch(ctx, kt.table, kt.col, after)
			if err != nil {
				return fmt.Errorf("fill %s sort keys: %w", kt.table, err)
			}
			if last == 0 {
				break
			}
			after = last
		}
	}
	return nil
}

// fillBatch bounds the rows one transaction of fillNameKeys updates.
const fillBatch = 5000

// fillNameKeyBatch fills the keys of a batch of rows with an id above after
// and returns the last id, 0 when none was left.
func (s *Store) fillNameKeyBatch(ctx context.Context, table, col string, after int64) (int64, error) {
	var last int64
	err := s.WithTx(ctx, domain.Actor{}, func(tx *Tx) error {
		rows, err := tx.query("SELECT id, "+col+" FROM "+table+" WHERE name_key = '' AND "+col+" <> '' AND id > ? ORDER BY id LIMIT ?", after, fillBatch)
		if err != nil {
			return err
		}
		type pending struct {
			id   int64
			name string
		}
		var todo []pending
		for rows.Next() {
			var p pending
			if err := rows.Scan(&p.id, &p.name); err != nil {
				rows.Close()
				return err
			}
			todo = append(todo, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, p := range todo {
			if _, err := tx.exec("UPDATE "+table+" SET name_key = ? WHERE id = ?", NameKey(p.name), p.id); err != nil {
				return err
			}
			last = p.id
		}
		return nil
	})
	return last, err
}
