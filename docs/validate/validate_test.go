// Package validate checks the generated documents in docs/ with a real
// JSON Schema validator: the OpenAPI document against the OpenAPI 3.1
// schema, every JSON Schema (and every schema in the OpenAPI components)
// against the draft 2020-12 meta-schema, and every golden body of the root
// module against its format's schema. It is a module of its own so that the
// root module keeps no dependency beyond the standard library.
package validate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apienvelope/envelope"
)

const docs = ".."

// oasSchema is the OpenAPI Initiative's published JSON Schema for OpenAPI
// 3.1 documents (https://spec.openapis.org/oas/3.1/schema/2022-10-07),
// kept in testdata so the test needs no network.
const oasSchema = "testdata/oas-3.1-schema-2022-10-07.json"

func load(t *testing.T, path string) any {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	require.NoError(t, err, path)
	return v
}

// compileFile compiles the schema in path; compiling validates it against
// its meta-schema.
func compileFile(t *testing.T, path string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	url := "file:///" + filepath.ToSlash(path)
	require.NoError(t, c.AddResource(url, load(t, path)))
	s, err := c.Compile(url)
	require.NoError(t, err, path)
	return s
}

func TestOpenAPIDocument(t *testing.T) {
	t.Parallel()
	oas := compileFile(t, oasSchema)
	doc := load(t, filepath.Join(docs, "openapi.json"))
	require.NoError(t, oas.Validate(doc), "docs/openapi.json is not a valid OpenAPI 3.1 document")

	// The OpenAPI schema does not look inside Schema Objects; compile each
	// component schema as a 2020-12 schema, and check every response
	// example against the schema it is given with.
	comps := doc.(map[string]any)["components"].(map[string]any)
	c := jsonschema.NewCompiler()
	const base = "https://example.invalid/openapi.json"
	require.NoError(t, c.AddResource(base, doc))
	schemas := comps["schemas"].(map[string]any)
	require.Len(t, schemas, len(envelope.Presets()))
	for name := range schemas {
		_, err := c.Compile(base + "#/components/schemas/" + name)
		require.NoError(t, err, name)
	}
	responses := comps["responses"].(map[string]any)
	require.NotEmpty(t, responses)
	for name, r := range responses {
		for mt, media := range r.(map[string]any)["content"].(map[string]any) {
			m := media.(map[string]any)
			ref := m["schema"].(map[string]any)["$ref"].(string)
			s, err := c.Compile(base + ref)
			require.NoError(t, err)
			assert.NoError(t, s.Validate(m["example"]), "example of %s (%s)", name, mt)
		}
	}
}

func TestFormatSchemasAndGoldens(t *testing.T) {
	t.Parallel()
	for _, f := range envelope.Presets() {
		t.Run(f.Name, func(t *testing.T) {
			t.Parallel()
			s := compileFile(t, filepath.Join(docs, "schemas", f.Name+".schema.json"))
			goldens, err := filepath.Glob(filepath.Join(docs, "..", "testdata", "golden", f.Name, "*.json"))
			require.NoError(t, err)
			require.NotEmpty(t, goldens, "no golden bodies for %s", f.Name)
			for _, g := range goldens {
				assert.NoError(t, s.Validate(load(t, g)), "%s does not match its schema", g)
			}
		})
	}
}

// TestSchemasReject makes sure the schemas are not vacuous: bodies of the
// wrong shape fail.
func TestSchemasReject(t *testing.T) {
	t.Parallel()
	tests := []struct{ format, body string }{
		{"flat", `{"message":"no code"}`},
		{"flat", `{"code":"NOT_FOUND","message":"upper case"}`},
		{"null-details", `{"code":"not_found","message":"no details member"}`},
		{"prefixed-upper", `{"error":"NOT_FOUND","message":"no prefix"}`},
		{"prefixed-upper", `{"message":"neither code nor errors"}`},
		{"nested", `{"code":"not_found","message":"not nested","details":null}`},
		{"message-first", `{"error":"x","code":"not_found"}`},
		{"problem", `{"type":"about:blank","title":"Not Found","status":200,"detail":"x","code":"not_found"}`},
		{"problem", `{"type":"about:blank","title":"Bad","status":400,"detail":"x","code":"invalid_request","errors":[{"detail":"x"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			t.Parallel()
			s := compileFile(t, filepath.Join(docs, "schemas", tt.format+".schema.json"))
			v, err := jsonschema.UnmarshalJSON(strings.NewReader(tt.body))
			require.NoError(t, err)
			assert.Error(t, s.Validate(v), "%s accepted %s", tt.format, tt.body)
		})
	}
}

// TestServedBodiesMatchSchemas renders a spread of errors in every format
// and validates each body.
func TestServedBodiesMatchSchemas(t *testing.T) {
	t.Parallel()
	errs := []error{
		envelope.NotFound("x"),
		envelope.Validation("").WithFields(envelope.FieldError{Field: "a.b", Code: "required", Message: "is required"}).WithField("items[0]", "bad").WithField("labels[a.b]", "odd"),
		envelope.Conflict("").WithDetails(map[string]any{"k": []int{1}}).WithExtension("liveVersion", 3),
		envelope.RateLimited("").WithHeader("Retry-After", "1"),
		envelope.New("odd", "").WithStatus(299),
	}
	for _, f := range envelope.Presets() {
		s := compileFile(t, filepath.Join(docs, "schemas", f.Name+".schema.json"))
		ew, err := envelope.NewWriter(envelope.WriterOptions{Format: f, Logger: discard()})
		require.NoError(t, err)
		for _, e := range errs {
			body := serve(t, ew, e)
			var v any
			require.NoError(t, json.Unmarshal(body, &v))
			assert.NoError(t, s.Validate(v), "%s: %s", f.Name, body)
		}
	}
}

// TestEveryShapeHasAValidSchema compiles the schema of formats that use
// every shape of the wire model (lists of error objects, numeric codes,
// status as a string, nested pointers, alternatives, keyed objects) against
// the 2020-12 meta-schema, and validates bodies each renders.
func TestEveryShapeHasAValidSchema(t *testing.T) {
	t.Parallel()
	numeric := map[envelope.Code]envelope.FormatCode{}
	var codes *envelope.Codes
	for i, info := range codes.List() {
		numeric[info.Code] = envelope.FormatCode{Wire: fmt.Sprint(2000 + i)}
	}
	formats := []envelope.Format{
		{Name: "list", MediaType: "application/vnd.api+json", Body: `{"errors": [{"status": "{{status}}", "code": "{{code}}", "title": "{{title}}",
			"detail": "{{field.message}}" | "{{message}}", "source": {"pointer": "/data/attributes{{field.pointer}}"}}]}`},
		{Name: "numeric", Body: `{"code": {{code}}, "message": "{{message}}", "more_info": "https://example.com/errors/{{code}}", "details": [{"@type": "BadRequest", "fieldViolations": [{"field": "{{field}}", "description": "{{field.message}}"}]}] | []}`, Codes: numeric},
		{Name: "pascal", Body: `{"error": {"code": "{{code | pascal}}", "message": "{{message}}", "target": "{{field}}", "details": [{"code": "{{field.code}}", "target": "{{field}}", "message": "{{field.message}}"}]}}`},
		{Name: "keyed", Body: `{"message": "{{message}}", "errors": {"{{field}}": {"code": "{{field.code}}", "messages": ["{{field.message}}"]}} | null, "status": "{{status}}", {{extensions}}}`},
	}
	errs := []error{
		envelope.NotFound("x"),
		envelope.Validation("").WithFields(envelope.FieldError{Field: "a.b", Code: "required", Message: "is required"}).WithField("items[0]", "bad"),
		envelope.Conflict("").WithExtension("liveVersion", 3),
	}
	for _, f := range formats {
		t.Run(f.Name, func(t *testing.T) {
			t.Parallel()
			raw, err := f.Schema()
			require.NoError(t, err)
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
			require.NoError(t, err)
			c := jsonschema.NewCompiler()
			c.AssertFormat()
			url := "https://example.invalid/" + f.Name + ".json"
			require.NoError(t, c.AddResource(url, doc))
			s, err := c.Compile(url)
			require.NoError(t, err, "the schema is valid draft 2020-12")
			ew, err := envelope.NewWriter(envelope.WriterOptions{Format: f, Logger: discard()})
			require.NoError(t, err)
			for _, e := range errs {
				body := serve(t, ew, e)
				v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
				require.NoError(t, err)
				assert.NoError(t, s.Validate(v), "%s", body)
			}
		})
	}
}
