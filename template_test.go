package envelope

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTemplateGrammarRefusals: every malformed body is refused when the
// format is compiled, with the byte offset of the problem, never at render
// time.
func TestTemplateGrammarRefusals(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, body, want string
	}{
		{"empty", ``, "empty"},
		{"no placeholder", `{"code": "x"}`, "no placeholder"},
		{"not an object", `"{{code}}"`, "must be a JSON object or array"},
		{"bare placeholder root", `{{code}}`, "must be a JSON object or array"},
		{"unknown placeholder", `{"a": "{{nope}}"}`, "byte 7: unknown placeholder {{nope}}"},
		{"unclosed placeholder", `{"a": "{{code"}`, "unclosed placeholder"},
		{"two in a string", `{"a": "{{code}}-{{status}}"}`, "one placeholder"},
		{"message bare", `{"a": {{message}}}`, "{{message}} must be inside a string"},
		{"details in string", `{"a": "{{details}}"}`, "cannot be inside a string"},
		{"unknown filter", `{"a": "{{code | shout}}"}`, `unknown code filter "shout"`},
		{"filter on message", `{"a": "{{message | upper}}"}`, "only {{code}} takes a filter"},
		{"member twice", `{"a": "{{code}}", "a": "{{message}}"}`, `member "a" appears twice`},
		{"placeholder name", `{"{{code}}": "x"}`, "only {{field}} may stand as a member name"},
		{"keyed with others", `{"x": 1, "{{field}}": "{{field.message}}"}`, "has that one member only"},
		{"section of two", `{"e": [{"f": "{{field}}"}, 1]}`, "has that one element only"},
		{"section in section", `{"e": [{"f": "{{field}}", "m": {"{{field}}": "{{field.message}}"}}]}`, "a section inside an array repeated per field error"},
		{"unreachable alternative", `{"a": null | {{details}}}`, "never used"},
		{"extensions twice", `{"a": {"b": "{{code}}", {{extensions}}}, {{extensions}}}`, "{{extensions}} appears twice"},
		{"extensions in section", `{"e": [{"f": "{{field}}", {{extensions}}}]}`, "cannot be inside a section"},
		{"extensions as value", `{"a": {{extensions}}}`, "stands in place of a member"},
		{"bad scalar", `{"a": nul, "b": "{{code}}"}`, `"nul" is not a JSON value`},
		{"trailing text", `{"a": "{{code}}"} x`, "unexpected text after the body"},
		{"unclosed object", `{"a": "{{code}}"`, "unclosed object"},
		{"control char", "{\"a\": \"x\ny\", \"b\": \"{{code}}\"}", "control character"},
		{"bad attr name", `{"a": "{{attr no spaces}}"}`, "attribute name"},
		{"optional last body", `{"a": "{{requestId}}"} | {"b": "{{field}}"}`, "must always be present"},
		{"too deep", `{"a":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["{{code}}"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}`, "nested more than"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewWriter(WriterOptions{Format: Format{Name: "t", Body: tc.body}})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), "format t")
		})
	}
}

// TestTemplateRenders covers the rendering rules of the grammar one by one.
func TestTemplateRenders(t *testing.T) {
	t.Parallel()
	bare := NotFound("gone")
	withFields := Validation("bad").WithFields(
		FieldError{Field: "items[0].sku", Code: "required", Message: "is required", Attrs: map[string]string{"res": "Item"}},
		FieldError{Field: "items[0].sku", Message: "is short"},
		FieldError{Field: "labels[a.b]", Message: "is odd"})
	cases := []struct {
		name, body string
		err        *APIError
		want       string
	}{
		{"literals stay", `{"ok": false, "version": 1, "code": "{{code}}", "x": {"y": [1, "<"]}}`, bare,
			`{"ok":false,"version":1,"code":"not_found","x":{"y":[1,"\u003c"]}}`},
		{"status as string and number", `{"s": "{{status}}", "n": {{status}}, "c": "{{code}}"}`, bare,
			`{"s":"404","n":404,"c":"not_found"}`},
		{"affixes", `{"type": "https://example.com/probs/{{code | kebab}}#x", "c": "{{code}}"}`, New("out_of_credit", "").WithStatus(403),
			`{"type":"https://example.com/probs/out-of-credit#x","c":"out_of_credit"}`},
		{"filters", `{"u": "{{code | upper}}", "p": "{{code | pascal}}", "c": "{{code | camel}}", "k": "{{code | kebab}}", "g": "{{code}}"}`, New("method_not_allowed", ""),
			`{"u":"METHOD_NOT_ALLOWED","p":"MethodNotAllowed","c":"methodNotAllowed","k":"method-not-allowed","g":"method_not_allowed"}`},
		{"absent left out", `{"code": "{{code}}", "id": "{{requestId}}", "d": {{details}}, "f": {"{{field}}": "{{field.message}}"}}`, bare,
			`{"code":"not_found"}`},
		{"alternatives", `{"code": "{{code}}", "d": {{details}} | null, "e": [{"f": "{{field}}"}] | [], "o": {"a": "{{requestId}}"} | {}}`, bare,
			`{"code":"not_found","d":null,"e":[],"o":{}}`},
		{"object absent when all its placeholders are", `{"code": "{{code}}", "meta": {"kind": "x", "id": "{{requestId}}"}}`, bare,
			`{"code":"not_found"}`},
		{"keyed joined", `{"f": {"{{field}}": "{{field.message}}"}, "c": "{{code}}"}`, withFields,
			`{"f":{"items[0].sku":"is required; is short","labels[a.b]":"is odd"},"c":"validation_failed"}`},
		{"keyed lists", `{"f": {"{{field}}": ["{{field.message}}"]}, "c": "{{code}}"}`, withFields,
			`{"f":{"items[0].sku":["is required","is short"],"labels[a.b]":["is odd"]},"c":"validation_failed"}`},
		{"keyed objects", `{"f": {"{{field}}": {"code": "{{field.code}}", "messages": ["{{field.message}}"]}}, "c": "{{code}}"}`, withFields,
			`{"f":{"items[0].sku":{"code":"required","messages":["is required","is short"]},"labels[a.b]":{"messages":["is odd"]}},"c":"validation_failed"}`},
		{"section", `{"e": [{"path": "{{field}}", "ptr": "{{field.pointer}}", "frag": "#{{field.pointer}}", "code": "{{field.code}}", "res": "{{field.attr res}}"}], "c": "{{code}}"}`, withFields,
			`{"e":[{"path":"items[0].sku","ptr":"/items/0/sku","frag":"#/items/0/sku","code":"required","res":"Item"},{"path":"items[0].sku","ptr":"/items/0/sku","frag":"#/items/0/sku"},{"path":"labels[a.b]","ptr":"/labels/a.b","frag":"#/labels/a.b"}],"c":"validation_failed"}`},
		{"first field promoted", `{"param": "{{field}}", "m": "{{field.message}}", "c": "{{code}}"}`, withFields,
			`{"param":"items[0].sku","m":"is required","c":"validation_failed"}`},
		{"array around a section", `{"details": [{"@type": "BadRequest", "violations": [{"field": "{{field}}"}]}], "c": "{{code}}"}`, withFields,
			`{"details":[{"@type":"BadRequest","violations":[{"field":"items[0].sku"},{"field":"items[0].sku"},{"field":"labels[a.b]"}]}],"c":"validation_failed"}`},
		{"array around an empty section", `{"details": [{"@type": "BadRequest", "violations": [{"field": "{{field}}"}]}] | [], "c": "{{code}}"}`, bare,
			`{"details":[],"c":"not_found"}`},
		{"section once without fields", `{"errors": [{"status": "{{status}}", "detail": "{{field.message}}" | "{{message}}"}]}`, bare,
			`{"errors":[{"status":"404","detail":"gone"}]}`},
		{"extensions where the message is", `{"error": {"code": "{{code}}", "message": "{{message}}"}, "v": 1}`, bare.WithExtension("x", 1).WithExtension("v", 2),
			`{"error":{"code":"not_found","message":"gone","x":1,"v":2},"v":1}`},
		{"extensions placed", `{"error": {"code": "{{code}}", "message": "{{message}}"}, {{extensions}}}`, bare.WithExtension("x", 1).WithExtension("error", 2),
			`{"error":{"code":"not_found","message":"gone"},"x":1}`},
		{"top-level array", `[{"code": "{{code}}", "message": "{{message}}"}]`, bare,
			`[{"code":"not_found","message":"gone"}]`},
		{"fragment escaping", `{"p": "#{{field.pointer}}", "q": "{{field.pointer}}", "c": "{{code}}"}`, Validation("").WithField("a/b~c d%é", "x"),
			`{"p":"#/a~1b~0c%20d%25%C3%A9","q":"/a~1b~0c d%é","c":"validation_failed"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ew := newWriter(t, WriterOptions{Format: Format{Name: "t", Body: tc.body}})
			_, body := ew.Render(nil, nil, tc.err)
			assert.Equal(t, tc.want, string(body))
		})
	}
}
