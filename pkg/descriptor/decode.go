package descriptor

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// decoder walks a yaml.Node tree against a Go type, the way encoding/json would
// decode the same document, but strictly (unknown fields and wrong types are
// errors) and recording the position of every field it decodes.
type decoder struct {
	file      string
	errs      ErrorList
	positions map[string]Position
}

var (
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	scalarType          = reflect.TypeFor[Scalar]()
)

func (dc *decoder) failAt(p Position, field, format string, args ...any) {
	dc.errs = append(dc.errs, FieldError{
		File: dc.file, Line: p.Line, Column: p.Column, Field: field,
		Message: fmt.Sprintf(format, args...),
	})
}

func (dc *decoder) fail(n *yaml.Node, field, format string, args ...any) {
	dc.failAt(nodePos(n), field, format, args...)
}

var yamlLineRE = regexp.MustCompile(`^line (\d+)(?:, column (\d+))?: (.*)$`)

// yamlParserProblems are the problems yaml.v3's parser (as opposed to its
// scanner) reports. yaml.v3 prints their line 0-based, and it is the line where
// the enclosing collection starts.
var yamlParserProblems = []string{
	"did not find expected <stream-start>",
	"did not find expected <document start>",
	"did not find expected node content",
	"did not find expected '-' indicator",
	"did not find expected key",
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"found undefined tag handle",
	"found duplicate %YAML directive",
	"found duplicate %TAG directive",
	"found incompatible YAML document",
}

// yamlError turns a yaml.v3 syntax error into FieldErrors, keeping its line.
// data is the document, to explain the problems yaml.v3 words obscurely.
func (dc *decoder) yamlError(err error, data []byte) {
	var messages []string
	var typeErr *yaml.TypeError
	if errors.As(err, &typeErr) {
		messages = typeErr.Errors
	} else {
		messages = []string{strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	for _, m := range messages {
		m = strings.TrimSpace(m)
		p := Position{Line: 1, Column: 1}
		if sub := yamlLineRE.FindStringSubmatch(m); sub != nil {
			p.Line, _ = strconv.Atoi(sub[1])
			if sub[2] != "" {
				p.Column, _ = strconv.Atoi(sub[2])
			}
			m = sub[3]
			if slices.Contains(yamlParserProblems, m) {
				p.Line++
			}
		}
		switch {
		case strings.HasPrefix(m, "exceeded max depth"):
			// yaml.v3 stops at 10,000 levels, long before our own limit
			// would look at the tree; say the same as checkLimits.
			dc.failAt(p, "", "nested deeper than %d levels", MaxDepth)
			continue
		case m == "found character that cannot start any token" && charAt(data, p) == '\t':
			m = "found a tab; YAML does not allow tabs for indentation, indent with spaces"
		}
		dc.failAt(p, "", "invalid YAML: %s", m)
	}
}

// charAt returns the byte at a 1-based line and column (yaml.v3 counts columns
// in characters; a tab that cannot start a token is in the indentation, where
// characters and bytes agree), or 0.
func charAt(data []byte, p Position) byte {
	for line := 1; line < p.Line; line++ {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			return 0
		}
		data = data[i+1:]
	}
	if p.Column < 1 || p.Column > len(data) {
		return 0
	}
	return data[p.Column-1]
}

func nodePos(n *yaml.Node) Position { return Position{Line: n.Line, Column: n.Column} }

// resolve follows aliases to the node they name.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	n = resolve(n)
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func joinPath(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

// describe names what a node holds, for "expected X, got Y" messages.
func describe(n *yaml.Node) string {
	n = resolve(n)
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.DocumentNode:
		return "a document"
	}
	value := n.Value
	if len(value) > 40 {
		value = value[:40] + "..."
	}
	switch n.ShortTag() {
	case "!!null":
		return "null"
	case "!!bool":
		return "boolean " + value
	case "!!int":
		return "integer " + value
	case "!!float":
		return "number " + value
	case "!!str":
		return "string " + strconv.Quote(value)
	default:
		return n.ShortTag() + " " + strconv.Quote(value)
	}
}

// decode sets v from n; path is v's field path.
func (dc *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	if _, recorded := dc.positions[path]; !recorded {
		dc.positions[path] = nodePos(n)
	}
	n = resolve(n)
	t := v.Type()
	if n.Kind == yaml.ScalarNode && !dc.printable(n, path, "the value") {
		return
	}

	if t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(jsonUnmarshalerType) {
		dc.decodeViaJSON(n, v, path)
		return
	}

	switch t.Kind() {
	case reflect.Pointer:
		if isNull(n) {
			v.SetZero()
			return
		}
		if v.IsNil() {
			v.Set(reflect.New(t.Elem()))
		}
		dc.decode(n, v.Elem(), path)
	case reflect.Struct:
		dc.decodeStruct(n, v, path)
	case reflect.Slice:
		dc.decodeSlice(n, v, path)
	case reflect.Map:
		dc.decodeMap(n, v, path)
	case reflect.Interface:
		if t.NumMethod() != 0 {
			dc.fail(n, path, "cannot decode into %s", t)
			return
		}
		if val := nodeValue(n); val != nil {
			v.Set(reflect.ValueOf(val))
		} else {
			v.SetZero()
		}
	case reflect.String:
		dc.decodeString(n, v, path)
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
			dc.fail(n, path, "expected a boolean (true or false), got %s", describe(n))
			return
		}
		b, _ := strconv.ParseBool(strings.ToLower(n.Value))
		v.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		dc.decodeInt(n, v, path)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		dc.decodeUint(n, v, path)
	case reflect.Float32, reflect.Float64:
		dc.decodeFloat(n, v, path)
	default:
		dc.fail(n, path, "cannot decode into %s", t)
	}
}

// decodeString accepts text only, as Kubernetes does: an unquoted 1.20 is the
// number 1.2, so numbers and booleans are refused with the advice to quote them.
// Scalar is the exception: it takes any scalar as its literal text.
func (dc *decoder) decodeString(n *yaml.Node, v reflect.Value, path string) {
	if v.Type() == scalarType {
		if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
			dc.fail(n, path, "expected a value (string, number or boolean), got %s", describe(n))
			return
		}
		v.SetString(n.Value)
		return
	}
	switch {
	case n.Kind != yaml.ScalarNode:
		dc.fail(n, path, "expected a string, got %s", describe(n))
	case n.ShortTag() == "!!null":
		v.SetString("")
	case n.ShortTag() == "!!str":
		v.SetString(n.Value)
	default:
		dc.fail(n, path, "expected a string, got %s; quote it (%s) to keep it as text", describe(n), strconv.Quote(n.Value))
	}
}

// printable refuses text with a character other than printable ones, tab and
// newline: the charts write descriptor text into line-based files inside YAML
// block scalars (flink-conf.yaml, spark-defaults.conf), where a control character
// makes the manifest unreadable and a line separator starts a new property, and
// an escape sequence would reach the terminals that print errors and diffs.
func (dc *decoder) printable(n *yaml.Node, path, what string) bool {
	if !utf8.ValidString(n.Value) {
		dc.fail(n, path, "%s is not valid UTF-8", what)
		return false
	}
	for i, r := range n.Value {
		if r == '\t' || r == '\n' || !(unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == '\ufffe' || r == '\uffff') {
			continue
		}
		dc.fail(n, path, "%s contains the invisible character %U at byte %d; only printable text, tabs and newlines are allowed", what, r, i)
		return false
	}
	return true
}

// integerRE is a decimal integer, which yaml.v3 tags !!float when it does not
// fit 64 bits.
var integerRE = regexp.MustCompile(`^[-+]?[0-9]+$`)

func (dc *decoder) decodeInt(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!float" && integerRE.MatchString(n.Value) {
		n = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: n.Value, Line: n.Line, Column: n.Column}
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
		dc.fail(n, path, "expected an integer, got %s", describe(n))
		return
	}
	i, err := strconv.ParseInt(n.Value, 0, 64)
	if err != nil || v.OverflowInt(i) {
		bits := v.Type().Bits()
		dc.fail(n, path, "%s is out of range; expected an integer from %d to %d",
			n.Value, int64(-1)<<(bits-1), int64(1)<<(bits-1)-1)
		return
	}
	v.SetInt(i)
}

func (dc *decoder) decodeUint(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!float" && integerRE.MatchString(n.Value) {
		n = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: n.Value, Line: n.Line, Column: n.Column}
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
		dc.fail(n, path, "expected a non-negative integer, got %s", describe(n))
		return
	}
	u, err := strconv.ParseUint(n.Value, 0, 64)
	if err != nil || v.OverflowUint(u) {
		dc.fail(n, path, "%s is out of range; expected an integer from 0 to %d",
			n.Value, uint64(math.MaxUint64)>>(64-v.Type().Bits()))
		return
	}
	v.SetUint(u)
}

func (dc *decoder) decodeFloat(n *yaml.Node, v reflect.Value, path string) {
	tag := n.ShortTag()
	if n.Kind != yaml.ScalarNode || (tag != "!!int" && tag != "!!float") {
		dc.fail(n, path, "expected a number, got %s", describe(n))
		return
	}
	var f float64
	if err := n.Decode(&f); err != nil || math.IsNaN(f) || math.IsInf(f, 0) || v.OverflowFloat(f) {
		dc.fail(n, path, "%s is not a finite number in range", n.Value)
		return
	}
	v.SetFloat(f)
}

// decodeViaJSON hands the subtree to the type's own UnmarshalJSON, as Kubernetes
// does for resource.Quantity and intstr.IntOrString.
func (dc *decoder) decodeViaJSON(n *yaml.Node, v reflect.Value, path string) {
	data, err := json.Marshal(nodeValue(n))
	if err == nil {
		err = v.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(data)
	}
	if err != nil {
		dc.fail(n, path, "invalid %s %s: %v", typeNoun(v.Type()), describe(n), err)
	}
}

// typeNoun names a Go type for users: resource.Quantity -> "quantity".
func typeNoun(t reflect.Type) string {
	switch t.Name() {
	case "Quantity":
		return "quantity"
	case "IntOrString":
		return "integer or string"
	}
	return t.Name()
}

func (dc *decoder) decodeSlice(n *yaml.Node, v reflect.Value, path string) {
	if isNull(n) {
		v.SetZero()
		return
	}
	if n.Kind != yaml.SequenceNode {
		dc.fail(n, path, "expected a list, got %s", describe(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		dc.decode(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
	}
	v.Set(s)
}

func (dc *decoder) decodeMap(n *yaml.Node, v reflect.Value, path string) {
	if isNull(n) {
		v.SetZero()
		return
	}
	t := v.Type()
	if n.Kind != yaml.MappingNode {
		dc.fail(n, path, "expected a mapping, got %s", describe(n))
		return
	}
	if t.Key().Kind() != reflect.String {
		dc.fail(n, path, "cannot decode into %s", t)
		return
	}
	m := reflect.MakeMapWithSize(t, len(n.Content)/2)
	for _, e := range dc.entries(n, path) {
		keyPath := joinPath(path, e.key)
		dc.positions[keyPath] = nodePos(e.keyNode) // a map entry is reported at its key
		elem := reflect.New(t.Elem()).Elem()
		dc.decode(e.value, elem, keyPath)
		m.SetMapIndex(reflect.ValueOf(e.key).Convert(t.Key()), elem)
	}
	v.Set(m)
}

func (dc *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string) {
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		dc.fail(n, path, "expected a mapping, got %s", describe(n))
		return
	}
	fields := structFields(v.Type())
	for _, e := range dc.entries(n, path) {
		keyPath := joinPath(path, e.key)
		f, ok := fields.byName[e.key]
		if !ok {
			if hint := otherKindHint(v.Type(), e.key); hint != "" {
				dc.fail(e.keyNode, keyPath, "%s", hint)
			} else {
				dc.fail(e.keyNode, keyPath, "%s", unknownFieldMessage(e.key, fields.names))
			}
			continue
		}
		dc.decode(e.value, fieldByIndexAlloc(v, f.index), keyPath)
	}
}

// entry is one key: value of a mapping.
type entry struct {
	key            string
	keyNode, value *yaml.Node
}

// entries returns the entries of a mapping with YAML merge keys (<<: *anchor)
// expanded (explicit keys win), reporting duplicate and non-string keys.
func (dc *decoder) entries(n *yaml.Node, path string) []entry {
	var explicit, merged []entry
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := resolve(n.Content[i]), n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			merged = append(merged, dc.mergedEntries(val, path)...)
			continue
		}
		if k.Kind != yaml.ScalarNode || k.ShortTag() == "!!null" {
			dc.fail(k, path, "mapping keys must be strings, got %s", describe(k))
			continue
		}
		if !dc.printable(n.Content[i], path, "the key "+strconv.Quote(k.Value)) {
			continue
		}
		if first, dup := seen[k.Value]; dup {
			dc.fail(n.Content[i], joinPath(path, k.Value), "duplicate key %q (first defined at line %d); keep one", k.Value, first.Line)
			continue
		}
		seen[k.Value] = n.Content[i]
		explicit = append(explicit, entry{key: k.Value, keyNode: n.Content[i], value: val})
	}
	for _, e := range merged {
		if _, overridden := seen[e.key]; !overridden {
			seen[e.key] = e.keyNode
			explicit = append(explicit, e)
		}
	}
	return explicit
}

func (dc *decoder) mergedEntries(val *yaml.Node, path string) []entry {
	val = resolve(val)
	switch val.Kind {
	case yaml.MappingNode:
		return dc.entries(val, path)
	case yaml.SequenceNode:
		var all []entry
		for _, item := range val.Content {
			all = append(all, dc.mergedEntries(item, path)...)
		}
		return all
	}
	dc.fail(val, path, "a merge key (<<) needs a mapping or a list of mappings, got %s", describe(val))
	return nil
}

// otherKinds pairs the spec of each kind with the other kind's, to explain a
// field that belongs to the other kind.
var otherKinds = map[reflect.Type]struct {
	kind, other string
	otherSpec   reflect.Type
}{
	reflect.TypeFor[FlinkJobSpec](): {KindFlinkJob, KindSparkApp, reflect.TypeFor[SparkAppSpec]()},
	reflect.TypeFor[SparkAppSpec](): {KindSparkApp, KindFlinkJob, reflect.TypeFor[FlinkJobSpec]()},
}

// otherKindHint explains an unknown spec field that is a field of the other
// kind, or returns "".
func otherKindHint(t reflect.Type, key string) string {
	k, ok := otherKinds[t]
	if !ok {
		return ""
	}
	if _, other := structFields(k.otherSpec).byName[key]; !other {
		return ""
	}
	return fmt.Sprintf("unknown field %q: it is a %s field, and this descriptor is a %s (kind: %s); valid fields: %s",
		key, k.other, k.kind, k.kind, strings.Join(structFields(t).names, ", "))
}

// unknownFieldMessage suggests the closest valid field, or lists them all.
func unknownFieldMessage(key string, valid []string) string {
	best, bestDist := "", math.MaxInt
	for _, name := range valid {
		if d := editDistance(strings.ToLower(key), strings.ToLower(name)); d < bestDist {
			best, bestDist = name, d
		}
	}
	if best != "" && bestDist <= 2 && bestDist < len(key)/2+1 {
		return fmt.Sprintf("unknown field %q (did you mean %q?)", key, best)
	}
	return fmt.Sprintf("unknown field %q; valid fields: %s", key, strings.Join(valid, ", "))
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// fieldInfo is a struct field as encoding/json sees it.
type fieldInfo struct {
	name  string
	index []int
}

type fieldSet struct {
	byName map[string]fieldInfo
	names  []string // sorted, for messages
}

var fieldCache sync.Map // reflect.Type -> *fieldSet

// structFields lists the JSON fields of t, flattening embedded structs without a
// JSON name (json:",inline" in Kubernetes types).
func structFields(t reflect.Type) *fieldSet {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.(*fieldSet)
	}
	fs := &fieldSet{byName: map[string]fieldInfo{}}
	var collect func(t reflect.Type, prefix []int)
	collect = func(t reflect.Type, prefix []int) {
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			index := append(append([]int(nil), prefix...), i)
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
				collect(ft, index)
				continue
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if _, taken := fs.byName[name]; !taken { // the shallower field wins, as in encoding/json
				fs.byName[name] = fieldInfo{name: name, index: index}
			}
		}
	}
	collect(t, nil)
	for name := range fs.byName {
		fs.names = append(fs.names, name)
	}
	sort.Strings(fs.names)
	fieldCache.Store(t, fs)
	return fs
}

// fieldByIndexAlloc is v.FieldByIndex, allocating nil embedded pointers on the way.
func fieldByIndexAlloc(v reflect.Value, index []int) reflect.Value {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v
}

// nodeValue converts a node to the value encoding/json would produce for the same
// document: map[string]any, []any, string, bool, json.Number or nil.
func nodeValue(n *yaml.Node) any {
	n = resolve(n)
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[resolve(n.Content[i]).Value] = nodeValue(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		s := make([]any, len(n.Content))
		for i, c := range n.Content {
			s[i] = nodeValue(c)
		}
		return s
	}
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		b, _ := strconv.ParseBool(strings.ToLower(n.Value))
		return b
	case "!!int":
		if i, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
			return json.Number(strconv.FormatInt(i, 10))
		}
	case "!!float":
		var f float64
		if err := n.Decode(&f); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
			return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
		}
	}
	return n.Value
}
