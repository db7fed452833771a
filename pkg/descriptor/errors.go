package descriptor

import (
	"fmt"
	"sort"
	"strings"
)

// Position is a 1-based line and column in the descriptor file.
type Position struct {
	Line, Column int
}

// FieldError is one problem in a descriptor, at the position of the offending field.
type FieldError struct {
	File         string
	Line, Column int
	// Field is the field path, e.g. spec.job.parallelism; empty for file-level problems.
	Field   string
	Message string
}

// Error formats the problem as FILE:LINE:COL: FIELD: MESSAGE.
func (e FieldError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Message)
	}
	return fmt.Sprintf("%s:%d:%d: %s: %s", e.File, e.Line, e.Column, e.Field, e.Message)
}

// ErrorList is every problem found in a descriptor.
type ErrorList []FieldError

// Error lists the problems one per line, sorted by position and field.
func (l ErrorList) Error() string {
	sorted := append(ErrorList(nil), l...)
	sorted.Sort()
	lines := make([]string, len(sorted))
	for i, e := range sorted {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Sort orders the list by line, column, field and message, so output is deterministic.
func (l ErrorList) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		switch {
		case a.Line != b.Line:
			return a.Line < b.Line
		case a.Column != b.Column:
			return a.Column < b.Column
		case a.Field != b.Field:
			return a.Field < b.Field
		default:
			return a.Message < b.Message
		}
	})
}

// Err returns the list as an error, or nil when it is empty (a nil ErrorList
// stored in an error interface would not compare equal to nil).
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	l.Sort()
	return l
}
