package envelopehuma

import (
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2/validation"
)

// catalogKey returns the envelope catalog's field key, with its arguments,
// for a validation message of huma's, so that the writer's Localizer words
// it in the client's language: "expected length >= 3" is min_length with 3,
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
	types := [...]struct{ msg, key string }{
		{validation.MsgExpectedBoolean, "type_boolean"},
		{validation.MsgExpectedInteger, "type_integer"},
		{validation.MsgExpectedNumber, "type_number"},
		{validation.MsgExpectedString, "type_string"},
		{validation.MsgExpectedArray, "type_array"},
		{validation.MsgExpectedObject, "type_object"},
		{validation.MsgUnexpectedProperty, "unknown"},
	}
	for _, t := range types {
		if msg == t.msg {
			return t.key, nil, true
		}
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
