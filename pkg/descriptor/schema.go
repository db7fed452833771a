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
	networkingv1 "k8s.io/api/networking/v1"
)

// SchemaDraft is the JSON Schema dialect Schema produces: draft-07 is what
// editors (yaml-language-server) and Helm's values.schema.json support best.
const SchemaDraft = "http://json-schema.org/draft-07/schema#"

// typesSource and sparkTypesSource are the type files, embedded so the schema's
// descriptions come from the field doc comments without needing the source tree
// at run time.
var (
	//go:embed types.go
	typesSource string
	//go:embed spark_types.go
	sparkTypesSource string
)

// kindSchemas are the root type and enumerated fields of each kind's schema.
var kindSchemas = map[string]struct {
	root  any
	enums map[string][]string
}{
	KindFlinkJob: {&FlinkJob{}, map[string][]string{
		"spec.imagePullPolicy":            PullPolicies,
		"spec.job.mode":                   JobModes,
		"spec.checkpointing.mode":         CheckpointingModes,
		"spec.checkpointing.stateBackend": StateBackends,
		"spec.highAvailability.type":      HATypes,
		"spec.restartStrategy.type":       RestartTypes,
	}},
	KindSparkApp: {&SparkApp{}, map[string][]string{
		"spec.imagePullPolicy":     PullPolicies,
		"spec.app.type":            SparkAppTypes,
		"spec.batchScheduler.name": BatchSchedulers,
	}},
}

// Schema returns the JSON Schema (draft-07) of every descriptor kind: a oneOf of
// the kinds' schemas (see SchemaFor), told apart by their kind, which each
// branch fixes with const. The bytes are deterministic (indented by two
// spaces, trailing newline).
func Schema() ([]byte, error) {
	root := &jsonschema.Schema{
		Version:     SchemaDraft,
		Title:       "jobcharts descriptor",
		Description: "A jobcharts.io/v1alpha1 descriptor; kind selects the schema: " + kindNames() + ".",
	}
	for _, kind := range Kinds() {
		s, err := kindSchema(kind)
		if err != nil {
			return nil, err
		}
		s.Version = ""
		root.OneOf = append(root.OneOf, s)
	}
	return marshalSchema(root)
}

// SchemaFor returns the JSON Schema (draft-07) of one descriptor kind (KindFlinkJob,
// KindSparkApp), reflected from the Go types: inline (no $ref), additionalProperties
// false on every descriptor object, required fields, enums, kind as a const and doc
// comments as descriptions. The bytes are deterministic (indented by two spaces,
// trailing newline).
//
// Kubernetes types (tolerations, affinity, volumes, volume mounts, containers,
// env, envFrom, NetworkPolicy peers) are simplified to "object" (or lists of
// objects): reflecting them produces thousands of lines and wrong shapes for
// types with custom JSON (resource.Quantity, intstr.IntOrString). The decoder
// checks them strictly.
func SchemaFor(kind string) ([]byte, error) {
	s, err := kindSchema(kind)
	if err != nil {
		return nil, err
	}
	return marshalSchema(s)
}

func kindSchema(kind string) (*jsonschema.Schema, error) {
	spec, ok := kindSchemas[kind]
	if !ok {
		return nil, fmt.Errorf("schema: unknown kind %q; valid kinds: %s", kind, kindNames())
	}
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
	s := r.Reflect(spec.root)
	s.Version = SchemaDraft
	s.Definitions = nil
	s.Title = kind
	enums := map[string][]string{"apiVersion": {APIVersion}}
	for path, values := range spec.enums {
		enums[path] = values
	}
	if err := addSchemaConstraints(s, enums); err != nil {
		return nil, err
	}
	kindProp, ok := s.Properties.Get("kind")
	if !ok {
		return nil, fmt.Errorf("schema: %s has no kind property", kind)
	}
	kindProp.Const = kind
	return s, nil
}

func marshalSchema(s *jsonschema.Schema) ([]byte, error) {
	out, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding schema: %w", err)
	}
	return append(out, '\n'), nil
}

// kubernetesObjectTypes describes the Kubernetes types the schema leaves as plain objects.
var kubernetesObjectTypes = map[reflect.Type]string{
	reflect.TypeFor[corev1.Toleration]():              "a Kubernetes Toleration (passed through to the pods)",
	reflect.TypeFor[corev1.Affinity]():                "a Kubernetes Affinity (passed through to the pods)",
	reflect.TypeFor[corev1.Volume]():                  "a Kubernetes Volume (passed through to the pods)",
	reflect.TypeFor[corev1.VolumeMount]():             "a Kubernetes VolumeMount (passed through to the pods)",
	reflect.TypeFor[corev1.Container]():               "a Kubernetes Container (passed through to the pods)",
	reflect.TypeFor[corev1.EnvVar]():                  "a Kubernetes EnvVar (passed through to the pods)",
	reflect.TypeFor[corev1.EnvFromSource]():           "a Kubernetes EnvFromSource (passed through to the pods)",
	reflect.TypeFor[networkingv1.NetworkPolicyPeer](): "a Kubernetes NetworkPolicyPeer (passed through to the job's NetworkPolicy)",
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
	if description, ok := kubernetesObjectTypes[t]; ok {
		return &jsonschema.Schema{Type: "object", Description: description}
	}
	return nil
}

// addSchemaConstraints sets the enums of the fields at the given property paths.
func addSchemaConstraints(root *jsonschema.Schema, enums map[string][]string) error {
	for path, values := range enums {
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
// of the type files, the keys jsonschema.Reflector.CommentMap expects.
func typeComments() (map[string]string, error) {
	comments := map[string]string{}
	for _, src := range []struct{ name, text string }{
		{"types.go", typesSource},
		{"spark_types.go", sparkTypesSource},
	} {
		if err := addTypeComments(comments, src.name, src.text); err != nil {
			return nil, err
		}
	}
	return comments, nil
}

func addTypeComments(comments map[string]string, name, source string) error {
	file, err := parser.ParseFile(token.NewFileSet(), name, source, parser.ParseComments)
	if err != nil {
		return fmt.Errorf("parsing embedded %s: %w", name, err)
	}
	pkg := reflect.TypeFor[FlinkJob]().PkgPath()
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
	return nil
}

func commentText(g *ast.CommentGroup) string {
	return strings.Join(strings.Fields(g.Text()), " ")
}
