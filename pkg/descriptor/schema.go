package descriptor

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strings"

	"github.com/invopop/jsonschema"
	corev1 "k8s.io/api/core/v1"
)

// SchemaDraft is the JSON Schema dialect Schema produces: draft-07 is what
// editors (yaml-language-server) and Helm's values.schema.json support best.
const SchemaDraft = "http://json-schema.org/draft-07/schema#"

// typesSource is types.go, embedded so the schema's descriptions come from the
// field doc comments without needing the source tree at run time.
//
//go:embed types.go
var typesSource string

// Schema returns the JSON Schema (draft-07) of the FlinkJob descriptor, reflected
// from the Go types: inline (no $ref), additionalProperties false on every
// descriptor object, required fields, enums and doc comments as descriptions.
// The bytes are deterministic (indented by two spaces, trailing newline).
//
// Kubernetes types (tolerations, affinity, volumes, volume mounts, containers,
// env, envFrom) are simplified to "object" (or lists of objects): reflecting them
// produces thousands of lines and wrong shapes for types with custom JSON
// (resource.Quantity, intstr.IntOrString). The decoder checks them strictly.
func Schema() ([]byte, error) {
	comments, err := typeComments()
	if err != nil {
		return nil, err
	}
	r := &jsonschema.Reflector{
		Anonymous:      true, // no $id: the schema is embedded, not published at a URL
		DoNotReference: true, // inline everything: no $defs, plain draft-07
		ExpandedStruct: true,
		Mapper:         schemaMapper,
		CommentMap:     comments,
	}
	s := r.Reflect(&FlinkJob{})
	s.Version = SchemaDraft
	s.Definitions = nil
	if err := addSchemaConstraints(s); err != nil {
		return nil, err
	}
	out, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding schema: %w", err)
	}
	return append(out, '\n'), nil
}

var kubernetesObjectTypes = map[reflect.Type]string{
	reflect.TypeFor[corev1.Toleration]():    "a Kubernetes Toleration",
	reflect.TypeFor[corev1.Affinity]():      "a Kubernetes Affinity",
	reflect.TypeFor[corev1.Volume]():        "a Kubernetes Volume",
	reflect.TypeFor[corev1.VolumeMount]():   "a Kubernetes VolumeMount",
	reflect.TypeFor[corev1.Container]():     "a Kubernetes Container",
	reflect.TypeFor[corev1.EnvVar]():        "a Kubernetes EnvVar",
	reflect.TypeFor[corev1.EnvFromSource](): "a Kubernetes EnvFromSource",
}

// schemaMapper replaces the schema of types that reflection gets wrong or makes
// unwieldy. It must return a new Schema on every call: the reflector writes
// descriptions into it.
func schemaMapper(t reflect.Type) *jsonschema.Schema {
	if t == scalarType {
		return &jsonschema.Schema{AnyOf: []*jsonschema.Schema{
			{Type: "string"}, {Type: "number"}, {Type: "boolean"},
		}}
	}
	if what, ok := kubernetesObjectTypes[t]; ok {
		return &jsonschema.Schema{Type: "object", Description: what + " (passed through to the pods)"}
	}
	return nil
}

// schemaEnums are the enumerated fields, by property path.
var schemaEnums = map[string][]string{
	"spec.imagePullPolicy":            PullPolicies,
	"spec.job.mode":                   JobModes,
	"spec.checkpointing.mode":         CheckpointingModes,
	"spec.checkpointing.stateBackend": StateBackends,
	"spec.highAvailability.type":      HATypes,
	"spec.restartStrategy.type":       RestartTypes,
	"apiVersion":                      {APIVersion},
	"kind":                            {KindFlinkJob},
}

func addSchemaConstraints(root *jsonschema.Schema) error {
	for path, values := range schemaEnums {
		s := root
		for _, name := range strings.Split(path, ".") {
			if s.Properties == nil {
				return fmt.Errorf("schema: no property %s", path)
			}
			next, ok := s.Properties.Get(name)
			if !ok {
				return fmt.Errorf("schema: no property %s", path)
			}
			s = next
		}
		s.Enum = nil
		for _, v := range values {
			s.Enum = append(s.Enum, v)
		}
	}
	return nil
}

// typeComments maps "<pkg>.<Type>" and "<pkg>.<Type>.<Field>" to the doc comments
// of types.go, the keys jsonschema.Reflector.CommentMap expects.
func typeComments() (map[string]string, error) {
	file, err := parser.ParseFile(token.NewFileSet(), "types.go", typesSource, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("parsing embedded types.go: %w", err)
	}
	pkg := reflect.TypeFor[FlinkJob]().PkgPath()
	comments := map[string]string{}
	for _, decl := range file.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.TYPE {
			continue
		}
		for _, spec := range gen.Specs {
			ts := spec.(*ast.TypeSpec)
			doc := ts.Doc
			if doc == nil && len(gen.Specs) == 1 {
				doc = gen.Doc
			}
			if text := commentText(doc); text != "" {
				comments[pkg+"."+ts.Name.Name] = text
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				continue
			}
			for _, field := range st.Fields.List {
				text := commentText(field.Doc)
				if text == "" {
					text = commentText(field.Comment)
				}
				for _, name := range field.Names {
					if text != "" {
						comments[pkg+"."+ts.Name.Name+"."+name.Name] = text
					}
				}
			}
		}
	}
	return comments, nil
}

func commentText(g *ast.CommentGroup) string {
	return strings.Join(strings.Fields(g.Text()), " ")
}
