package envelope

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
)

// This file is the first step of the write path: it turns any error into
// the *APIError to render.

// errInternal is the error unexpected errors render as: immutable, shared.
var errInternal = &APIError{code: CodeInternal}

// CodeOf returns the code a writer renders err with: the code of the
// [*APIError] in err's chain (through fmt.Errorf's %w and [errors.Join]),
// the code of a known standard error (see [Writer.Write]), or
// [CodeInternal] for any other error, a typed-nil [*APIError] included. It
// returns "" for a nil error. It is how a caller branches on the outcome of
// a call:
//
//	if envelope.CodeOf(err) == envelope.CodeNotFound { ... }
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	e, _ := resolve(err)
	return e.Code()
}

// resolve turns any error into the *APIError to render. unexpected reports
// an error the server did not describe (not an *APIError nor a known
// standard error), whose text must be logged and never sent.
//
// When err holds several API errors (errors.Join), the first found in a
// depth-first walk wins: errors.Join(a, b) renders as a.
//
// An error whose own methods panic while its chain is walked (a typed nil
// of a type whose Error or Unwrap dereferences its receiver) is an
// unexpected error too, never a crash of the caller.
func resolve(err error) (e *APIError, unexpected bool) {
	if err == nil {
		return errInternal, true
	}
	defer func() {
		if recover() != nil {
			e, unexpected = &APIError{code: CodeInternal, cause: err}, true
		}
	}()
	if ae, found := findAPIError(err); found {
		if ae == nil {
			return errInternal, true
		}
		return ae, false
	}
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return &APIError{code: CodePayloadTooLarge, key: keyBodyLimit, args: []any{plainInt(mbe.Limit)}, cause: err}, false
	case errors.Is(err, context.DeadlineExceeded):
		return &APIError{code: CodeTimeout, cause: err}, false
	case errors.Is(err, context.Canceled):
		return &APIError{code: CodeCanceled, cause: err}, false
	}
	if je := fromJSONError(err); je != nil {
		return je, false
	}
	// The cause is for logs and hooks (an OnError reporting what went
	// wrong); it is never rendered.
	return &APIError{code: CodeInternal, cause: err}, true
}

// findAPIError walks err's chain. found is true when an *APIError is in it,
// even a typed nil one.
func findAPIError(err error) (ae *APIError, found bool) {
	for depth := 0; err != nil && depth < 100; depth++ {
		switch x := err.(type) {
		case *APIError:
			return x, true
		case interface{ Unwrap() []error }:
			for _, sub := range x.Unwrap() {
				if ae, found := findAPIError(sub); found {
					return ae, true
				}
			}
			return nil, false
		case interface{ Unwrap() error }:
			err = x.Unwrap()
		default:
			var target *APIError
			if errors.As(err, &target) {
				return target, true
			}
			return nil, false
		}
	}
	return nil, false
}

// fromJSONError maps an encoding/json decoding error to an invalid_request
// error with a library message (see messages.go), or returns nil when err
// is not one.
func fromJSONError(err error) *APIError {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return &APIError{code: CodeInvalidRequest, key: keyJSONSyntax, args: []any{plainInt(se.Offset)}, cause: err}
	case errors.As(err, &te):
		kind := jsonKindOf(te.Type)
		if te.Field == "" {
			key := keyJSONBodyValue
			switch kind {
			case "object":
				key = keyJSONBodyObject
			case "array":
				key = keyJSONBodyArray
			}
			return &APIError{code: CodeInvalidRequest, key: key, cause: err}
		}
		return &APIError{code: CodeInvalidRequest, key: keyJSONFieldType, cause: err,
			fields: []FieldError{WrongType(te.Field, te.Type)}}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &APIError{code: CodeInvalidRequest, key: keyJSONTruncated, cause: err}
	}
	// encoding/json reports unknown fields only as text, the name quoted
	// as Go quotes strings (strconv.Quote).
	const prefix = `json: unknown field `
	if msg := err.Error(); strings.HasPrefix(msg, prefix) {
		name, qerr := strconv.Unquote(msg[len(prefix):])
		if qerr != nil {
			name = strings.Trim(msg[len(prefix):], `"`)
		}
		return &APIError{code: CodeInvalidRequest, key: keyJSONUnknownField, cause: err,
			fields: []FieldError{{Field: name, Code: "unknown"}}}
	}
	return nil
}

// WrongType returns the field error for a value at field that does not have
// the type the server wants, as [DecodeRequest] reports a JSON value of the
// wrong type: the code "type", and the catalog message of the JSON type of
// want ("must be an integer", "must be an array", ...), which a [Localizer]
// translates. Framework adapters use it for query, path and form values
// that do not parse, so that every binding speaks alike.
func WrongType(field string, want reflect.Type) FieldError {
	return FieldError{Field: field, Code: "type", key: "type_" + jsonKindOf(want)}
}

// jsonKindOf names, for catalog keys, the JSON type a Go type decodes from:
// "string", "boolean", "integer", "unsigned" (a non-negative integer),
// "number", "array", "object", or "value".
func jsonKindOf(t reflect.Type) string {
	if t == nil {
		return "value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "integer"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "unsigned"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	}
	return "value"
}
