package xlsx

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// textEncoding is the character encoding of a CSV file.
type textEncoding int

const (
	encUTF8    textEncoding = iota
	encUTF8BOM              // UTF-8 after a byte order mark
	encGB18030              // GB18030, and so GBK and GB2312: what Chinese Excel writes
	encUTF16                // UTF-16 with a byte order mark: Excel's "Unicode text"
)

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// detectEncoding tells a CSV file's encoding: a byte order mark decides;
// else a file that is valid UTF-8 throughout is UTF-8, and any other is
// GB18030.
func detectEncoding(path string) (textEncoding, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	head, _ := br.Peek(3)
	switch {
	case bytes.HasPrefix(head, bomUTF8):
		return encUTF8BOM, nil
	case bytes.HasPrefix(head, bomUTF16LE), bytes.HasPrefix(head, bomUTF16BE):
		return encUTF16, nil
	}
	ok, err := validUTF8(br)
	if err != nil {
		return 0, err
	}
	if ok {
		return encUTF8, nil
	}
	return encGB18030, nil
}

// validUTF8 reports whether all of r is valid UTF-8, reading it in chunks.
func validUTF8(r io.Reader) (bool, error) {
	buf := make([]byte, 64<<10)
	carry := 0 // bytes of an incomplete rune kept at the start of buf
	for {
		n, err := io.ReadFull(r, buf[carry:])
		n += carry
		end := n
		if err == nil {
			// Keep a rune cut by the chunk's end for the next chunk.
			for i := n - 1; i >= 0 && i >= n-utf8.UTFMax; i-- {
				if utf8.RuneStart(buf[i]) {
					if !utf8.FullRune(buf[i:n]) {
						end = i
					}
					break
				}
			}
		}
		if !utf8.Valid(buf[:end]) {
			return false, nil
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return true, nil
		}
		if err != nil {
			return false, err
		}
		carry = copy(buf, buf[end:n])
	}
}

// decoder returns r decoded to UTF-8, without a byte order mark.
func (e textEncoding) decoder(r io.Reader) io.Reader {
	switch e {
	case encUTF8BOM:
		br := bufio.NewReader(r)
		br.Discard(len(bomUTF8))
		return br
	case encGB18030:
		return transform.NewReader(r, simplifiedchinese.GB18030.NewDecoder())
	case encUTF16:
		return transform.NewReader(r, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder())
	}
	return r
}

// openCSV opens a CSV file as a workbook of one sheet named after the file.
// The delimiter is a comma, or a tab when the header is found only with tabs.
func openCSV(path string, hint *Kind) (*Workbook, error) {
	name := filepath.Base(path)
	enc, err := detectEncoding(path)
	if err != nil {
		return nil, fmt.Errorf("xlsx: open %s: %w", name, err)
	}
	prefer := hint
	if prefer == nil {
		prefer = nameHint(strings.TrimSuffix(name, filepath.Ext(name)))
	}
	w := &Workbook{path: path}
	for _, comma := range []rune{',', '\t'} {
		src := csvRows(path, name, enc, comma)
		sh, err := scan(name, prefer, src)
		if err != nil {
			return nil, err
		}
		if sh != nil {
			w.csv, w.sheets = src, []*Sheet{sh}
			return w, nil
		}
	}
	comma, err := guessComma(path, enc)
	if err != nil {
		return nil, fmt.Errorf("xlsx: open %s: %w", name, err)
	}
	w.csv, w.skipped = csvRows(path, name, enc, comma), []string{name}
	return w, nil
}

// guessComma picks the delimiter of a file with no recognisable header:
// a tab if the first line has tabs and no commas.
func guessComma(path string, enc textEncoding) (rune, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	line, err := bufio.NewReader(enc.decoder(f)).ReadString('\n')
	if err != nil && err != io.EOF {
		return 0, err
	}
	if strings.Contains(line, "\t") && !strings.Contains(line, ",") {
		return '\t', nil
	}
	return ',', nil
}

// csvRows streams the records of a CSV file. A record's number is the row
// Excel shows it on: blank lines count as rows, and a record with line
// breaks inside quotes is one row.
func csvRows(path, name string, enc textEncoding, comma rune) source {
	return func(fn func(num int, cells []string) error) error {
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("xlsx: %s: %w", name, err)
		}
		defer f.Close()
		r := csv.NewReader(enc.decoder(f))
		r.Comma, r.FieldsPerRecord, r.LazyQuotes, r.ReuseRecord = comma, -1, true, true
		num, end := 0, 0 // row number and last line of the previous record
		for {
			rec, err := r.Read()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("xlsx: %s: %w", name, err)
			}
			for i, v := range rec {
				rec[i] = Unneutralise(v)
			}
			first, _ := r.FieldPos(0)
			last, _ := r.FieldPos(len(rec) - 1)
			num += first - end
			end = last + strings.Count(rec[len(rec)-1], "\n")
			if err := fn(num, rec); err != nil {
				if errors.Is(err, errStop) {
					return nil
				}
				return err
			}
		}
	}
}
