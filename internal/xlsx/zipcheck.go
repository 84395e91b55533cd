package xlsx

import (
	"archive/zip"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// ErrUnsafe reports a workbook refused before it is read: it would unpack
// to more than a workbook of the register needs (a zip bomb), or holds
// parts no workbook has.
var ErrUnsafe = errors.New("xlsx: the workbook unpacks too large or holds unexpected parts")

// Limits on what an uploaded workbook may unpack to, checked against the
// sizes its zip directory declares (reading never yields more than that:
// archive/zip refuses a part longer than declared). A province's quarterly
// dose report unpacks to tens of megabytes.
const (
	maxParts     = 2000     // parts in the zip
	maxTotal     = 2 << 30  // all parts together, unpacked
	maxSheetPart = 1 << 30  // one worksheet (read from a temporary file, not memory)
	maxOtherPart = 64 << 20 // any other part (read into memory whole)
	maxRatio     = 1000     // unpacked / packed, for parts over 1 MiB
)

// partPrefixes are where the parts of a workbook live (OOXML, as Excel,
// WPS and LibreOffice write it).
var partPrefixes = []string{"[Content_Types].xml", "_rels/", "docProps/", "xl/", "customXml/"}

// checkZip refuses a workbook before excelize reads it: too many parts, a
// part or the whole unpacking to more than the limits, a part packed more
// tightly than any real sheet is, or a part outside a workbook's folders.
func checkZip(path string) error {
	z, err := zip.OpenReader(path)
	if err != nil {
		return damaged(path, err)
	}
	defer z.Close()
	if len(z.File) > maxParts {
		return fmt.Errorf("%w: %s: %d parts", ErrUnsafe, filepath.Base(path), len(z.File))
	}
	var total uint64
	for _, f := range z.File {
		if !expectedPart(f.Name) {
			return fmt.Errorf("%w: %s: part %q", ErrUnsafe, filepath.Base(path), f.Name)
		}
		limit := uint64(maxOtherPart)
		if strings.HasPrefix(f.Name, "xl/worksheets/") {
			limit = maxSheetPart
		}
		size := f.UncompressedSize64
		total += size
		switch {
		case size > limit, total > maxTotal:
			return fmt.Errorf("%w: %s: %s unpacks to %d bytes", ErrUnsafe, filepath.Base(path), f.Name, size)
		case size > 1<<20 && f.CompressedSize64 > 0 && size/f.CompressedSize64 > maxRatio:
			return fmt.Errorf("%w: %s: %s is packed %d:1", ErrUnsafe, filepath.Base(path), f.Name, size/f.CompressedSize64)
		}
	}
	return nil
}

func expectedPart(name string) bool {
	if strings.Contains(name, "..") || strings.HasPrefix(name, "/") {
		return false
	}
	for _, p := range partPrefixes {
		if name == p || strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}
