package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/jobcharts/jobcharts/pkg/descriptor"
)

// Template syntax in a descriptor is data. The charts never run tpl on values, so
// a Helm template written into any string of a descriptor is either refused by
// validation or rendered verbatim, never evaluated: {{ fail }} would abort the
// render, {{ .Release.Name }} would become the release name and {{ lookup }}
// would read the cluster.

// templatePayload is evaluated by nothing; if it were, fail would abort the render.
const templatePayload = `{{ .Release.Name }}/{{ fail "evaluated" }}/{{ lookup "v1" "Secret" "" "" }}`

var jsonMarshalerType = reflect.TypeFor[json.Marshaler]()

// templateKey is the payload for map keys, which cannot hold spaces.
const templateKey = `{{.Release.Name}}`

// stringSite is one string in a descriptor: a field, a list item, a map value or a map key.
type stringSite struct {
	path string
	set  func(root reflect.Value, s string) // sets the site in a copy of the descriptor
}

// stringSites lists every string reachable from v: the set fields, list items and
// map values of the given descriptor, every string field of each struct it holds
// (set or not), and one new key per map. Nil pointers and empty lists are not
// entered: their fields are covered where the example descriptor sets them.
func stringSites(v reflect.Value, path string, get func(reflect.Value) reflect.Value) []stringSite {
	var sites []stringSite
	if v.Kind() == reflect.Struct && reflect.PointerTo(v.Type()).Implements(jsonMarshalerType) {
		return nil // quantities and int-or-strings are not free-form text
	}
	switch v.Kind() {
	case reflect.String:
		sites = append(sites, stringSite{path, func(root reflect.Value, s string) {
			get(root).SetString(s)
		}})
	case reflect.Pointer:
		if !v.IsNil() {
			sites = append(sites, stringSites(v.Elem(), path, func(root reflect.Value) reflect.Value { return get(root).Elem() })...)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			fieldPath := path
			if !(f.Anonymous && name == "") {
				if name == "" {
					name = f.Name
				}
				fieldPath = join(path, name)
			}
			if (name == "apiVersion" || name == "kind") && path == "" {
				continue // they pick the kind, and are refused on any other value
			}
			i := i
			sites = append(sites, stringSites(v.Field(i), fieldPath, func(root reflect.Value) reflect.Value { return get(root).Field(i) })...)
		}
	case reflect.Slice:
		for i := range v.Len() {
			i := i
			sites = append(sites, stringSites(v.Index(i), fmt.Sprintf("%s[%d]", path, i), func(root reflect.Value) reflect.Value { return get(root).Index(i) })...)
		}
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String || v.Type().Elem().Kind() != reflect.String {
			return nil // maps of quantities: a template is not a quantity
		}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		for _, k := range keys {
			k := k
			sites = append(sites, stringSite{join(path, k.String()), func(root reflect.Value, s string) {
				m := get(root)
				m.SetMapIndex(k, reflect.ValueOf(s).Convert(m.Type().Elem()))
			}})
		}
		sites = append(sites, stringSite{join(path, templateKey), func(root reflect.Value, s string) {
			m := get(root)
			if m.IsNil() {
				m.Set(reflect.MakeMap(m.Type()))
			}
			m.SetMapIndex(reflect.ValueOf(templateKey).Convert(m.Type().Key()), reflect.ValueOf("value").Convert(m.Type().Elem()))
		}})
	}
	return sites
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// errorLineRE is a validation error: FILE:LINE:COL: FIELD: MESSAGE.
var errorLineRE = regexp.MustCompile(`^FILE:\d+:\d+: (\S+): `)

// refusedAt reports whether stderr holds a validation error at path or at one of
// its ancestors (a map entry's problems are reported at the entry).
func refusedAt(stderr, path string) bool {
	for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
		m := errorLineRE.FindStringSubmatch(line)
		if m == nil {
			return false // not a validation error: a chart or template failure
		}
		if field := m[1]; field == path || strings.HasPrefix(path, field+".") || strings.HasPrefix(path, field+"[") {
			return true
		}
	}
	return false
}

// verbatim reports whether the YAML text holds s unchanged in one of its strings,
// or in a string that is itself a YAML file (a ConfigMap's configuration file or
// pod template), raw or with its double quotes escaped.
func verbatim(text, s string) bool {
	escaped, _ := json.Marshal(s)
	forms := []string{s, strings.Trim(string(escaped), `"`)}
	return verbatimIn(text, forms, 3)
}

func verbatimIn(text string, forms []string, depth int) bool {
	found := false
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			for _, form := range forms {
				found = found || strings.Contains(v, form)
			}
			if !found && depth > 1 && strings.Contains(v, "\n") {
				found = verbatimIn(v, forms, depth-1) // an embedded YAML file
			}
		case map[string]any:
			for k, e := range v {
				walk(k)
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	dec := yaml.NewDecoder(strings.NewReader(text))
	for !found {
		var doc any
		if err := dec.Decode(&doc); err != nil {
			break
		}
		walk(doc)
	}
	return found
}

func TestTemplateSyntaxIsNeverEvaluated(t *testing.T) {
	for _, example := range []string{"valid-flinkjob.yaml", "valid-sparkapp.yaml"} {
		t.Run(example, func(t *testing.T) {
			doc, err := descriptor.Load(filepath.Join("..", "..", "pkg", "descriptor", "testdata", example))
			if err != nil {
				t.Fatal(err)
			}
			var typed reflect.Value
			switch doc.Kind {
			case descriptor.KindFlinkJob:
				typed = reflect.ValueOf(doc.Flink).Elem()
			case descriptor.KindSparkApp:
				typed = reflect.ValueOf(doc.Spark).Elem()
			}
			dir := t.TempDir()
			write := func(name string, v reflect.Value) string {
				data, err := json.Marshal(v.Interface()) // JSON is YAML
				if err != nil {
					t.Fatal(err)
				}
				file := filepath.Join(dir, name)
				if err := os.WriteFile(file, data, 0o644); err != nil {
					t.Fatal(err)
				}
				return file
			}

			// The example itself renders, so every refusal below is the payload's.
			base := write("base.json", typed)
			code, baseOut, stderr := gen(t, "render", "--git-commit", "0123456789abcdef", base)
			if code != exitOK {
				t.Fatalf("the example does not render: %s", stderr)
			}
			// verbatim finds nothing that is not there, also when a long string is folded.
			if verbatim(baseOut, templatePayload) || !verbatim("a: |\n  b: '"+strings.Replace(templatePayload, " ", "\n    ", 3)+"'\n", templatePayload) {
				t.Fatal("verbatim is broken")
			}

			sites := stringSites(typed, "", func(root reflect.Value) reflect.Value { return root })
			if len(sites) < 40 {
				t.Fatalf("only %d string sites found in %s; the walk is broken", len(sites), example)
			}
			var refused, rendered []string
			for i, site := range sites {
				payload := templatePayload
				if strings.Contains(site.path, templateKey) {
					payload = templateKey
				}
				changed := reflect.New(typed.Type()).Elem()
				deepCopy(t, typed, changed)
				site.set(changed, payload)
				file := write(fmt.Sprintf("site-%d.json", i), changed)

				code, stdout, stderr := gen(t, "render", "--git-commit", "0123456789abcdef", file)
				stderr = strings.ReplaceAll(stderr, file, "FILE")
				// Validation runs before any template: a refusal at the field is
				// enough. A render must hold the payload unchanged: evaluated, fail
				// would have aborted it and .Release.Name would have been replaced.
				switch {
				case code == exitOK && verbatim(stdout, payload):
					rendered = append(rendered, site.path)
				case code == exitOK:
					t.Errorf("%s: rendered, but the manifests do not hold %s verbatim:\n%s", site.path, payload, stdout)
				case code == exitInvalid && refusedAt(stderr, site.path):
					refused = append(refused, site.path)
				default:
					t.Errorf("%s: exit %d without a validation error at the field:\n%s", site.path, code, stderr)
				}
			}
			t.Logf("%d string sites: %d rendered verbatim, %d refused by validation", len(sites), len(rendered), len(refused))
			t.Logf("rendered verbatim: %s", strings.Join(rendered, ", "))
			t.Logf("refused: %s", strings.Join(refused, ", "))
			if len(rendered) == 0 || len(refused) == 0 {
				t.Errorf("expected both free-form fields (rendered) and checked fields (refused)")
			}
		})
	}
}

// deepCopy copies src into dst through JSON, which is how the descriptor is written.
func deepCopy(t *testing.T, src, dst reflect.Value) {
	t.Helper()
	data, err := json.Marshal(src.Interface())
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, dst.Addr().Interface()); err != nil {
		t.Fatal(err)
	}
}
