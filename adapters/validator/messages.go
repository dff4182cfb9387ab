package envelopevalidator

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"
)

var (
	timeType     = reflect.TypeFor[time.Time]()
	durationType = reflect.TypeFor[time.Duration]()
)

// Message returns the English message of one failed rule, without the
// field's name (the field error carries the path): "is required", "must be
// a valid email address", "must be at least 3 characters long" for min=3 on
// a string, "must contain at least 3 items" on a slice or map, "must be at
// least 3" on a number. For a rule the envelope catalog knows it is the
// catalog's English text (the writer renders the catalog's message, in the
// client's language, in its place); a rule it does not know gives "is
// invalid (rule "x")". A cross-field rule says "another field" (see
// [Translator.StructError] for the message that names it). Use it as the
// fallback of a custom [Options.Message].
//
// The message is built from the rule's tag and parameter only; it never
// includes the value the client sent.
func Message(fe validator.FieldError) string {
	return ruleOf(fe, "").english()
}

// rule is what a failed rule becomes: the field error's code, its catalog
// arguments and, for a rule the catalog does not know, its message.
type rule struct {
	code    string
	args    []any
	message string // "" for a catalog key
	catalog bool
}

// english returns the English text of r.
func (r rule) english() string {
	if !r.catalog {
		return r.message
	}
	n := ""
	if len(r.args) > 0 {
		n = fmt.Sprint(r.args[0])
	}
	switch r.code {
	case "required":
		return "is required"
	case "email":
		return "must be a valid email address"
	case "url":
		return "must be a valid URL"
	case "uuid":
		return "must be a valid UUID"
	case "oneof":
		return "must be one of: " + n
	case "min":
		return "must be at least " + n
	case "max":
		return "must be at most " + n
	case "min_length":
		return "must be at least " + n + " " + plural(n, "character", "characters") + " long"
	case "max_length":
		return "must be at most " + n + " " + plural(n, "character", "characters") + " long"
	case "len":
		return "must be exactly " + n + " " + plural(n, "character", "characters") + " long"
	case "min_items":
		return "must contain at least " + n + " " + plural(n, "item", "items")
	case "max_items":
		return "must contain at most " + n + " " + plural(n, "item", "items")
	}
	return "is invalid"
}

// ruleOf maps a failed rule to its field error: a catalog key with its
// arguments when the envelope catalog has the rule, else the tag with an
// English message. other is the path of the field a cross-field rule
// compares with, or "" when unknown.
func ruleOf(fe validator.FieldError, other string) rule {
	if r, ok := catalogRule(fe.Tag(), fe); ok {
		return r
	}
	if fe.ActualTag() != fe.Tag() { // an alias
		if r, ok := catalogRule(fe.ActualTag(), fe); ok {
			return r
		}
	}
	r := rule{code: fe.Tag()}
	if m, ok := crossFieldMessage(fe.ActualTag(), other); ok {
		r.message = m
		if other != "" {
			r.args = []any{other}
		}
		return r
	}
	m, ok := ruleMessage(fe.Tag(), fe)
	if !ok && fe.ActualTag() != fe.Tag() {
		m, ok = ruleMessage(fe.ActualTag(), fe)
	}
	if !ok {
		m = "is invalid (rule " + quote(fe.Tag()) + ")"
	}
	r.message = m
	return r
}

// catalogRule returns the catalog field key of a rule (see messages.go of
// the envelope package) with its arguments: counts as ints, for the
// catalog's plural forms; numeric bounds as the parameter's own text.
func catalogRule(tag string, fe validator.FieldError) (rule, bool) {
	key := func(k string, args ...any) (rule, bool) { return rule{code: k, args: args, catalog: true}, true }
	param := fe.Param()
	switch tag {
	case "required", "required_if", "required_unless", "required_with", "required_with_all",
		"required_without", "required_without_all":
		return key("required")
	case "email", "url":
		return key(tag)
	case "uuid", "uuid_rfc4122":
		return key("uuid")
	case "oneof":
		return key("oneof", strings.Join(strings.Fields(param), ", "))
	case "min", "gte", "max", "lte", "len":
		bound := "min"
		switch tag {
		case "max", "lte":
			bound = "max"
		case "len":
			bound = "len"
		}
		switch fe.Kind() {
		case reflect.String:
			if n, err := strconv.Atoi(param); err == nil {
				if bound == "len" {
					return key("len", n)
				}
				return key(bound+"_length", n)
			}
		case reflect.Slice, reflect.Array, reflect.Map:
			if n, err := strconv.Atoi(param); err == nil && bound != "len" {
				return key(bound+"_items", n)
			}
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
			reflect.Float32, reflect.Float64:
			if bound != "len" && fe.Type() != durationType && param != "" {
				return key(bound, param)
			}
		}
	}
	return rule{}, false
}

// crossFieldMessage words the rules that compare a field with another one.
func crossFieldMessage(tag, other string) (string, bool) {
	var rel string
	switch tag {
	case "eqfield", "eqcsfield":
		rel = "must equal"
	case "nefield", "necsfield":
		rel = "must not equal"
	case "gtfield", "gtcsfield":
		rel = "must be greater than"
	case "gtefield", "gtecsfield":
		rel = "must be greater than or equal to"
	case "ltfield", "ltcsfield":
		rel = "must be less than"
	case "ltefield", "ltecsfield":
		rel = "must be less than or equal to"
	case "fieldcontains":
		rel = "must contain the value of"
	case "fieldexcludes":
		rel = "must not contain the value of"
	default:
		return "", false
	}
	if other == "" {
		return rel + " another field", true
	}
	return rel + " the field " + other, true
}

func ruleMessage(tag string, fe validator.FieldError) (string, bool) {
	param := fe.Param()
	switch tag {
	case "excluded_if", "excluded_unless", "excluded_with", "excluded_with_all",
		"excluded_without", "excluded_without_all":
		return "must not be set", true
	case "isdefault":
		return "must not be set", true
	case "len", "min", "max", "eq", "ne", "gt", "gte", "lt", "lte":
		return sizeMessage(tag, param, fe), true
	case "eq_ignore_case":
		return "must be " + quote(param) + " (any case)", true
	case "ne_ignore_case":
		return "must not be " + quote(param) + " (any case)", true
	case "oneofci":
		return "must be one of (any case): " + strings.Join(strings.Fields(param), ", "), true
	case "unique":
		return "must not contain duplicates", true
	case "contains":
		return "must contain " + quote(param), true
	case "containsany":
		return "must contain at least one of " + quote(param), true
	case "excludes":
		return "must not contain " + quote(param), true
	case "excludesall":
		return "must not contain any of " + quote(param), true
	case "startswith":
		return "must start with " + quote(param), true
	case "endswith":
		return "must end with " + quote(param), true
	case "startsnotwith":
		return "must not start with " + quote(param), true
	case "endsnotwith":
		return "must not end with " + quote(param), true
	case "datetime":
		return "must be a date/time in the layout " + quote(param), true
	}
	m, ok := formatMessages[tag]
	return m, ok
}

// formatMessages are the messages of rules without a parameter.
var formatMessages = map[string]string{
	"http_url":           "must be a valid HTTP or HTTPS URL",
	"https_url":          "must be a valid HTTPS URL",
	"uri":                "must be a valid URI",
	"url_encoded":        "must be URL-encoded",
	"uuid3":              "must be a valid version 3 UUID",
	"uuid4":              "must be a valid version 4 UUID",
	"uuid5":              "must be a valid version 5 UUID",
	"ulid":               "must be a valid ULID",
	"alpha":              "must contain only letters",
	"alphanum":           "must contain only letters and digits",
	"alphaunicode":       "must contain only letters",
	"alphanumunicode":    "must contain only letters and digits",
	"ascii":              "must contain only ASCII characters",
	"printascii":         "must contain only printable ASCII characters",
	"numeric":            "must be numeric",
	"number":             "must be a number",
	"boolean":            "must be a boolean",
	"hexadecimal":        "must be hexadecimal",
	"hexcolor":           "must be a hex color",
	"rgb":                "must be an RGB color",
	"rgba":               "must be an RGBA color",
	"iscolor":            "must be a color",
	"lowercase":          "must be lowercase",
	"uppercase":          "must be uppercase",
	"json":               "must be valid JSON",
	"jwt":                "must be a JWT",
	"base64":             "must be valid base64",
	"base64url":          "must be valid base64url",
	"e164":               "must be a phone number in E.164 format",
	"ip":                 "must be a valid IP address",
	"ipv4":               "must be a valid IPv4 address",
	"ipv6":               "must be a valid IPv6 address",
	"cidr":               "must be a valid CIDR notation",
	"cidrv4":             "must be a valid IPv4 CIDR notation",
	"cidrv6":             "must be a valid IPv6 CIDR notation",
	"mac":                "must be a valid MAC address",
	"hostname":           "must be a valid hostname",
	"hostname_rfc1123":   "must be a valid hostname",
	"fqdn":               "must be a fully qualified domain name",
	"hostname_port":      "must be a host and port",
	"latitude":           "must be a valid latitude",
	"longitude":          "must be a valid longitude",
	"semver":             "must be a semantic version",
	"timezone":           "must be a valid time zone",
	"iso3166_1_alpha2":   "must be an ISO 3166-1 alpha-2 country code",
	"iso3166_1_alpha3":   "must be an ISO 3166-1 alpha-3 country code",
	"iso4217":            "must be an ISO 4217 currency code",
	"bcp47_language_tag": "must be a BCP 47 language tag",
	"credit_card":        "must be a valid credit card number",
	"luhn_checksum":      "must have a valid checksum",
	"md5":                "must be an MD5 hash",
	"sha256":             "must be a SHA-256 hash",
	"cron":               "must be a cron expression",
	"file":               "must be an existing file",
	"dir":                "must be an existing directory",
}

// sizeMessage words the comparison rules by the kind of value: a length for
// strings, a count for slices, arrays and maps, a value for numbers,
// durations and times.
func sizeMessage(tag, param string, fe validator.FieldError) string {
	var rel string
	switch tag {
	case "len", "eq":
		rel = "exactly "
	case "min", "gte":
		rel = "at least "
	case "max", "lte":
		rel = "at most "
	case "gt":
		rel = "more than "
	case "lt":
		rel = "less than "
	case "ne":
		rel = "other than "
	}
	switch fe.Kind() {
	case reflect.String:
		if tag == "eq" || tag == "ne" {
			break
		}
		return "must be " + rel + param + " " + plural(param, "character", "characters")
	case reflect.Slice, reflect.Array, reflect.Map:
		if tag == "ne" {
			return "must not have exactly " + param + " " + plural(param, "item", "items")
		}
		return "must have " + rel + param + " " + plural(param, "item", "items")
	case reflect.Struct:
		if fe.Type() == timeType && param == "" {
			switch tag {
			case "gt", "gte":
				return "must be in the future"
			case "lt", "lte":
				return "must be in the past"
			}
		}
	}
	if tag == "eq" {
		return "must be " + param
	}
	if tag == "ne" {
		return "must not be " + param
	}
	if fe.Type() == durationType {
		return "must be " + rel + param
	}
	switch tag {
	case "gt":
		return "must be greater than " + param
	case "lt":
		return "must be less than " + param
	}
	return "must be " + rel + param
}

func plural(n, one, many string) string {
	if n == "1" {
		return one
	}
	return many
}

// quote puts a rule's parameter in double quotes; parameters come from
// struct tags, which the server wrote, never from the client.
func quote(s string) string {
	return `"` + s + `"`
}
