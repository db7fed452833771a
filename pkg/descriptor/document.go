package descriptor

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Limits that keep a hostile or broken descriptor from exhausting the generator.
const (
	// MaxFileSize is the largest descriptor accepted, in bytes. Real descriptors
	// are a few KiB; yaml.v3 builds the whole tree before MaxNodes can be checked,
	// so this also bounds what a file of tiny nodes costs to refuse.
	MaxFileSize = 256 << 10
	// MaxNodes is the most YAML nodes a descriptor may have once aliases are
	// expanded; it stops alias bombs ("billion laughs").
	MaxNodes = 10000
	// MaxDepth is the deepest nesting of mappings and lists accepted.
	MaxDepth = 64
)

// Document is a decoded descriptor together with where each field was written.
type Document struct {
	// Path is the file name used in error messages.
	Path string
	// Data is the file content as read (a UTF-8 BOM removed).
	Data []byte
	// Kind is the descriptor kind (KindFlinkJob or KindSparkApp).
	Kind string
	// Flink is the descriptor when Kind is KindFlinkJob.
	Flink *FlinkJob
	// Spark is the descriptor when Kind is KindSparkApp.
	Spark *SparkApp

	positions map[string]Position
}

// Pos returns where the field path (e.g. spec.job.parallelism,
// spec.podTemplate.tolerations[0].key) was written, or where its nearest written
// ancestor was when the field itself is absent, so a missing field is reported at
// its parent. Unknown paths fall back to line 1, column 1.
func (d *Document) Pos(path string) Position {
	for {
		if p, ok := d.positions[path]; ok {
			return p
		}
		if path == "" {
			return Position{Line: 1, Column: 1}
		}
		path = parentPath(path)
	}
}

// parentPath drops the last segment of a field path: a.b[2] -> a.b, a.b -> a, a -> "".
func parentPath(path string) string {
	if strings.HasSuffix(path, "]") {
		if i := strings.LastIndexByte(path, '['); i >= 0 {
			return path[:i]
		}
	}
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[:i]
	}
	return ""
}

// kindDecoder decodes the descriptor of one kind into doc.
type kindDecoder func(doc *Document, dec *decoder, root *yaml.Node)

// kinds lists the descriptor kinds this release understands, in the order
// messages list them. A new kind is one more entry.
var kinds = []struct {
	name   string
	decode kindDecoder
}{
	{KindFlinkJob, func(doc *Document, dec *decoder, root *yaml.Node) {
		doc.Flink = &FlinkJob{}
		dec.decode(root, reflect.ValueOf(doc.Flink).Elem(), "")
	}},
	{KindSparkApp, func(doc *Document, dec *decoder, root *yaml.Node) {
		doc.Spark = &SparkApp{}
		dec.decode(root, reflect.ValueOf(doc.Spark).Elem(), "")
	}},
}

// Kinds returns the descriptor kinds this release understands.
func Kinds() []string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = k.name
	}
	return names
}

func kindNames() string { return strings.Join(Kinds(), ", ") }

// Load reads and decodes the descriptor at path. Problems with the content are
// returned as an ErrorList; failing to read the file is a plain error.
func Load(path string) (*Document, error) {
	data, err := readDescriptor(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// readDescriptor reads one byte more than allowed so parse can tell an oversized file.
// Only regular files (or links to them) are read: opening a named pipe would wait
// for a writer forever, and a device may never end.
func readDescriptor(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("reading descriptor: %w", err)
	}
	if err := regularFile(path, info); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading descriptor: %w", err)
	}
	defer f.Close()
	if info, err = f.Stat(); err != nil {
		return nil, fmt.Errorf("reading descriptor: %w", err)
	}
	if err := regularFile(path, info); err != nil { // replaced since the first look
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading descriptor: %w", err)
	}
	return data, nil
}

// regularFile refuses anything but a regular file, naming what it is.
func regularFile(path string, info os.FileInfo) error {
	mode := info.Mode()
	if mode.IsRegular() {
		return nil
	}
	what := "not a regular file"
	switch {
	case mode.IsDir():
		what = "a directory"
	case mode&os.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case mode&os.ModeSocket != 0:
		what = "a socket"
	case mode&os.ModeDevice != 0:
		what = "a device"
	}
	return fmt.Errorf("reading descriptor: %s is %s, not a regular file; give the path of a descriptor file", path, what)
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// Parse decodes a descriptor strictly: unknown fields, wrong types, duplicate
// keys, several documents and oversized input are errors. The error, if any, is
// an ErrorList holding every problem found; the Document is nil then.
func Parse(path string, data []byte) (*Document, error) {
	doc, errs := parse(path, data)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return doc, nil
}

// Check reads, decodes and validates the descriptor at path and reports every
// problem at once: decoding problems (unknown fields, wrong types) together with
// the validation problems of the fields that did decode.
func Check(path string, opts Options) (*Document, error) {
	data, err := readDescriptor(path)
	if err != nil {
		return nil, err
	}
	doc, errs := parse(path, data)
	if doc == nil {
		return nil, errs.Err()
	}
	failed := map[string]bool{}
	for _, e := range errs {
		failed[e.Field] = true
	}
	for _, e := range doc.Validate(opts) {
		if !underFailed(e.Field, failed) {
			errs = append(errs, e)
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return doc, nil
}

// underFailed tells whether field or one of its ancestors failed to decode, where a
// validation message would only repeat the decoding one.
func underFailed(field string, failed map[string]bool) bool {
	for ; field != ""; field = parentPath(field) {
		if failed[field] {
			return true
		}
	}
	return false
}

// parse decodes data; the Document is returned (partly filled) whenever the kind
// was recognised, so Check can still validate what did decode.
func parse(path string, data []byte) (*Document, ErrorList) {
	doc := &Document{Path: path, positions: map[string]Position{}}
	dec := &decoder{file: path, positions: doc.positions}
	if len(data) > MaxFileSize {
		dec.failAt(Position{1, 1}, "", "file is larger than %d bytes (256 KiB); a descriptor is a small file (real ones are a few KiB)", MaxFileSize)
		return nil, dec.errs
	}
	doc.Data = bytes.TrimPrefix(data, utf8BOM)

	root := dec.readSingleDocument(doc.Data)
	if root == nil || len(dec.errs) > 0 {
		return nil, dec.errs
	}
	if n, msg := checkLimits(root); n != nil {
		dec.fail(n, "", "%s", msg)
		return nil, dec.errs
	}
	if root.Kind != yaml.MappingNode {
		dec.fail(root, "", "a descriptor is a mapping with apiVersion, kind, metadata and spec; got %s", describe(root))
		return nil, dec.errs
	}

	dec.checkAPIVersion(root)
	doc.Kind = dec.checkKind(root)
	decoded := false
	for _, k := range kinds {
		if k.name == doc.Kind {
			k.decode(doc, dec, root)
			decoded = true
		}
	}
	if !decoded {
		return nil, dec.errs
	}
	return doc, dec.errs
}

// readSingleDocument parses data and returns the content of its only YAML
// document, or nil with errors recorded.
func (dc *decoder) readSingleDocument(data []byte) *yaml.Node {
	yd := yaml.NewDecoder(bytes.NewReader(data))
	var first yaml.Node
	if err := yd.Decode(&first); err != nil {
		if errors.Is(err, io.EOF) {
			dc.failAt(Position{1, 1}, "", "the file is empty; expected a descriptor (apiVersion: %s, kind: one of %s)", APIVersion, kindNames())
		} else {
			dc.yamlError(err, data)
		}
		return nil
	}
	var second yaml.Node
	switch err := yd.Decode(&second); {
	case errors.Is(err, io.EOF):
	case err != nil:
		dc.yamlError(err, data)
	default:
		dc.failAt(Position{second.Line, second.Column}, "", "the file holds more than one YAML document; put one descriptor in each file")
	}
	if len(first.Content) == 0 || isNull(first.Content[0]) {
		dc.failAt(Position{1, 1}, "", "the document is empty; expected a descriptor (apiVersion: %s, kind: one of %s)", APIVersion, kindNames())
		return nil
	}
	return first.Content[0]
}

// checkAPIVersion reports a missing or foreign apiVersion.
func (dc *decoder) checkAPIVersion(root *yaml.Node) {
	n := mappingValue(root, "apiVersion")
	switch {
	case n == nil:
		dc.fail(root, "apiVersion", "required; set apiVersion: %s", APIVersion)
	case n.Kind == yaml.ScalarNode && n.Value != APIVersion:
		dc.fail(n, "apiVersion", "%q is not supported; use %s", n.Value, APIVersion)
	}
}

// checkKind returns the descriptor kind when it is one this release knows.
func (dc *decoder) checkKind(root *yaml.Node) string {
	n := mappingValue(root, "kind")
	if n == nil {
		dc.fail(root, "kind", "required; valid kinds: %s", kindNames())
		return ""
	}
	for _, k := range kinds {
		if n.Kind == yaml.ScalarNode && n.Value == k.name {
			return k.name
		}
	}
	if n.Kind == yaml.ScalarNode {
		dc.fail(n, "kind", "unknown kind %q; valid kinds: %s", n.Value, kindNames())
	} else {
		dc.fail(n, "kind", "expected a string, got %s; valid kinds: %s", describe(n), kindNames())
	}
	return ""
}

// mappingValue returns the value of key in mapping m (aliases resolved), or nil.
func mappingValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return resolve(m.Content[i+1])
		}
	}
	return nil
}

// checkLimits walks the tree expanding aliases and returns the first node that
// breaks MaxDepth or MaxNodes, or an alias that contains itself, with a message.
func checkLimits(root *yaml.Node) (*yaml.Node, string) {
	count := 0
	expanding := map[*yaml.Node]bool{}
	var outermostAlias *yaml.Node // the alias being expanded, if any, outermost first
	var walk func(n *yaml.Node, depth int) (*yaml.Node, string)
	walk = func(n *yaml.Node, depth int) (*yaml.Node, string) {
		count++
		if count > MaxNodes {
			if outermostAlias != nil {
				// Point at the alias that multiplies, not into what it names.
				return outermostAlias, fmt.Sprintf("more than %d YAML nodes once aliases are expanded, reached while expanding *%s; a descriptor is small (nested aliases that multiply are refused)", MaxNodes, outermostAlias.Value)
			}
			return n, fmt.Sprintf("more than %d YAML nodes once aliases are expanded; a descriptor is small (nested aliases that multiply are refused)", MaxNodes)
		}
		if depth > MaxDepth {
			return n, fmt.Sprintf("nested deeper than %d levels", MaxDepth)
		}
		if n.Kind == yaml.AliasNode {
			if expanding[n.Alias] {
				return n, fmt.Sprintf("alias *%s refers to a node that contains it", n.Value)
			}
			expanding[n.Alias] = true
			defer delete(expanding, n.Alias)
			if outermostAlias == nil {
				outermostAlias = n
				defer func() { outermostAlias = nil }()
			}
			return walk(n.Alias, depth)
		}
		for _, c := range n.Content {
			if bad, msg := walk(c, depth+1); bad != nil {
				return bad, msg
			}
		}
		return nil, ""
	}
	return walk(root, 0)
}
