package envelope

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
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
	// The common case, an *APIError returned as it is, calls no method of
	// err and so needs no recovery.
	if ae, ok := err.(*APIError); ok && ae != nil {
		return ae, false
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
	if mbe, ok := asError[*http.MaxBytesError](err); ok && mbe != nil {
		return &APIError{code: CodePayloadTooLarge, key: keyBodyLimit, args: []any{plainInt(mbe.Limit)}, cause: err}, false
	}
	switch {
	case isError(err, context.DeadlineExceeded):
		return &APIError{code: CodeTimeout, cause: err}, false
	case isError(err, context.Canceled):
		return &APIError{code: CodeCanceled, cause: err}, false
	}
	if je := fromJSONError(err); je != nil {
		return je, false
	}
	// The cause is for logs and hooks (an OnError reporting what went
	// wrong); it is never rendered.
	return &APIError{code: CodeInternal, cause: err}, true
}

// findAPIError walks err's chain as [errors.As] does, bounded like
// [chainFind]. found is true when an *APIError is in it, even a typed nil
// one. It is the hot path of every write, so it is written out rather
// than built on chainFind, whose closures allocate.
func findAPIError(err error) (ae *APIError, found bool) {
	budget := maxChain
	return findAPIErrorIn(err, &budget)
}

func findAPIErrorIn(err error, budget *int) (*APIError, bool) {
	for err != nil && *budget > 0 {
		*budget--
		if ae, ok := err.(*APIError); ok {
			return ae, true
		}
		if x, ok := err.(interface{ As(any) bool }); ok {
			var target *APIError
			if x.As(&target) {
				return target, true
			}
		}
		switch x := err.(type) {
		case interface{ Unwrap() error }:
			err = x.Unwrap()
		case interface{ Unwrap() []error }:
			for _, sub := range x.Unwrap() {
				if ae, found := findAPIErrorIn(sub, budget); found {
					return ae, true
				}
			}
			return nil, false
		default:
			return nil, false
		}
	}
	return nil, false
}

// maxChain bounds the errors a walk down an error's chain visits. An error
// that wraps itself, which [errors.Is] and [errors.As] walk forever, is
// cut there, as is a tree of joined errors too large to be a real one.
const maxChain = 100

// chainFind calls match on err and on every error it wraps (Unwrap() error
// and Unwrap() []error, depth first: the order of [errors.Is] and
// [errors.As]) until match returns true, which chainFind then reports, or
// maxChain errors were visited.
func chainFind(err error, match func(error) bool) bool {
	budget := maxChain
	return chainFindIn(err, match, &budget)
}

func chainFindIn(err error, match func(error) bool, budget *int) bool {
	for err != nil && *budget > 0 {
		*budget--
		if match(err) {
			return true
		}
		switch x := err.(type) {
		case interface{ Unwrap() error }:
			err = x.Unwrap()
		case interface{ Unwrap() []error }:
			for _, sub := range x.Unwrap() {
				if chainFindIn(sub, match, budget) {
					return true
				}
			}
			return false
		default:
			return false
		}
	}
	return false
}

// asError is [errors.As] for a target of type T, bounded like chainFind.
func asError[T error](err error) (T, bool) {
	var out T
	found := chainFind(err, func(e error) bool {
		if t, ok := e.(T); ok {
			out = t
			return true
		}
		x, ok := e.(interface{ As(any) bool })
		return ok && x.As(&out)
	})
	return out, found
}

// isError is [errors.Is], bounded like chainFind. target is a comparable
// sentinel, so comparing it with any error cannot panic.
func isError(err, target error) bool {
	return chainFind(err, func(e error) bool {
		if e == target {
			return true
		}
		x, ok := e.(interface{ Is(error) bool })
		return ok && x.Is(target)
	})
}

// fromJSONError maps an encoding/json decoding error to an invalid_request
// error with a library message (see messages.go), or returns nil when err
// is not one.
func fromJSONError(err error) *APIError {
	if se, ok := asError[*json.SyntaxError](err); ok && se != nil {
		return &APIError{code: CodeInvalidRequest, key: keyJSONSyntax, args: []any{plainInt(se.Offset)}, cause: err}
	}
	te, isType := asError[*json.UnmarshalTypeError](err)
	switch {
	case isType && te != nil:
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
	case isError(err, io.ErrUnexpectedEOF):
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

// ValueError returns the field error for a text value at field (a query,
// path, header or form parameter) that did not parse, err being the
// parser's error, so that adapters binding such values all report them as
// [DecodeRequest] reports JSON members:
//
//   - a value strconv rejects for its syntax ("abc" for an integer, "-1"
//     for an unsigned one) is of the wrong type: [WrongType] of the type
//     the strconv function parses, code "type", "must be an integer";
//   - a number out of range for its field (300 for an int8) is "invalid";
//   - a time that does not match its layout ([time.ParseError]) is
//     "pattern", "has an invalid format";
//   - anything else (a duration, a custom type) is "invalid".
//
// The parser's text is never used: it can hold the value and Go type
// names.
func ValueError(field string, err error) FieldError {
	if ne, ok := asError[*strconv.NumError](err); ok && !isError(ne.Err, strconv.ErrRange) {
		var t reflect.Type
		switch ne.Func {
		case "ParseInt", "Atoi":
			t = reflect.TypeFor[int64]()
		case "ParseUint":
			t = reflect.TypeFor[uint64]()
		case "ParseFloat":
			t = reflect.TypeFor[float64]()
		case "ParseBool":
			t = reflect.TypeFor[bool]()
		}
		if t != nil {
			return WrongType(field, t)
		}
	}
	if _, ok := asError[*time.ParseError](err); ok {
		return FieldError{Field: field, Code: "pattern"}
	}
	return FieldError{Field: field, Code: "invalid"}
}
