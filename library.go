package envelope

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// This file is the table of the library's own messages: those of the errors
// the library makes itself (a request body over the limit, a malformed JSON
// body), by key, each with the code of its errors and its English text.
// messages.go translates them; a Localizer's catalogs may replace them.

// The keys of the library's own messages, each with the code of the error
// that carries it (libraryCodes).
const (
	keyBodyLimit        = "body_limit"
	keyJSONMediaType    = "json_media_type"
	keyJSONEmpty        = "json_empty"
	keyJSONSyntax       = "json_syntax"
	keyJSONBodyObject   = "json_body_object"
	keyJSONBodyArray    = "json_body_array"
	keyJSONBodyValue    = "json_body_value"
	keyJSONFieldType    = "json_field_type"
	keyJSONTruncated    = "json_truncated"
	keyJSONUnknownField = "json_unknown_field"
	keyJSONTrailing     = "json_trailing"
	keyJSONInvalid      = "json_invalid"
)

// libraryCodes maps each library message key to the code of its errors.
var libraryCodes = map[string]Code{
	keyBodyLimit:        CodePayloadTooLarge,
	keyJSONMediaType:    CodeUnsupportedMediaType,
	keyJSONEmpty:        CodeInvalidRequest,
	keyJSONSyntax:       CodeInvalidRequest,
	keyJSONBodyObject:   CodeInvalidRequest,
	keyJSONBodyArray:    CodeInvalidRequest,
	keyJSONBodyValue:    CodeInvalidRequest,
	keyJSONFieldType:    CodeInvalidRequest,
	keyJSONTruncated:    CodeInvalidRequest,
	keyJSONUnknownField: CodeInvalidRequest,
	keyJSONTrailing:     CodeInvalidRequest,
	keyJSONInvalid:      CodeInvalidRequest,
}

// libraryEN holds the English library messages.
var libraryEN = map[string]string{
	keyBodyLimit:        "The request body must not exceed {0} bytes.",
	keyJSONMediaType:    "The request body must be JSON (Content-Type: application/json).",
	keyJSONEmpty:        "The request body is empty.",
	keyJSONSyntax:       "The request body is not valid JSON (syntax error at byte {0}).",
	keyJSONBodyObject:   "The request body must be a JSON object.",
	keyJSONBodyArray:    "The request body must be a JSON array.",
	keyJSONBodyValue:    "The request body does not have the expected JSON type.",
	keyJSONFieldType:    "A field of the request body has the wrong type.",
	keyJSONTruncated:    "The request body is truncated.",
	keyJSONUnknownField: "The request body has an unknown field.",
	keyJSONTrailing:     "The request body must hold a single JSON value.",
	keyJSONInvalid:      "The request body could not be decoded.",
}

// plainInt is a number in a library message, such as a byte limit or a
// byte offset. It prints as plain digits in every language ("1048576",
// never "1,048,576"), as the English library texts have always written
// such numbers, and selects plural forms like an integer.
type plainInt int64

// String returns the digits of n.
func (n plainInt) String() string { return strconv.FormatInt(int64(n), 10) }

// PluralForm implements [plural.Interface], so that a catalog may give a
// library message plural forms on its number.
func (n plainInt) PluralForm(t language.Tag, _ int) (plural.Form, int) {
	i := int(int64(n) % 10_000_000) // as plural.Interface allows
	if i < 0 {
		i = -i
	}
	return plural.Cardinal.MatchPlural(t, i, 0, 0, 0, 0), i
}

// englishMessage returns the English library message key with args
// substituted plainly (no locale formatting), for [APIError.Message]; a
// writer renders it through its [Localizer]. Like the writer, it reports
// false when args are too few for the message.
func englishMessage(key string, args []any) (string, bool) {
	t, ok := libraryEN[key]
	if !ok {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c == '{' && i+1 < len(t) && t[i+1] == '{' {
			b.WriteByte('{')
			i++
			continue
		}
		if c == '{' {
			end := strings.IndexByte(t[i:], '}')
			if n, err := strconv.Atoi(t[i+1 : i+end]); err == nil {
				if n >= len(args) {
					return "", false
				}
				fmt.Fprint(&b, args[n])
				i += end
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String(), true
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
