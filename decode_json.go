package envelope

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"
)

// DecodeJSON decodes the JSON body of r into v with the zero [JSONDecoder]:
// at most 1 MiB, unknown fields rejected, exactly one JSON value. Every error
// it returns is an [*APIError] ready for [Write]; see [JSONDecoder.Decode].
func DecodeJSON(r *http.Request, v any) error {
	return JSONDecoder{}.Decode(r, v)
}

// JSONDecoder decodes request bodies into Go values and reports every
// failure as an [*APIError] a client can act on. The zero value is ready to
// use and strict. It is safe for concurrent use.
type JSONDecoder struct {
	// MaxBytes caps the body. Zero means 1 MiB; negative means no cap
	// (for bodies already capped by the body-limit middleware).
	MaxBytes int64
	// AllowUnknownFields accepts object members that v has no field for.
	// By default they are an invalid_request error naming the member.
	AllowUnknownFields bool
}

// Decode reads r's body into v. It returns nil or an [*APIError], wrapping
// the underlying error as its cause:
//
//   - unsupported_media_type (415) when a Content-Type is present and is
//     neither application/json nor a +json type (a missing one is accepted);
//   - payload_too_large (413) when the body exceeds MaxBytes;
//   - invalid_request (400) for an empty or truncated body, a syntax error
//     (with its byte offset), a value of the wrong type or an unknown member
//     (as a field error naming the field when known), or trailing data.
//
// Messages are written for API clients: they never quote Go type names.
// Decode does not modify r; it reads and does not close r.Body.
func (d JSONDecoder) Decode(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return UnsupportedMediaType("The request body must be JSON (Content-Type: application/json).")
		}
	}
	if r.Body == nil || r.Body == http.NoBody {
		return InvalidRequest("The request body is empty.")
	}
	var body io.Reader = r.Body
	limit := d.MaxBytes
	if limit == 0 {
		limit = 1 << 20
	}
	if limit > 0 {
		body = http.MaxBytesReader(nil, r.Body, limit)
	}
	dec := json.NewDecoder(body)
	if !d.AllowUnknownFields {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return InvalidRequest("The request body is empty.").WithCause(err)
		}
		if e, _ := resolve(err); e != ErrInternal {
			return e
		}
		return Wrap(err, CodeInvalidRequest, "The request body could not be decoded.")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			e, _ := resolve(err)
			return e
		}
		return InvalidRequest("The request body must hold a single JSON value.")
	}
	return nil
}

// fromJSONError maps an encoding/json decoding error to an invalid_request
// error, or returns nil when err is not one.
func fromJSONError(err error) *APIError {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return Wrapf(err, CodeInvalidRequest, "The request body is not valid JSON (syntax error at byte %d).", se.Offset)
	case errors.As(err, &te):
		want := jsonTypeName(te.Type)
		if te.Field == "" {
			return Wrapf(err, CodeInvalidRequest, "The request body must be %s.", want)
		}
		return Wrap(err, CodeInvalidRequest, "A field of the request body has the wrong type.").
			WithFieldCode(te.Field, "type", "must be "+want)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return Wrap(err, CodeInvalidRequest, "The request body is truncated.")
	}
	// encoding/json reports unknown fields only as text.
	const prefix = `json: unknown field "`
	if msg := err.Error(); strings.HasPrefix(msg, prefix) && strings.HasSuffix(msg, `"`) {
		name := msg[len(prefix) : len(msg)-1]
		if unq, uerr := unquoteJSON(`"` + name + `"`); uerr == nil {
			name = unq
		}
		return Wrap(err, CodeInvalidRequest, "The request body has an unknown field.").
			WithFieldCode(name, "unknown", "is not a known field")
	}
	return nil
}

func unquoteJSON(s string) (string, error) {
	var out string
	err := json.Unmarshal([]byte(s), &out)
	return out, err
}

// jsonTypeName names, for API clients, the JSON type a Go type decodes from.
func jsonTypeName(t reflect.Type) string {
	if t == nil {
		return "a valid value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "a non-negative integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "a valid value"
}
