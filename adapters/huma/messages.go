package envelopehuma

import (
	"errors"
	"reflect"
	"strconv"
	"strings"

	"github.com/apienvelope/envelope"
	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/validation"
)

// valueError returns the field error of a huma error detail at path when
// it says that a value has the wrong type, and ok true: [envelope.WrongType]'s
// (code "type", the catalog's type_<kind> message, "must be an integer"),
// the field error [envelope.DecodeRequest] gives a JSON member of the
// wrong type. It reads huma's two vocabularies:
//
//   - the validator's, for a body member or a parsed parameter ("expected
//     integer", ... [validation.MsgExpectedInteger] and its siblings,
//     package variables read at each call);
//   - the parameter parser's ("invalid integer", "invalid float", "invalid
//     boolean"), for a path, query, header or cookie value that does not
//     parse, or one element of an array parameter that does not (?ids=a
//     into a []int is an integer expected). huma reports an unsigned
//     parameter given a negative number, and a number out of range, with
//     the same words; for a single value, the value tells them apart: a
//     negative integer is a non-negative integer expected ("must be a
//     non-negative integer"), a number out of range is not a wrong type
//     but "invalid". For an array parameter the value huma shows is not
//     always the one that failed, so an integer is expected. A time that
//     does not match its format is "pattern".
//
// op, when not nil, is the operation served, whose parameters say which
// are arrays. (Their schemas cannot tell an unsigned parameter: huma gives
// uint8 to uint64 the minimum 0 that an int with minimum:"0" has too.)
func valueError(d *huma.ErrorDetail, path string, op *huma.Operation) (envelope.FieldError, bool) {
	for _, t := range [...]struct {
		msg string
		typ reflect.Type
	}{
		{validation.MsgExpectedBoolean, reflect.TypeFor[bool]()},
		{validation.MsgExpectedInteger, reflect.TypeFor[int64]()},
		{validation.MsgExpectedNumber, reflect.TypeFor[float64]()},
		{validation.MsgExpectedString, reflect.TypeFor[string]()},
		{validation.MsgExpectedArray, reflect.TypeFor[[]any]()},
		{validation.MsgExpectedObject, reflect.TypeFor[map[string]any]()},
	} {
		if d.Message == t.msg {
			return envelope.WrongType(path, t.typ), true
		}
	}
	if strings.HasPrefix(d.Message, "invalid date/time for format ") {
		return envelope.FieldError{Field: path, Code: "pattern"}, true
	}
	single, _ := d.Value.(string)
	if arrayParam(op, d.Location) {
		single = "" // the value shown is not always the one that failed
	}
	switch d.Message {
	case "invalid integer":
		if single != "" {
			_, err := strconv.ParseInt(single, 10, 64)
			switch {
			case err == nil: // an integer, refused: a negative one
				return envelope.WrongType(path, reflect.TypeFor[uint64]()), true
			case errors.Is(err, strconv.ErrRange):
				return envelope.FieldError{Field: path, Code: "invalid"}, true
			}
		}
		return envelope.WrongType(path, reflect.TypeFor[int64]()), true
	case "invalid float", "invalid floating value":
		if _, err := strconv.ParseFloat(single, 64); single != "" && errors.Is(err, strconv.ErrRange) {
			return envelope.FieldError{Field: path, Code: "invalid"}, true
		}
		return envelope.WrongType(path, reflect.TypeFor[float64]()), true
	case "invalid boolean":
		return envelope.WrongType(path, reflect.TypeFor[bool]()), true
	}
	return envelope.FieldError{}, false
}

// arrayParam reports whether op's parameter at loc ("query.ids": the query
// parameter ids) is an array.
func arrayParam(op *huma.Operation, loc string) bool {
	in, name, ok := strings.Cut(loc, ".")
	if op == nil || !ok {
		return false
	}
	for _, p := range op.Parameters {
		if p != nil && p.In == in && p.Name == name && p.Schema != nil {
			return p.Schema.Type == huma.TypeArray
		}
	}
	return false
}

// catalogKey returns the envelope catalog's field key, with its arguments,
// for a validation message of huma's other than a wrong type (see
// valueError), so that the writer's Localizer words it in the client's
// language: "expected length >= 3" is min_length with 3,
// "expected required property email to be present" is required, "expected
// string to be RFC 5322 email: mail: no angle-addr" is email (the parser's
// text, which is Go's, left out). ok is false for a message the catalog
// has no key for. huma's messages are package variables an application may
// change; they are read here at each call.
func catalogKey(msg string) (key string, args []any, ok bool) {
	count := func(k, tmpl string) bool {
		if v, found := fill(tmpl, msg); found {
			if n, err := strconv.Atoi(v); err == nil {
				key, args = k, []any{n}
				return true
			}
		}
		return false
	}
	value := func(k, tmpl string, withArg bool) bool {
		if v, found := fill(tmpl, msg); found {
			key = k
			if withArg {
				args = []any{v}
			}
			return true
		}
		return false
	}
	if msg == validation.MsgUnexpectedProperty {
		return "unknown", nil, true
	}
	switch {
	case count("min_length", validation.MsgExpectedMinLength),
		count("max_length", validation.MsgExpectedMaxLength),
		count("min_items", validation.MsgExpectedMinItems),
		count("max_items", validation.MsgExpectedMaxItems),
		value("min", validation.MsgExpectedMinimumNumber, true),
		value("max", validation.MsgExpectedMaximumNumber, true),
		value("required", validation.MsgExpectedRequiredProperty, false),
		value("email", validation.MsgExpectedRFC5322Email, false),
		value("url", validation.MsgExpectedRFC3986URI, false),
		value("uuid", validation.MsgExpectedRFC4122UUID, false),
		value("oneof", validation.MsgExpectedOneOf, true),
		value("pattern", validation.MsgExpectedMatchPattern, false),
		value("pattern", validation.MsgExpectedBePattern, false):
		return key, args, true
	}
	return "", nil, false
}

// fill matches msg against tmpl, a huma message with one formatting verb
// (%v, %d or %s), and returns the text that stands for the verb.
func fill(tmpl, msg string) (string, bool) {
	i := strings.IndexByte(tmpl, '%')
	if i < 0 || i+1 >= len(tmpl) || strings.IndexByte(tmpl[i+2:], '%') >= 0 {
		return "", false
	}
	prefix, suffix := tmpl[:i], tmpl[i+2:]
	if len(msg) < len(prefix)+len(suffix) || !strings.HasPrefix(msg, prefix) || !strings.HasSuffix(msg, suffix) {
		return "", false
	}
	v := msg[len(prefix) : len(msg)-len(suffix)]
	return v, v != ""
}
