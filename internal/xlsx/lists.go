package xlsx

import (
	"slices"
	"strings"
	"unicode"

	"radsup/internal/domain"
)

// List cells: several options of an enumeration in one cell.

// SplitItems splits a list cell on 、，,;；/ and line breaks, trims the items
// and drops empty ones. Separators inside brackets do not split
// ("放射治疗（加速器、后装）" is one item), nor does a / between two ASCII
// letters or digits ("PET/CT" is one item).
func SplitItems(raw string) []string {
	return splitItems(raw, true)
}

// splitItems is SplitItems, splitting on "/" only if slash is set.
func splitItems(raw string, slash bool) []string {
	rs := []rune(domain.FoldWidth(raw))
	var items []string
	depth, from := 0, 0
	flush := func(to int) {
		if it := cleanValue(string(rs[from:to])); it != "" {
			items = append(items, it)
		}
		from = to + 1
	}
	for i, r := range rs {
		switch r {
		case '(', '[', '{', '【', '〔', '（':
			depth++
		case ')', ']', '}', '】', '〕', '）':
			depth = max(0, depth-1)
		case '、', ',', '，', ';', '；', '\n', '\r', '\t':
			if depth == 0 {
				flush(i)
			}
		case '/':
			if slash && depth == 0 && !(i > 0 && i+1 < len(rs) && isASCIIAlnum(rs[i-1]) && isASCIIAlnum(rs[i+1])) {
				flush(i)
			}
		}
	}
	flush(len(rs))
	return items
}

func isASCIIAlnum(r rune) bool {
	return r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// canonicalList resolves each item of a list cell with the field's
// enumeration and joins the keys with "," (what domain.Assign splits with
// domain.SplitList), in the order written, without repeats.
func canonicalList(f domain.Field, raw string) (string, error) {
	if f.Enum == nil {
		// No list field is without an enumeration (domain.Assign needs one).
		return strings.Join(SplitItems(raw), ","), nil
	}
	var keys, unknown []string
	// Items are split on "/" only if the whole does not resolve: "质子/重离子"
	// is one item, "CT/DR" two.
	for _, it := range splitItems(raw, false) {
		ks, bad := resolveItem(f.Enum, it)
		for _, k := range ks {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
		for _, b := range bad {
			unknown = append(unknown, quoteValue(b))
		}
	}
	if len(unknown) > 0 {
		key := keyListUnknown
		if f.Enum == domain.LicenceItems {
			key = keyListUnknownLicence // a category stands for its items
		}
		items := Label(strings.Join(unknown, ""), strings.Join(unknown, ", "))
		return "", valueError(key.Msg(fieldName(f.ZH, f.EN), items, allowedLabels(f.Enum)))
	}
	return strings.Join(keys, ","), nil
}

// resolveItem resolves one list item to keys of e, or says which parts it
// cannot resolve. An item is an option of e; "A（B、C）" whose bracket lists
// options (B, C) or only describes A (A) — a bracket listing some options
// and some unknown text is refused rather than read as the whole of A;
// "类别：B、C" (B, C); or, for "B/C", each part.
func resolveItem(e *domain.Enum, it string) (keys, unknown []string) {
	if k, ok := lookupEnumExact(e, it); ok {
		return []string{k}, nil
	}
	s := cleanValue(it)
	if head, inner, ok := splitTrailingBracket(s); ok {
		var ks, bad []string
		for _, p := range SplitItems(inner) {
			if k, ok := lookupEnumExact(e, p); ok {
				ks = append(ks, k)
			} else {
				bad = append(bad, p)
			}
		}
		switch {
		case len(ks) > 0:
			return ks, bad
		default:
			if k, ok := lookupEnumExact(e, head); ok {
				return []string{k}, nil
			}
		}
	}
	if _, rest, ok := strings.Cut(s, ":"); ok {
		if rest = cleanValue(rest); rest != "" {
			return resolveItem(e, rest)
		}
	}
	if strings.Contains(s, "/") {
		var ks, bad []string
		for p := range strings.SplitSeq(s, "/") {
			if p = cleanValue(p); p == "" {
				continue
			}
			if k, ok := lookupEnumExact(e, p); ok {
				ks = append(ks, k)
			} else {
				bad = append(bad, p)
			}
		}
		if len(ks) > 0 {
			return ks, bad
		}
	}
	return nil, []string{s}
}

// splitTrailingBracket splits "A(B)" (after folding) into A and B.
func splitTrailingBracket(s string) (head, inner string, ok bool) {
	if !strings.HasSuffix(s, ")") {
		return "", "", false
	}
	i := strings.Index(s, "(")
	if i <= 0 {
		return "", "", false
	}
	return strings.TrimSpace(s[:i]), s[i+1 : len(s)-1], true
}
