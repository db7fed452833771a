// Package confkeys answers which engine configuration keys a chart sets itself
// (Flink configuration, Spark properties), by exact key or by prefix.
package confkeys

import (
	"sort"
	"strings"
)

// Table maps owned keys and key prefixes to what a user should do instead.
type Table struct {
	exact    map[string]string
	prefixes []string // sorted: deterministic should prefixes ever overlap
	byPrefix map[string]string
}

// New builds a table from exact keys and key prefixes.
func New(exact, prefixes map[string]string) Table {
	t := Table{exact: exact, byPrefix: prefixes}
	for p := range prefixes {
		t.prefixes = append(t.prefixes, p)
	}
	sort.Strings(t.prefixes)
	return t
}

// Lookup reports whether key is owned and, if so, the answer recorded for it.
func (t Table) Lookup(key string) (string, bool) {
	if answer, ok := t.exact[key]; ok {
		return answer, true
	}
	for _, p := range t.prefixes {
		if strings.HasPrefix(key, p) {
			return t.byPrefix[p], true
		}
	}
	return "", false
}
