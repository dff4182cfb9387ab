package envelopevalidator

import (
	"reflect"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"
)

var (
	timeType     = reflect.TypeFor[time.Time]()
	durationType = reflect.TypeFor[time.Duration]()
)

// Message returns the default English message for one failed rule, without
// the field's name (the field error carries the path): "is required", "must
// be a valid email address", "must be at least 3 characters" for min=3 on a
// string, "must have at least 3 items" on a slice or map, "must be at least
// 3" on a number. A rule it does not know gives "is invalid (rule "x")".
// Use it as the fallback of a custom [Options.Message].
//
// The message is built from the rule's tag and parameter only; it never
// includes the value the client sent.
func Message(fe validator.FieldError) string {
	if m, ok := ruleMessage(fe.Tag(), fe); ok {
		return m
	}
	if fe.ActualTag() != fe.Tag() { // an alias the table does not know
		if m, ok := ruleMessage(fe.ActualTag(), fe); ok {
			return m
		}
	}
	return "is invalid (rule " + quote(fe.Tag()) + ")"
}

func ruleMessage(tag string, fe validator.FieldError) (string, bool) {
	param := fe.Param()
	switch tag {
	case "required", "required_if", "required_unless", "required_with", "required_with_all",
		"required_without", "required_without_all":
		return "is required", true
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
	case "oneof":
		return "must be one of: " + strings.Join(strings.Fields(param), ", "), true
	case "oneofci":
		return "must be one of (any case): " + strings.Join(strings.Fields(param), ", "), true
	case "unique":
		return "must not contain duplicates", true
	case "eqfield", "eqcsfield":
		return "must equal " + param, true
	case "nefield", "necsfield":
		return "must not equal " + param, true
	case "gtfield", "gtcsfield":
		return "must be greater than " + param, true
	case "gtefield", "gtecsfield":
		return "must be greater than or equal to " + param, true
	case "ltfield", "ltcsfield":
		return "must be less than " + param, true
	case "ltefield", "ltecsfield":
		return "must be less than or equal to " + param, true
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
	"email":              "must be a valid email address",
	"url":                "must be a valid URL",
	"http_url":           "must be a valid HTTP or HTTPS URL",
	"https_url":          "must be a valid HTTPS URL",
	"uri":                "must be a valid URI",
	"url_encoded":        "must be URL-encoded",
	"uuid":               "must be a valid UUID",
	"uuid3":              "must be a valid version 3 UUID",
	"uuid4":              "must be a valid version 4 UUID",
	"uuid5":              "must be a valid version 5 UUID",
	"uuid_rfc4122":       "must be a valid UUID",
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
