package envelope

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The fuzz targets of the package. Each keeps its name and argument list,
// so that the inputs committed under testdata/fuzz/<Target>/ keep running
// as regression tests. Every target checks its output against an oracle
// written independently of the code under test: encoding/json, a grammar
// restated here, or what the shape of a format's Body says it carries.

// sanitized is what a JSON string holding s decodes to: s with each invalid
// byte replaced by U+FFFD, as encoding/json does.
func sanitized(s string) string {
	b, _ := json.Marshal(s)
	var out string
	_ = json.Unmarshal(b, &out)
	return out
}

// safeIDRE is what may ever appear as a request ID on the wire or in a log:
// the accepted alphabet of ValidRequestID, written independently of it (a
// generated UUIDv4 is in it too).
var safeIDRE = regexp.MustCompile(`^[A-Za-z0-9._:+=/-]{1,128}$`)

var uuidV4RE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// traceparentRE is the traceparent grammar of W3C Trace Context, written
// independently of traceID: version, trace-id, parent-id and flags in
// lowercase hex, and for a version above 00 anything after a "-".
var traceparentRE = regexp.MustCompile(`^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})((?s)-.*)?$`)

// wantTraceID is the trace-id a traceparent value supplies: version ff is
// invalid, version 00 has nothing after the flags, and neither the
// trace-id nor the parent-id may be all zeros.
func wantTraceID(v string) (string, bool) {
	m := traceparentRE.FindStringSubmatch(v)
	if m == nil || m[1] == "ff" || (m[1] == "00" && m[5] != "") {
		return "", false
	}
	if strings.Trim(m[2], "0") == "" || strings.Trim(m[3], "0") == "" {
		return "", false
	}
	return m[2], true
}

// wantRequestID is the ID a request with these headers gets: the
// traceparent's trace-id when configured and valid, else the sent ID when
// it is safe; "" means a fresh UUIDv4.
func wantRequestID(id, tp string, useTP bool) string {
	if useTP {
		if trace, ok := wantTraceID(tp); ok {
			return trace
		}
	}
	if safeIDRE.MatchString(id) {
		return id
	}
	return ""
}

// FuzzAppendJSONString holds the append encoder to encoding/json, the
// trusted encoder: for any input the bytes are identical.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", "<script>&", "\x00\x1f\x7f\b\f\n\r\t", "\xff\xfe", "é\u2028\u2029", `"\`, "\xed\xa0\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		require.NoError(t, err)
		require.Equal(t, string(want), string(appendJSONString(nil, s)))
		require.Equal(t, string(want[1:len(want)-1]), string(appendJSONStringContent([]byte{}, s)))
	})
}

// FuzzWrite renders errors built from arbitrary strings. Whatever the input,
// the body is valid JSON and valid UTF-8 with HTML characters escaped, and it
// decodes back to the same code, message, details and fields; the request
// ID is echoed in body and header exactly when it is safe.
func FuzzWrite(f *testing.F) {
	f.Add("Flag not found", "email", "must be valid", "req_1", "details")
	f.Add("<b>&</b>", "items[2].sku", "\xff\x00", "", "\u2028")
	f.Add("", "", "", "bad id\r\n", "")
	f.Add(strings.Repeat("é", maxMessageBytes), "labels[a.b]", strings.Repeat("x", maxMessageBytes+1), strings.Repeat("i", 128), "\xed\xa0\x80")
	ew := quietWriter(f)
	invalid := builtinFieldsEN()["invalid"].Text
	f.Fuzz(func(t *testing.T, msg, field, fieldMsg, id, detail string) {
		e := InvalidRequest(msg).WithDetails(map[string]string{"d": detail})
		if field != "" || fieldMsg != "" {
			e = e.WithField(field, fieldMsg)
		}
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r = r.WithContext(ContextWithRequestID(r.Context(), id))
		rec := httptest.NewRecorder()
		ew.Write(rec, r, e)
		require.Equal(t, 400, rec.Code)
		body := rec.Body.Bytes()
		require.True(t, json.Valid(body), "%q", body)
		require.True(t, utf8.Valid(body))
		require.False(t, bytes.ContainsAny(body, "<>&"), "%q", body)
		var got struct {
			Code      string            `json:"code"`
			Message   string            `json:"message"`
			Details   map[string]string `json:"details"`
			Fields    map[string]string `json:"fields"`
			RequestID *string           `json:"requestId"`
		}
		require.NoError(t, json.Unmarshal(body, &got))
		assert.Equal(t, "invalid_request", got.Code)
		wantMsg := msg
		if msg == "" {
			wantMsg = defaultMessage(CodeInvalidRequest)
		}
		assert.Equal(t, sanitized(truncateMessage(wantMsg)), got.Message)
		assert.LessOrEqual(t, len(got.Message), maxMessageBytes+2*len("\ufffd"), "a message is capped")
		assert.Equal(t, sanitized(detail), got.Details["d"])
		if field != "" || fieldMsg != "" {
			wantField := fieldMsg
			if fieldMsg == "" {
				wantField = invalid // a field error without a message gets the generic one
			}
			assert.Equal(t, map[string]string{sanitized(field): sanitized(truncateMessage(wantField))}, got.Fields)
		} else {
			assert.Nil(t, got.Fields)
		}
		if safeIDRE.MatchString(id) {
			require.NotNil(t, got.RequestID)
			assert.Equal(t, id, *got.RequestID)
			assert.Equal(t, id, rec.Header().Get("X-Request-Id"))
		} else {
			assert.Nil(t, got.RequestID, "an unsafe ID is never echoed")
			assert.Empty(t, rec.Header().Values("X-Request-Id"))
		}
	})
}

// wantPointerTokens splits a field path into the reference tokens its JSON
// Pointer must have, as [FieldError.Field] documents paths: names separated
// by '.', and bracketed indexes or keys, a bracket closing at the first ']'
// followed by the end, '.' or '['; an unclosed bracket makes the rest one
// name.
func wantPointerTokens(path string) []string {
	var toks []string
	for i := 0; i < len(path); {
		switch path[i] {
		case '.':
			i++
		case '[':
			end := -1
			for j := i + 1; j < len(path) && end < 0; j++ {
				if path[j] == ']' && (j+1 == len(path) || path[j+1] == '.' || path[j+1] == '[') {
					end = j
				}
			}
			if end < 0 {
				return append(toks, path[i:])
			}
			toks = append(toks, path[i+1:end])
			i = end + 1
		default:
			n := strings.IndexAny(path[i:], ".[")
			if n < 0 {
				n = len(path) - i
			}
			toks = append(toks, path[i:i+n])
			i += n
		}
	}
	return toks
}

// fragmentChars are the bytes a URI fragment holds unescaped (RFC 3986
// §3.5: pchar, "/" and "?"), '%' aside.
const fragmentChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/?"

// FuzzAppendPointer checks that a field path always becomes the content of
// a JSON string holding a JSON Pointer (RFC 6901) whose reference tokens
// are the path's; in URI fragment form only fragment characters and
// percent escapes appear. The parser's inverse reads the pointer back to a
// path with the same pointer.
func FuzzAppendPointer(f *testing.F) {
	for _, s := range []string{"", "email", "items[2].sku", "a/b~c", "a..b", "[0][1]", "é %\"<", "labels[a.b]", "m[x]y].z", "a[", "[]", "~01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		want := wantPointerTokens(path)
		for _, fragment := range []bool{false, true} {
			out := append([]byte{'"'}, appendPointer(nil, path, fragment)...)
			out = append(out, '"')
			require.True(t, json.Valid(out), "%q", out)
			var ptr string
			require.NoError(t, json.Unmarshal(out, &ptr))
			raw := ptr
			if fragment {
				var b strings.Builder
				for i := 0; i < len(ptr); i++ {
					c := ptr[i]
					if c != '%' {
						require.True(t, strings.IndexByte(fragmentChars, c) >= 0, "byte %q not allowed in a fragment: %q", c, ptr)
						b.WriteByte(c)
						continue
					}
					require.Less(t, i+2, len(ptr), "truncated escape in %q", ptr)
					v, err := strconv.ParseUint(ptr[i+1:i+3], 16, 8)
					require.NoError(t, err, "escape in %q", ptr)
					require.Equal(t, strings.ToUpper(ptr[i+1:i+3]), ptr[i+1:i+3], "escapes are upper case")
					b.WriteByte(byte(v))
					i += 2
				}
				raw = b.String()
			}
			if len(want) == 0 {
				require.Equal(t, "", raw, "a path without tokens is the whole document")
			} else {
				require.True(t, strings.HasPrefix(raw, "/"), "%q", raw)
				segs := strings.Split(raw[1:], "/")
				require.Len(t, segs, len(want), "pointer %q of %q", raw, path)
				for i, s := range segs {
					s = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
					tok := want[i]
					if !fragment {
						tok = sanitized(tok) // a JSON string holds valid UTF-8
					}
					require.Equal(t, tok, s, "token %d of %q", i, path)
				}
			}
			back, ok := pointerToPath(ptr, fragment)
			require.True(t, ok, "%q does not read back", ptr)
			var again string
			require.NoError(t, json.Unmarshal(append(append([]byte{'"'}, appendPointer(nil, back, fragment)...), '"'), &again))
			require.Equal(t, ptr, again, "path %q read back from %q", back, ptr)
		}
	})
}

// fuzzCodes are the codes FuzzRoundTrip and FuzzEncodeHostile pick from:
// built-in ones, ones the presets spell differently, a domain one and one
// that no table declares.
var fuzzCodes = []Code{
	CodeNotFound, CodeValidation, CodeInvalidRequest, CodeInternal, CodeUnauthorized,
	CodeForbidden, CodeRateLimited, CodeUnprocessable, CodeConflict, "subscription_required", "never_heard_of",
}

// fuzzField reports whether s is a field path that every shape carries
// unchanged, a JSON Pointer included: valid UTF-8 of at most 64 bytes, in
// the form a pointer reads back as. Names are dotted, hold no '.', '[' or
// ']' and are not all digits (a pointer cannot tell "a.2" from "a[2]");
// indexes, keys that are not such names, and empty keys are in brackets,
// such as items[2] and labels[a.b].
func fuzzField(s string) bool {
	if s == "" || len(s) > 64 || !utf8.ValidString(s) {
		return false
	}
	for i := 0; i < len(s); {
		if s[i] == '[' {
			end := -1
			for j := i + 1; j < len(s) && end < 0; j++ {
				if s[j] == ']' && (j+1 == len(s) || s[j+1] == '.' || s[j+1] == '[') {
					end = j
				}
			}
			if end < 0 {
				return false
			}
			key := s[i+1 : end]
			if key != "" && !allDigits(key) && !strings.ContainsAny(key, ".[]") {
				return false // a plain name reads back dotted
			}
			i = end + 1
			continue
		}
		if i > 0 {
			if s[i] != '.' {
				return false
			}
			i++
		}
		n := strings.IndexAny(s[i:], ".[]")
		if n < 0 {
			n = len(s) - i
		}
		name := s[i : i+n]
		if name == "" || allDigits(name) || (i+n < len(s) && s[i+n] == ']') {
			return false
		}
		i += n
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// shapeFields is how a format's Body carries field errors.
type shapeFields uint8

const (
	noFields      shapeFields = iota // not at all
	joinedFields                     // a map from path to a string: a path's messages joined with "; "
	groupedFields                    // a map from path to an array of its messages
	listedFields                     // an array with one element per field error, in order
)

// shape is a format with what its Body carries, read off the Body: the
// oracle FuzzRoundTrip and FuzzEncodeHostile hold the parser to.
type shape struct {
	f      Format
	fields shapeFields
	// fieldCodes: the field errors carry their codes.
	fieldCodes bool
	// dropsWithFields: with field errors the body carries them alone, not
	// the error's code and message.
	dropsWithFields bool
	// messageWithFields: the message is carried beside field errors.
	messageWithFields bool
	// numeric: {{code}} is a number; a code without an integer Wire
	// travels as its category's.
	numeric bool
	// status is how the body writes the status, as a format for
	// fmt.Sprintf; "" when it does not.
	status string
}

// presetShapes are the built-in formats.
func presetShapes() []shape {
	return []shape{
		{f: FlatFormat(), fields: joinedFields, messageWithFields: true},
		{f: NullDetailsFormat(), fields: joinedFields, messageWithFields: true},
		{f: PrefixedUpperFormat(), fields: groupedFields, dropsWithFields: true},
		{f: NestedFormat(), fields: groupedFields, messageWithFields: true},
		{f: MessageFirstFormat(), fields: joinedFields, messageWithFields: true},
		{f: ProblemFormat(), fields: listedFields, fieldCodes: true, messageWithFields: true, status: `"status":%d`},
	}
}

// apiShapes are formats written as Body templates in the shapes of public
// APIs' error bodies.
func apiShapes() []shape {
	// Every built-in code gets an integer, its status and position; the
	// table's domain codes have none and travel as their category.
	numbers := map[Code]FormatCode{}
	var builtIn *Codes
	for i, info := range builtIn.List() {
		numbers[info.Code] = FormatCode{Wire: strconv.Itoa(info.Status*100 + i)}
	}
	return []shape{
		{
			// JSON:API: a list of error objects, one per field error, each
			// with the status as a string and a pointer into the document.
			f: Format{
				Name:      "jsonapi",
				MediaType: "application/vnd.api+json",
				Body: `{"errors": [{"status": "{{status}}", "code": "{{code}}",
					"detail": "{{field.message}}" | "{{message}}",
					"source": {"pointer": "/data/attributes{{field.pointer}}"}}]}`,
			},
			fields: listedFields, status: `"status":"%d"`,
		},
		{
			// A numeric code, every built-in code numbered.
			f: Format{
				Name:  "numeric",
				Body:  `{"code": {{code}}, "message": "{{message}}", "details": [] }`,
				Codes: numbers,
			},
			fields: noFields, numeric: true, messageWithFields: true,
		},
		{
			// PascalCase codes nested under "error", with a target and a
			// list of details, one per field error.
			f: Format{
				Name: "pascal-target",
				Body: `{"error": {"code": "{{code | pascal}}", "message": "{{message}}", "target": "{{field}}",
					"details": [{"code": "{{field.code}}", "target": "{{field}}", "message": "{{field.message}}"}]}}`,
			},
			fields: listedFields, fieldCodes: true, messageWithFields: true,
		},
		{
			// The HTTP status as a number named "code", the code in upper
			// case as "status", field violations in a typed detail; two
			// codes share a spelling, the Primary one decoding it.
			f: Format{
				Name: "status-code",
				Body: `{"error": {"code": {{status}}, "message": "{{message}}", "status": "{{code | upper}}",
					"details": {"@type": "type.googleapis.com/google.rpc.BadRequest",
					            "fieldViolations": [{"field": "{{field}}", "description": "{{field.message}}"}]}}}`,
				Codes: map[Code]FormatCode{
					CodeValidation:         {Wire: "INVALID_ARGUMENT"},
					CodeUnauthorized:       {Wire: "UNAUTHENTICATED"},
					CodeForbidden:          {Wire: "PERMISSION_DENIED"},
					CodeRateLimited:        {Wire: "RESOURCE_EXHAUSTED"},
					CodeConflict:           {Wire: "ABORTED"},
					CodeUnprocessable:      {Wire: "FAILED_PRECONDITION"},
					CodePreconditionFailed: {Wire: "FAILED_PRECONDITION", Primary: true},
				},
				RequestIDHeader: "X-Trace-Id",
			},
			fields: listedFields, messageWithFields: true, status: `"code":%d`,
		},
		{
			// The status as a string at the top level, kebab-case codes and
			// a list of field errors with their codes.
			f: Format{
				Name: "status-string",
				Body: `{"status": "{{status}}", "code": "{{code | kebab}}", "title": "{{title}}", "detail": "{{message}}",
					"errors": [{"field": "{{field}}", "code": "{{field.code}}", "message": "{{field.message}}"}],
					"trace_id": "{{requestId}}"}`,
				Codes: map[Code]FormatCode{CodeValidation: {Status: 422}},
			},
			fields: listedFields, fieldCodes: true, messageWithFields: true, status: `"status":"%d"`,
		},
	}
}

// wantStatus is the status e renders with in s: its own, else the format's
// for its code, else the table's, else 500.
func (s shape) wantStatus(table *Codes, e *APIError, own int) int {
	if own != 0 {
		return own
	}
	if fc := s.f.Codes[e.Code()]; fc.Status != 0 {
		return fc.Status
	}
	if info, ok := table.Lookup(e.Code()); ok {
		return info.Status
	}
	return 500
}

// wantCode is the code a client reads from e rendered in s at status.
func (s shape) wantCode(table *Codes, e *APIError, status int) Code {
	if s.dropsWithFields && len(e.Fields()) > 0 {
		vs := 400
		if fc := s.f.Codes[CodeValidation]; fc.Status != 0 {
			vs = fc.Status
		}
		if status == vs {
			return CodeValidation
		}
		return CodeForStatus(status)
	}
	c := e.Code()
	fc, own := s.f.Codes[c]
	if s.numeric && fc.Wire == "" {
		return CodeForStatus(status)
	}
	if own && fc.Wire != "" && !fc.Primary {
		for other, ofc := range s.f.Codes {
			if other != c && ofc.Wire == fc.Wire && ofc.Primary {
				return other
			}
		}
	}
	return c
}

// wantFields is what the field errors of e (with the messages they are
// rendered with) read back as in s.
func (s shape) wantFields(fields []FieldError) []FieldError {
	if len(fields) == 0 || s.fields == noFields {
		return nil
	}
	var out []FieldError
	switch s.fields {
	case listedFields:
		for _, f := range fields {
			fe := FieldError{Field: f.Field, Message: f.Message}
			if s.fieldCodes {
				fe.Code = f.Code
			}
			out = append(out, fe)
		}
	case joinedFields, groupedFields:
		var order []string
		byPath := map[string][]string{}
		for _, f := range fields {
			if _, ok := byPath[f.Field]; !ok {
				order = append(order, f.Field)
			}
			byPath[f.Field] = append(byPath[f.Field], f.Message)
		}
		for _, p := range order {
			if s.fields == joinedFields {
				out = append(out, FieldError{Field: p, Message: strings.Join(byPath[p], "; ")})
				continue
			}
			for _, m := range byPath[p] {
				out = append(out, FieldError{Field: p, Message: m})
			}
		}
	}
	return out
}

// wantMessage is the public message of an error of code with the explicit
// message msg (possibly empty) at status, as a client reads it.
func wantMessage(table *Codes, code Code, status int, msg string) string {
	if msg != "" {
		return sanitized(truncateMessage(msg))
	}
	if info, ok := table.Lookup(code); ok {
		return info.Message
	}
	info, _ := table.Lookup(CodeForStatus(status))
	return info.Message
}

// fieldTriples reduces field errors to what the shapes carry.
func fieldTriples(fs []FieldError) [][3]string {
	out := make([][3]string, len(fs))
	for i, f := range fs {
		out[i] = [3]string{f.Field, f.Code, f.Message}
	}
	return out
}

// FuzzRoundTrip checks that whatever a format writes, a Parser given that
// one format and the same Codes reads back to the same code, status, field
// errors (paths, bracketed map keys included, and messages and codes where
// the shape carries them), message where carried and request ID: for every
// preset, and for formats written as Body templates in the shapes of
// public APIs. The presets are also read back by a parser that detects the
// format among all of them. ci picks the code (and, from its high bits, a
// field code); f1 and f2 are field paths, used when they are in the form a
// pointer reads back as.
func FuzzRoundTrip(f *testing.F) {
	f.Add(uint8(0), "Flag not found", "", "", "", "")
	f.Add(uint8(1), "Check the fields.", "email", "is required", "items.sku", "must not be empty")
	f.Add(uint8(2), "", "email", "a", "email", "b; c")
	f.Add(uint8(5), "<script>&\u2028", "name", "\"quoted\"\n", "", "")
	f.Add(uint8(9), "naïve ✓", "user.email", "", "user.email", "taken")
	f.Add(uint8(0x41), "", "labels[a.b]", "", "items[2].sku", "too long")
	f.Add(uint8(7), "x", "[0].a~b/c", "%", "m[é x]y]", "")
	f.Add(uint8(10), "", "a[]", "", "a[]", "")
	table := testCodes(f)
	shapes := append(presetShapes(), apiShapes()...)
	type target struct {
		shape
		w      *Writer
		p      *Parser
		preset bool
	}
	targets := make([]target, len(shapes))
	for i, s := range shapes {
		p, err := NewParser(ParserOptions{Formats: []Format{s.f}, Codes: table})
		require.NoError(f, err, s.f.Name)
		targets[i] = target{s, newWriter(f, WriterOptions{Format: s.f, Codes: table}), p, i < len(Presets())}
	}
	detect, err := NewParser(ParserOptions{Codes: table})
	require.NoError(f, err)
	fieldText := func(fe FieldError) string {
		key := fe.Code
		if fe.Message != "" {
			return fe.Message
		}
		if m, ok := builtinFieldsEN()[key]; ok && key != "" {
			return m.Text
		}
		return builtinFieldsEN()["invalid"].Text
	}
	f.Fuzz(func(t *testing.T, ci uint8, msg, f1, m1, f2, m2 string) {
		if !utf8.ValidString(msg) || !utf8.ValidString(m1) || !utf8.ValidString(m2) || len(msg)+len(m1)+len(m2) > 4096 {
			return
		}
		code := fuzzCodes[int(ci)%len(fuzzCodes)]
		e := New(code, msg)
		own := 0
		if code == "never_heard_of" {
			own = 400 + int(ci)%100
			e = e.WithStatus(own)
		}
		var rendered []FieldError // the field errors with the messages they render with
		if fuzzField(f1) {
			fe := FieldError{Field: f1, Message: m1}
			if ci&0x40 != 0 {
				fe.Code = "required"
			}
			e = e.WithFields(fe)
			fe.Message = fieldText(fe)
			rendered = append(rendered, fe)
		}
		if fuzzField(f2) {
			e = e.WithField(f2, m2)
			rendered = append(rendered, FieldError{Field: f2, Message: fieldText(FieldError{Message: m2})})
		}
		r := httptest.NewRequest(http.MethodGet, "/things/1", nil)
		r = r.WithContext(ContextWithRequestID(r.Context(), "req_f"))
		for _, tg := range targets {
			name := tg.f.Name
			h := http.Header{}
			status, body := tg.w.Render(h, r, e)
			wantStatus := tg.wantStatus(table, e, own)
			if status != wantStatus {
				t.Fatalf("%s: rendered status %d, want %d; body %s", name, status, wantStatus, body)
			}
			if tg.status != "" && !bytes.Contains(body, []byte(fmt.Sprintf(tg.status, status))) {
				t.Fatalf("%s: body does not hold the status %d: %s", name, status, body)
			}
			parsers := []*Parser{tg.p}
			if tg.preset {
				parsers = append(parsers, detect)
			}
			for pi, p := range parsers {
				how := name
				if pi > 0 {
					how += " (detected among the presets)"
				}
				got := p.Parse(status, h, body)
				if got == nil {
					t.Fatalf("%s: nil; body %s", how, body)
				}
				if got.Unwrap() != nil {
					t.Fatalf("%s: not read as an envelope: %v; body %s", how, got.Unwrap(), body)
				}
				if got.Status() != status {
					t.Fatalf("%s: status %d, want %d; body %s", how, got.Status(), status, body)
				}
				if want := tg.wantCode(table, e, status); got.Code() != want {
					t.Fatalf("%s: code %q, want %q; body %s", how, got.Code(), want, body)
				}
				if len(rendered) == 0 || tg.messageWithFields {
					if want := wantMessage(table, code, status, msg); got.Message() != want {
						t.Fatalf("%s: message %q, want %q; body %s", how, got.Message(), want, body)
					}
				}
				want, gotFields := fieldTriples(tg.wantFields(rendered)), fieldTriples(got.Fields())
				if len(want) != len(gotFields) {
					t.Fatalf("%s: fields %q, want %q; body %s", how, gotFields, want, body)
				}
				for k := range want {
					if want[k] != gotFields[k] {
						t.Fatalf("%s: field %d %q, want %q; body %s", how, k, gotFields[k], want[k], body)
					}
				}
				if got.RequestID() != "req_f" {
					t.Fatalf("%s: request ID %q; body %s", how, got.RequestID(), body)
				}
			}
		}
	})
}

// FuzzDecode checks that any response parses, with the default parser, to
// a usable error without panicking: 2xx is no error; any other status an
// error of status 400–599 (an impossible one as bad_gateway) whose code
// falls under a built-in category; a body that is not an envelope leaks
// nothing into the message.
func FuzzDecode(f *testing.F) {
	f.Add(404, "application/json", []byte(`{"code":"not_found","message":"x"}`))
	f.Add(422, "application/problem+json", []byte(`{"type":"about:blank","status":422,"errors":[{"pointer":"#/a/0","detail":"x"}]}`))
	f.Add(502, "text/html", []byte(`<html>bad gateway</html>`))
	f.Add(401, "application/json", []byte(`{"error":{"code":"authentication_failed","details":{"a":[1,"b"]}}}`))
	f.Add(400, "application/json", []byte(`{"errors":{"title":["x"]},"error":"ERROR_CODE_X"}`))
	f.Add(304, "application/json", []byte(`{"code":"not_found","message":"x","requestId":"a\r\nb"}`))
	f.Fuzz(func(t *testing.T, status int, ctype string, body []byte) {
		h := http.Header{"Content-Type": {ctype}}
		e := Parse(status, h, body)
		if status >= 200 && status <= 299 {
			if e != nil {
				t.Fatal("2xx parsed as an error")
			}
			return
		}
		if e == nil {
			t.Fatal("nil error")
		}
		s := e.Status()
		if s < 400 || s > 599 {
			t.Fatalf("status %d", s)
		}
		if (status < 400 || status > 599) && s != http.StatusBadGateway {
			t.Fatalf("status %d of a %d response, want 502", s, status)
		}
		if e.Code() == "" || builtin(e.Category()) == nil {
			t.Fatalf("code %q, category %q", e.Code(), e.Category())
		}
		if !utf8.ValidString(e.Message()) {
			t.Fatalf("message %q is not UTF-8", e.Message())
		}
		if e.Unwrap() != nil && e.Message() != defaultMessage(e.Code()) {
			t.Fatalf("a body that is not an envelope leaked into the message: %q", e.Message())
		}
		for k, vs := range e.Header() {
			for _, v := range vs {
				if !validHeaderValue(v) {
					t.Fatalf("kept header %s: %q", k, v)
				}
			}
		}
		_ = e.Fields()
		_ = e.Extensions()
		_, _ = e.RetryAfter()
		_ = e.Error()
	})
}

// FuzzTraceparent holds traceID to the grammar: a value is accepted exactly
// when an independent regular expression of it matches (version 00 exactly
// 55 bytes, a higher version with anything after a "-", never ff, non-zero
// trace-id and parent-id), and then the ID is its trace-id, which is always
// a safe request ID.
func FuzzTraceparent(f *testing.F) {
	f.Add("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	f.Add("00-00000000000000000000000000000000-00f067aa0ba902b7-01")
	f.Add("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")
	f.Add("00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01")
	f.Add("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra")
	f.Add("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01extra")
	f.Add("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	f.Add("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0\n")
	f.Fuzz(func(t *testing.T, v string) {
		id, ok := traceID(v)
		want, wantOK := wantTraceID(v)
		if ok != wantOK {
			t.Fatalf("traceID(%q) ok=%v, want %v", v, ok, wantOK)
		}
		if id != want {
			t.Fatalf("traceID(%q) = %q, want %q", v, id, want)
		}
		if ok && !safeIDRE.MatchString(id) {
			t.Fatalf("trace-id %q is not a safe request ID", id)
		}
	})
}

// FuzzRequestIDIncoming: whatever a client sends, the ID is the
// traceparent's trace-id when valid, else exactly what it sent when safe,
// else a fresh UUIDv4, never a cleaned-up variant; the response header
// value is the same.
func FuzzRequestIDIncoming(f *testing.F) {
	f.Add("req-1", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	f.Add("a\nb", "00-00000000000000000000000000000000-00f067aa0ba902b7-01")
	f.Add(strings.Repeat("x", 200), "")
	c := newRequestIDConfig(RequestIDOptions{Traceparent: true}, nil)
	f.Fuzz(func(t *testing.T, id, tp string) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header["X-Request-Id"] = []string{id}
		r.Header["Traceparent"] = []string{tp}
		rc, r2 := c.begin(r)
		got := rc.st.id
		if want := wantRequestID(id, tp, true); want != "" {
			assert.Equal(t, want, got)
		} else {
			assert.Regexp(t, uuidV4RE, got)
		}
		assert.Equal(t, got, rc.hdr[0])
		assert.Equal(t, got, RequestIDFrom(r2.Context()))
		assert.Empty(t, RequestIDFrom(r.Context()), "the incoming request is untouched")
	})
}

// FuzzRequestIDMiddleware sends arbitrary X-Request-Id and traceparent
// values through the whole chain, to a handler that fails, and checks
// every place the ID goes: the response header, the error body and the log
// record. Each holds the same ID, which is the traceparent's trace-id (when
// configured and valid), else exactly what the client sent (when safe),
// else a fresh UUIDv4; an unsafe value appears nowhere.
func FuzzRequestIDMiddleware(f *testing.F) {
	f.Add("req-1", "", false)
	f.Add("a\r\nSet-Cookie: x=1", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", true)
	f.Add("\x00\u202e\xff", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n", true)
	f.Add(strings.Repeat("x", 129), "", false)
	f.Add("<script>", "", false)
	rec, logger := newLogRecorder()
	ew := newWriter(f, WriterOptions{Logger: logger})
	chains := map[bool]http.Handler{}
	for _, tp := range []bool{false, true} {
		chains[tp] = chainFor(f, ew, MiddlewareOptions{RequestID: RequestIDOptions{Traceparent: tp}}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			Write(w, r, Internal("x"))
		}))
	}
	f.Fuzz(func(t *testing.T, id, tp string, useTP bool) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header["X-Request-Id"] = []string{id}
		r.Header["Traceparent"] = []string{tp}
		w := httptest.NewRecorder()
		rec.mu.Lock()
		rec.records = rec.records[:0]
		rec.mu.Unlock()
		chains[useTP].ServeHTTP(w, r)

		got := w.Header().Values("X-Request-Id")
		if len(got) != 1 || !safeIDRE.MatchString(got[0]) {
			t.Fatalf("response header %q", got)
		}
		sent := got[0]
		if want := wantRequestID(id, tp, useTP); want != "" {
			if sent != want {
				t.Fatalf("ID %q, want %q (sent %q, traceparent %q)", sent, want, id, tp)
			}
		} else if !uuidV4RE.MatchString(sent) {
			t.Fatalf("ID %q is not a fresh UUIDv4 (sent %q, traceparent %q)", sent, id, tp)
		}
		var body struct {
			RequestID string `json:"requestId"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.RequestID != sent {
			t.Fatalf("body %q, want request ID %q (%v)", w.Body.Bytes(), sent, err)
		}
		logs := rec.all()
		if len(logs) == 0 {
			t.Fatal("no log record")
		}
		for _, l := range logs {
			if l.attrs["requestId"] != sent {
				t.Fatalf("logged request ID %q, want %q", l.attrs["requestId"], sent)
			}
		}
		for k, vs := range w.Header() {
			for _, v := range vs {
				if !validHeaderValue(v) || !utf8.ValidString(v) {
					t.Fatalf("header %s: %q", k, v)
				}
			}
		}
	})
}

// FuzzEncodeHostile renders errors built from arbitrary bytes (invalid
// UTF-8, control and bidi characters included), with any status, in every
// preset, through [Writer.Write]. Whatever the input, the status is an
// error status, every header value is clean, the body is valid JSON and
// valid UTF-8 without raw '<', '>' or '&', and a client that detects the
// format among the presets reads it back to the same code and message
// (with invalid bytes replaced, as any JSON decoder would) where the shape
// carries it.
func FuzzEncodeHostile(f *testing.F) {
	f.Add(uint8(0), 404, "Flag not found", "email", "is required", "d")
	f.Add(uint8(1), 0, "\xff\xfe\x00", "a.b", "\r\n", "\u202e")
	f.Add(uint8(2), 99, "<script>&\u2028", "", "", strings.Repeat("é", 300))
	f.Add(uint8(3), 1000, "\u202egnp.exe", "items.sku", "\x00", "\xed\xa0\x80")
	f.Add(uint8(4), 422, "", "x", "", "")
	f.Add(uint8(5), -1, "\"}],\"code\":\"evil", "code", "\"", "\\")
	f.Add(uint8(0x89), 418, "ERROR_CODE_NOT_FOUND", "labels[a.b]", "x", "y")
	table := testCodes(f)
	shapes := presetShapes()
	ews := make([]*Writer, len(shapes))
	for i, s := range shapes {
		ews[i] = newWriter(f, WriterOptions{Format: s.f, Codes: table})
	}
	p, err := NewParser(ParserOptions{Codes: table})
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, ci uint8, status int, msg, field, fieldMsg, detail string) {
		code := fuzzCodes[int(ci)%len(fuzzCodes)]
		e := New(code, msg).WithDetails(map[string]any{"d": detail, "n": []any{detail, map[string]string{detail: detail}}})
		own := 0
		if ci&0x80 != 0 {
			e = e.WithStatus(status)
			own = status
			if !isErrorStatusFuzz(status) {
				own = 500
			}
		}
		if fuzzField(field) {
			e = e.WithField(field, fieldMsg)
		}
		for i, ew := range ews {
			name := shapes[i].f.Name
			w := httptest.NewRecorder()
			ew.Write(w, httptest.NewRequest(http.MethodGet, "/", nil), e)
			if want := shapes[i].wantStatus(table, e, own); w.Code != want {
				t.Fatalf("%s: status %d, want %d", name, w.Code, want)
			}
			for k, vs := range w.Header() {
				for _, v := range vs {
					if !validHeaderValue(v) {
						t.Fatalf("%s: header %s: %q", name, k, v)
					}
				}
			}
			body := w.Body.Bytes()
			if !json.Valid(body) || !utf8.Valid(body) || bytes.ContainsAny(body, "<>&") {
				t.Fatalf("%s: body %q", name, body)
			}
			got := p.Parse(w.Code, w.Header(), body)
			if got == nil || got.Unwrap() != nil {
				t.Fatalf("%s: not read back as an envelope: %v; body %s", name, got, body)
			}
			if want := shapes[i].wantCode(table, e, w.Code); got.Code() != want {
				t.Fatalf("%s: code %q, want %q; body %s", name, got.Code(), want, body)
			}
			if len(e.Fields()) == 0 || shapes[i].messageWithFields {
				if want := wantMessage(table, code, w.Code, msg); got.Message() != want {
					t.Fatalf("%s: message %q, want %q; body %s", name, got.Message(), want, body)
				}
			}
		}
	})
}

// isErrorStatusFuzz is the range of statuses an error response may carry,
// restated for the oracle.
func isErrorStatusFuzz(s int) bool { return s >= 400 && s <= 599 }

// FuzzAcceptLanguage sends arbitrary Accept-Language values (one or two
// header lines) through [Writer.Write] with the built-in localizer.
// Whatever the header, the response is in one offered language: its
// Content-Language names it, is the language [Localizer.Negotiate] picks,
// and the body carries that language's message for the code.
func FuzzAcceptLanguage(f *testing.F) {
	for _, s := range []string{"", "de", "pt-PT;q=0.9, *", "xx, ja;q=0.1", ";;;", "de-" + strings.Repeat("a-", 40), "\xff,fr", "fr;q=0", "en;q=1.0001, es"} {
		f.Add(s, "")
	}
	f.Add("de;q=0.1", "fr;q=0.9")
	loc, err := NewLocalizer(LocalizerOptions{})
	require.NoError(f, err)
	ew := newWriter(f, WriterOptions{Localizer: loc})
	messages := map[string]string{}
	for _, lm := range loc.langs {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Accept-Language", lm.tag.String())
		w := httptest.NewRecorder()
		ew.Write(w, r, NotFound(""))
		var body struct{ Message string }
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Message == "" {
			f.Fatalf("%s: %s", lm.tag, w.Body.Bytes())
		}
		messages[lm.tag.String()] = body.Message
	}
	require.Len(f, messages, len(loc.langs), "one message per language")
	f.Fuzz(func(t *testing.T, v1, v2 string) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header["Accept-Language"] = []string{v1}
		if v2 != "" {
			r.Header["Accept-Language"] = append(r.Header["Accept-Language"], v2)
		}
		w := httptest.NewRecorder()
		ew.Write(w, r, NotFound(""))
		cl := w.Header().Values("Content-Language")
		want := loc.Negotiate(r).String()
		if len(cl) != 1 || cl[0] != want {
			t.Fatalf("Content-Language %q, negotiated %q", cl, want)
		}
		var body struct{ Message string }
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		if body.Message != messages[want] {
			t.Fatalf("message %q, want %q (%s)", body.Message, messages[want], want)
		}
		if !strings.Contains(strings.Join(w.Header().Values("Vary"), ","), "Accept-Language") {
			t.Fatalf("Vary %q", w.Header().Values("Vary"))
		}
	})
}

// FuzzNegotiate checks that any Accept-Language value negotiates to an
// offered language, the same one with and without the cache, and that the
// header is bounded before it is parsed.
func FuzzNegotiate(f *testing.F) {
	for _, s := range []string{"", "de", "pt-PT;q=0.9, *", "xx, ja;q=0.1", ";;;", "de-" + strings.Repeat("a-", 40), "\xff,fr"} {
		f.Add(s)
	}
	l, err := NewLocalizer(LocalizerOptions{})
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, s string) {
		i := l.negotiate([]string{s})
		require.GreaterOrEqual(t, i, 0)
		require.Less(t, i, len(l.langs))
		require.Equal(t, i, l.match(s))
		require.Equal(t, i, l.negotiate([]string{s}))
		b := boundAcceptLanguage(s)
		require.LessOrEqual(t, len(b), maxAcceptLanguageBytes)
		require.LessOrEqual(t, strings.Count(b, ",")+1, maxAcceptLanguageEntries)
	})
}

// fuzzCatalog is a catalog with arguments, plural forms and a literal '%'.
const fuzzCatalog = `{
  "en": {
    "codes": {
      "quota_exceeded": "Your plan allows {0} projects; you have {1}. That is 100% of it.",
      "not_found": "Nothing here."
    },
    "fields": {
      "slug": {"count": 0, "=0": "must be empty", "one": "must be {0} character", "other": "must be {0} characters"}
    },
    "library": {"body_limit": "At most {0} bytes, please."}
  },
  "de": {
    "codes": {"quota_exceeded": "Ihr Tarif erlaubt {0} Projekte; Sie haben {1}."}
  }
}`

// FuzzLoadCatalog checks that any input either loads or fails with an
// "envelope: invalid catalog" error, and that a loaded catalog either
// builds a Localizer whose messages, library messages included, print
// without formatting artefacts, whatever the arguments, or fails the same
// way.
func FuzzLoadCatalog(f *testing.F) {
	f.Add(fuzzCatalog, "%d {0}")
	f.Add(`{"de": {"codes": {"x": "{0}{1}%"}, "fields": {"a": {"count": 1, "=2": "{1}", "other": "{{}"}}}}`, "%[1]v")
	f.Add(`{"fr": {"fields": {"a": "{"}}}`, "")
	f.Add(`{"ja": {"fields": {"a": {"one": "x", "other": "y"}}}}`, "")
	invalid := func(t *testing.T, err error) {
		t.Helper()
		require.True(t, errors.Is(err, errInvalidCatalog), err)
		require.True(t, strings.HasPrefix(err.Error(), "envelope: invalid catalog"), err)
	}
	f.Fuzz(func(t *testing.T, data, arg string) {
		c, err := LoadCatalog(strings.NewReader(data))
		if err != nil {
			invalid(t, err)
			return
		}
		l, err := NewLocalizer(LocalizerOptions{Catalogs: []Catalog{c}})
		if err != nil {
			invalid(t, err)
			return
		}
		args := make([]any, maxArgs)
		for i := range args {
			if i%2 == 0 {
				args[i] = arg
			} else {
				args[i] = i
			}
		}
		for _, lm := range l.langs {
			for _, ms := range []map[string]*compiledMessage{lm.fields, lm.library} {
				for _, cm := range ms {
					s, ok := cm.print(args)
					require.True(t, ok)
					assert.NotContains(t, strings.ReplaceAll(s, arg, ""), "%!")
				}
			}
			for _, cm := range lm.codes {
				s, ok := cm.print(args)
				require.True(t, ok)
				assert.NotContains(t, strings.ReplaceAll(s, arg, ""), "%!")
			}
		}
	})
}

// fuzzNow has a fractional second so that rounding is exercised.
var fuzzNow = time.Date(2026, 3, 1, 12, 0, 0, 250_000_000, time.UTC)

// FuzzRateLimitSet checks that whatever a limiter reports, every header
// [Writer.SetRateLimit] writes is a single valid field value, the IETF
// fields parse strictly as RFC 9651 lists of the buckets with
// representable names, the legacy numbers are non-negative integers of at
// most 15 digits, and Retry-After parses in its configured form within
// [1s, cap].
func FuzzRateLimitSet(f *testing.F) {
	f.Add("per-key", int64(100), int64(5), int64(time.Minute), int64(30*time.Second), false, uint8(0))
	f.Add(`q"\`, int64(-1), int64(-7), int64(-1), int64(-time.Hour), true, uint8(5))
	f.Add("\xff\x00", int64(math.MaxInt64), int64(math.MinInt64), int64(math.MaxInt64), int64(math.MaxInt64), true, uint8(2))
	f.Add("", int64(0), int64(0), int64(0), int64(0), true, uint8(7))
	ews := make([]*Writer, 6)
	for style := range ews {
		ews[style] = newWriter(f, WriterOptions{RateLimit: RateLimitOptions{
			Reset:          ResetStyle(style % 3),
			RetryAfterDate: style/3%2 == 1,
			MaxRetryAfter:  time.Hour,
			Now:            func() time.Time { return fuzzNow },
		}})
	}
	f.Fuzz(func(t *testing.T, policy string, limit, remaining, window, resetNs int64, denied bool, style uint8) {
		dates := style/3%2 == 1
		ew := ews[int(style%3)+3*int(style/3%2)]
		b := Bucket{Policy: policy, Limit: limit, Window: time.Duration(window), Remaining: remaining, Reset: fuzzNow.Add(time.Duration(resetNs)), Denied: denied}
		other := Bucket{Policy: "other", Limit: 3, Remaining: 1}
		h := http.Header{}
		ew.SetRateLimit(h, b, other)
		for k, vs := range h {
			require.Len(t, vs, 1, k)
			require.True(t, validHeaderValue(vs[0]), "%s: %q", k, vs[0])
		}
		for _, k := range []string{"X-Ratelimit-Limit", "X-Ratelimit-Remaining", "X-Ratelimit-Reset"} {
			require.Regexp(t, `^[0-9]{1,15}$`, h.Get(k), k)
		}
		items, err := parseSFList(h.Get("RateLimit-Policy"))
		require.NoError(t, err, h.Get("RateLimit-Policy"))
		ritems, err := parseSFList(h.Get("RateLimit"))
		require.NoError(t, err, h.Get("RateLimit"))
		want := []string{"other"}
		if printableASCII(policy) {
			name := policy
			if name == "" {
				name = "default"
			}
			want = []string{name, "other"}
		}
		require.Len(t, items, len(want))
		require.Len(t, ritems, len(want))
		for i := range want {
			assert.Equal(t, want[i], items[i].name)
			assert.Equal(t, want[i], ritems[i].name)
		}
		ra := h.Get("Retry-After")
		if !denied {
			require.Empty(t, ra)
			return
		}
		if dates {
			at, err := http.ParseTime(ra)
			require.NoError(t, err, ra)
			d := at.Sub(fuzzNow)
			require.True(t, d >= time.Second && d <= time.Hour+time.Second, "%s is %s away", ra, d)
			return
		}
		secs, err := strconv.ParseInt(ra, 10, 64)
		require.NoError(t, err, ra)
		require.True(t, secs >= 1 && secs <= 3600, ra)
	})
}

// printableASCII reports whether s can be an RFC 9651 sf-string.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// headerCase is one input of FuzzWithHeader: the error to render and the
// header it carries.
type headerCase struct {
	err         *APIError
	name, value string
}

// headerKinds are the errors FuzzWithHeader puts a header on: each status
// whose headers Write treats specially (the 401 challenge, the 405 Allow,
// the 413 that closes the connection), and two plain ones.
var headerKinds = []struct {
	code   Code
	status int
	err    func() *APIError
}{
	{CodeNotFound, 404, func() *APIError { return NotFound("") }},
	{CodeUnauthorized, 401, func() *APIError { return Unauthorized("") }},
	{CodePayloadTooLarge, 413, func() *APIError { return PayloadTooLarge("") }},
	{CodeMethodNotAllowed, 405, func() *APIError { return MethodNotAllowed("", "GET") }},
	{CodeConflict, 409, func() *APIError { return Conflict("x").WithDetails(map[string]int{"v": 1}) }},
}

// FuzzWithHeader drives arbitrary header names and values set with
// WithHeader through Write on a real server, over a raw connection that
// asks twice, and checks what a client relies on, whatever the header: the
// response parses; its body, framed by the Content-Length net/http set, is
// the envelope of the error's code with the request ID of the header;
// Content-Type is the format's and nosniff is there; no framing or
// hop-by-hop header other than net/http's own reaches the client; the
// connection is still in step, so the second response parses too (unless
// the first, a 413, closed it). A header an error may set arrives as set.
// kind picks the error (the low bits) and the method (HEAD when the high
// bit is set).
func FuzzWithHeader(f *testing.F) {
	for _, s := range []struct {
		name, value string
		kind        uint8
	}{
		{"X-Custom", "ok", 0},
		{"Content-Length", "2", 0},
		{"Content-Length", "99999", 4},
		{"Transfer-Encoding", "gzip", 0},
		{"Connection", "close", 0},
		{"Connection", "Content-Type", 3},
		{"WWW-Authenticate", "", 1},
		{"www-authenticate", " , ", 1},
		{"Content-Type", "text/html", 4},
		{"X-Content-Type-Options", "", 0},
		{"Trailer", "X-Late", 0x80},
		{"Proxy-Authenticate", "Basic", 2},
		{"X-Request-Id", "forged", 0},
		{"Bad Name", "v", 0},
		{"X-Next", "a\r\nSet-Cookie: x=1", 0},
		{"X-Obs", "caf\xe9\t", 0x81},
		{"Allow", "", 3},
	} {
		f.Add(s.name, s.value, s.kind)
	}

	var cases sync.Map // request path -> headerCase
	var next atomic.Int64
	mw, err := Middleware(MiddlewareOptions{Writer: newWriter(f, WriterOptions{})})
	if err != nil {
		f.Fatal(err)
	}
	srv := httptest.NewServer(mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := cases.Load(r.URL.Path)
		if !ok {
			Write(w, r, Gone(""))
			return
		}
		hc := c.(headerCase)
		Write(w, r, hc.err.WithHeader(hc.name, hc.value))
	})))
	f.Cleanup(srv.Close)

	f.Fuzz(func(t *testing.T, name, value string, kind uint8) {
		k := headerKinds[int(kind&0x7f)%len(headerKinds)]
		method := http.MethodGet
		if kind&0x80 != 0 {
			method = http.MethodHead
		}
		path := "/" + strconv.FormatInt(next.Add(1), 10)
		cases.Store(path, headerCase{k.err(), name, value})
		defer cases.Delete(path)

		c, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(waitBound)) // a failure guard only
		if _, err := fmt.Fprintf(c, "%s %s HTTP/1.1\r\nHost: x\r\n\r\nGET /again HTTP/1.1\r\nHost: x\r\n\r\n", method, path); err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(c)
		resp := checkHeaderResponse(t, br, method, k.status, k.code)

		if validHeaderName(name) && validHeaderValue(value) && mayAppear(name, value) {
			want := strings.Trim(value, " \t") // a client trims the optional whitespace
			if got := resp.Header.Values(http.CanonicalHeaderKey(name)); len(got) != 1 || got[0] != want {
				t.Fatalf("header %q: %q, want [%q]", name, got, want)
			}
		}
		if k.status == http.StatusRequestEntityTooLarge {
			if !resp.Close {
				t.Fatal("a 413 must close the connection")
			}
			return
		}
		if resp.Close {
			t.Fatalf("%d closed the connection", k.status)
		}
		checkHeaderResponse(t, br, http.MethodGet, http.StatusGone, CodeGone)
	})
}

// mayAppear reports whether a header the error set must reach the client
// with its value: every valid one except those the writer owns or replaces
// (as APIError.WithHeader lists them, written out here rather than taken
// from the code under test).
func mayAppear(name, value string) bool {
	n := http.CanonicalHeaderKey(name)
	switch n {
	case "Content-Length", "Transfer-Encoding", "Trailer", "Connection", "Keep-Alive", "Te", "Upgrade",
		"Content-Type", "Content-Encoding", "X-Content-Type-Options", "X-Request-Id":
		return false
	case "Www-Authenticate":
		return strings.Trim(value, " \t,") != "" // a blank one holds no challenge
	}
	return !strings.HasPrefix(n, "Proxy-")
}

// checkHeaderResponse reads one response and checks that it is the
// well-framed envelope of code.
func checkHeaderResponse(t *testing.T, br *bufio.Reader, method string, status int, code Code) *http.Response {
	t.Helper()
	resp, err := http.ReadResponse(br, &http.Request{Method: method})
	if err != nil {
		t.Fatalf("the response does not parse: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("the body is not framed: %v (%q)", err, body)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d", resp.StatusCode, status)
	}
	if ct := resp.Header.Values("Content-Type"); len(ct) != 1 || ct[0] != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}
	if v := resp.Header.Values("X-Content-Type-Options"); len(v) != 1 || v[0] != "nosniff" {
		t.Fatalf("X-Content-Type-Options %q", v)
	}
	if len(resp.TransferEncoding) != 0 || len(resp.Trailer) != 0 {
		t.Fatalf("transfer coding %q, trailer %q", resp.TransferEncoding, resp.Trailer)
	}
	for _, k := range []string{"Connection", "Keep-Alive", "Te", "Upgrade", "Trailer", "Content-Encoding", "Proxy-Connection", "Proxy-Authenticate"} {
		if v := resp.Header.Values(k); len(v) != 0 {
			t.Fatalf("%s: %q", k, v)
		}
	}
	id := resp.Header.Values("X-Request-Id")
	if len(id) != 1 || !ValidRequestID(id[0]) {
		t.Fatalf("request ID header %q", id)
	}
	if method == http.MethodHead {
		if len(body) != 0 {
			t.Fatalf("HEAD with a body: %q", body)
		}
		return resp
	}
	if resp.ContentLength != int64(len(body)) {
		t.Fatalf("Content-Length %d for %d bytes", resp.ContentLength, len(body))
	}
	var env struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		RequestID string `json:"requestId"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatalf("body %q: %v", body, err)
	}
	if env.Code != string(code) || env.Message == "" || env.RequestID != id[0] {
		t.Fatalf("envelope %+v, want code %s and request ID %s", env, code, id[0])
	}
	return resp
}
