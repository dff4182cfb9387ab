package envelope

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/language"
)

// Message is one localized message: a template, or plural forms chosen by a
// count argument.
//
// Templates name arguments by position, zero-based: "must be at least {0}"
// prints the first argument where {0} stands. Write "{{" for a literal "{".
// Every other character, "%" included, is literal, and argument values are
// data: a value such as "%d" or "{1}" is printed as it is, never
// interpreted. Numbers are printed the way the message's language writes them
// (1,000 in English, 1.000 in German).
//
// In JSON a Message is either a string (the template) or an object holding
// "count" (the position of the count argument, default 0) and plural forms
// keyed by CLDR plural category ("zero", "one", "two", "few", "many",
// "other") or by an exact value ("=0"):
//
//	"min_length": {"count": 0, "one": "must be at least {0} character long",
//	               "other": "must be at least {0} characters long"}
//
// The zero Message is empty and invalid in a [Catalog].
type Message struct {
	// Text is the template. It must be empty when Plural is set.
	Text string
	// Count is the position of the argument whose value selects a form of
	// Plural. It is ignored when Plural is empty.
	Count int
	// Plural holds the plural forms, each a template. When set it must hold
	// "other", which is used when no other form matches.
	Plural map[string]string
}

// UnmarshalJSON implements [json.Unmarshaler]: it accepts a string or an
// object of plural forms, as described on [Message], so that a [Catalog]
// decodes from its JSON form. Forms are checked when the catalog is used
// ([NewLocalizer]) or loaded ([LoadCatalog]), where errors name their place.
func (m *Message) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		*m = Message{}
		return json.Unmarshal(b, &m.Text)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil || raw == nil {
		return errors.New("a message must be a string or an object of plural forms")
	}
	out := Message{Plural: make(map[string]string, len(raw))}
	for k, v := range raw {
		if k == "count" {
			if err := json.Unmarshal(v, &out.Count); err != nil {
				return errors.New(`"count" must be an integer`)
			}
			continue
		}
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return fmt.Errorf("plural form %q must be a string", k)
		}
		out.Plural[k] = s
	}
	*m = out
	return nil
}

// Messages holds the messages of one language: one per error [Code], one per
// field-error key (the [FieldError.Code], such as "required"), and the
// library's own messages by key (such as "body_limit"; docs/localization.md
// lists them). The zero value holds none.
type Messages struct {
	// Codes holds error messages by code. Their arguments are those given
	// with [APIError.WithArgs].
	Codes map[Code]Message `json:"codes,omitempty"`
	// Fields holds field-error messages by key. Their arguments are
	// [FieldError.Args].
	Fields map[string]Message `json:"fields,omitempty"`
	// Library holds the messages of the errors the library makes itself
	// (a request body over the limit, a malformed JSON body, ...), by key.
	// An application's catalog that sets a library message's code, and
	// not the message itself, replaces it too: "payload_too_large" in
	// Codes replaces "body_limit". The numbers these messages take (a
	// byte limit, a byte offset) print as plain digits in every language.
	Library map[string]Message `json:"library,omitempty"`
}

// Catalog holds localized messages by BCP 47 language tag, such as "de" or
// "pt-BR". Build one in Go or load one from JSON with [LoadCatalog]; give
// it to [NewLocalizer], which validates it, overlays it on the built-in
// messages and copies what it needs. A nil Catalog holds no messages. Like
// any map, a Catalog must not be modified while it is being read. The JSON
// form is documented in docs/localization.md:
//
//	{"de": {"codes": {"in_use": "Dieser Name ist bereits vergeben."},
//	        "fields": {"required": "ist erforderlich"},
//	        "library": {"body_limit": "Der Inhalt ist zu groß."}}}
type Catalog map[string]Messages

// errInvalidCatalog prefixes every error about a catalog; the text names
// the first problem and its location, such as `de.fields.min_length.one`.
var errInvalidCatalog = errors.New("envelope: invalid catalog")

// maxCatalogBytes caps what [LoadCatalog] reads.
const maxCatalogBytes = 8 << 20

// maxArgs caps the argument positions a template may name.
const maxArgs = 32

// LoadCatalog reads a JSON catalog (see [Catalog]) from r, such as a file of
// an [embed.FS], and validates it. It fails, with an error that names the
// location, on malformed JSON, unknown members, input over 8 MiB, and
// everything [NewLocalizer] rejects in a catalog.
func LoadCatalog(r io.Reader) (Catalog, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxCatalogBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: read: %w", errInvalidCatalog, err)
	}
	if len(data) > maxCatalogBytes {
		return nil, fmt.Errorf("%w: larger than %d bytes", errInvalidCatalog, maxCatalogBytes)
	}
	// Decode in two steps so that an error in a message names its place.
	type rawMessages struct {
		Codes   map[Code]json.RawMessage   `json:"codes"`
		Fields  map[string]json.RawMessage `json:"fields"`
		Library map[string]json.RawMessage `json:"library"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var raw map[string]json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("%w: %s", errInvalidCatalog, describeJSONError(data, err))
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: data after the catalog object", errInvalidCatalog)
	}
	if raw == nil {
		return nil, fmt.Errorf("%w: the catalog must be a JSON object", errInvalidCatalog)
	}
	c := make(Catalog, len(raw))
	for _, lang := range sortedKeys(raw) {
		var rm rawMessages
		d := json.NewDecoder(bytes.NewReader(raw[lang]))
		d.DisallowUnknownFields()
		if err := d.Decode(&rm); err != nil {
			return nil, fmt.Errorf("%w: %s", errInvalidCatalog, describeLanguageError(lang, err))
		}
		ms := Messages{}
		if rm.Codes != nil {
			ms.Codes = make(map[Code]Message, len(rm.Codes))
		}
		if rm.Fields != nil {
			ms.Fields = make(map[string]Message, len(rm.Fields))
		}
		if rm.Library != nil {
			ms.Library = make(map[string]Message, len(rm.Library))
		}
		for _, k := range sortedKeys(rm.Codes) {
			var m Message
			if err := m.UnmarshalJSON(rm.Codes[k]); err != nil {
				return nil, fmt.Errorf("%w: %s.codes.%s: %w", errInvalidCatalog, lang, k, err)
			}
			ms.Codes[k] = m
		}
		for _, k := range sortedKeys(rm.Fields) {
			var m Message
			if err := m.UnmarshalJSON(rm.Fields[k]); err != nil {
				return nil, fmt.Errorf("%w: %s.fields.%s: %w", errInvalidCatalog, lang, k, err)
			}
			ms.Fields[k] = m
		}
		for _, k := range sortedKeys(rm.Library) {
			var m Message
			if err := m.UnmarshalJSON(rm.Library[k]); err != nil {
				return nil, fmt.Errorf("%w: %s.library.%s: %w", errInvalidCatalog, lang, k, err)
			}
			ms.Library[k] = m
		}
		c[lang] = ms
	}
	if _, err := c.normalize(); err != nil {
		return nil, err
	}
	return c, nil
}

// describeJSONError turns a decoding error into text with a line and column
// when the error has an offset.
func describeJSONError(data []byte, err error) string {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		// Say what the catalog format wants there, not which Go type
		// failed to decode.
		msg := fmt.Sprintf("expected a JSON %s, found %s", jsonKindOf(te.Type), te.Value)
		if te.Field != "" {
			return fmt.Sprintf("%s: %s (line %d)", te.Field, msg, lineOf(data, te.Offset))
		}
		return fmt.Sprintf("line %d: %s", lineOf(data, te.Offset), msg)
	}
	if off < 0 {
		return err.Error()
	}
	return fmt.Sprintf("line %d: %s", lineOf(data, off), err)
}

// describeLanguageError turns the error of decoding one language's
// messages into text in the catalog's own terms.
func describeLanguageError(lang string, err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		where := lang
		if te.Field != "" {
			where += "." + te.Field
		}
		return fmt.Sprintf("%s: expected a JSON %s, found %s", where, jsonKindOf(te.Type), te.Value)
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return fmt.Sprintf("%s: unknown member %s; a language has codes, fields and library", lang, name)
	}
	return fmt.Sprintf("%s: %v", lang, err)
}

func lineOf(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return bytes.Count(data[:off], []byte{'\n'}) + 1
}

// normalize validates c and returns it keyed by canonical tag. It reports
// the first problem, in a stable order, naming its location: a language key
// that is not a well-formed, known BCP 47 tag or that duplicates another
// once canonicalized ("pt-br" and "pt-BR"); a code that is not lowercase
// snake_case of at most 64 bytes; a field or library key that is empty,
// longer than 64 bytes or holds other than ASCII letters, digits, '_', '-'
// and '.'; an empty message; a malformed placeholder or one beyond {31};
// plural forms with an unknown category, without "other", or together with
// Text; a negative or too large Count.
func (c Catalog) normalize() (map[language.Tag]Messages, error) {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make(map[language.Tag]Messages, len(c))
	seen := make(map[language.Tag]string, len(c))
	for _, k := range keys {
		tag, err := language.Parse(k)
		if err != nil || k == "" || tag == language.Und {
			return nil, fmt.Errorf("%w: %q is not a known BCP 47 language tag", errInvalidCatalog, k)
		}
		if prev, ok := seen[tag]; ok {
			return nil, fmt.Errorf("%w: %q and %q name the same language", errInvalidCatalog, prev, k)
		}
		seen[tag] = k
		ms := c[k]
		for _, code := range sortedKeys(ms.Codes) {
			if !validCodeName(string(code)) {
				return nil, fmt.Errorf("%w: %s.codes: %q is not lowercase snake_case of at most 64 bytes", errInvalidCatalog, k, code)
			}
			if err := ms.Codes[code].check(); err != nil {
				return nil, fmt.Errorf("%w: %s.codes.%s%s", errInvalidCatalog, k, code, err)
			}
		}
		for _, key := range sortedKeys(ms.Fields) {
			if !validAttrName(key) {
				return nil, fmt.Errorf("%w: %s.fields: %q is not a field key (1 to 64 ASCII letters, digits, '_', '-' or '.')", errInvalidCatalog, k, key)
			}
			if err := ms.Fields[key].check(); err != nil {
				return nil, fmt.Errorf("%w: %s.fields.%s%s", errInvalidCatalog, k, key, err)
			}
		}
		for _, key := range sortedKeys(ms.Library) {
			if _, ok := libraryCodes[key]; !ok {
				return nil, fmt.Errorf("%w: %s.library: %q is not a library message key", errInvalidCatalog, k, key)
			}
			if err := ms.Library[key].check(); err != nil {
				return nil, fmt.Errorf("%w: %s.library.%s%s", errInvalidCatalog, k, key, err)
			}
		}
		out[tag] = ms
	}
	return out, nil
}

func sortedKeys[K ~string, V any](m map[K]V) []K {
	ks := make([]K, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// pluralCategories are the CLDR plural categories.
var pluralCategories = [...]string{"zero", "one", "two", "few", "many", "other"}

// MarshalJSON implements [json.Marshaler], producing the form that
// [Message.UnmarshalJSON] reads: a string, or an object of plural forms with
// "count".
func (m Message) MarshalJSON() ([]byte, error) {
	if len(m.Plural) == 0 {
		return json.Marshal(m.Text)
	}
	obj := make(map[string]any, len(m.Plural)+1)
	for k, v := range m.Plural {
		obj[k] = v
	}
	obj["count"] = m.Count
	return json.Marshal(obj)
}

// check validates one message. The error text starts with the rest of its
// location (".one") or ": ".
func (m Message) check() error {
	if len(m.Plural) == 0 {
		if strings.TrimSpace(m.Text) == "" {
			return errors.New(": the message is empty")
		}
		if _, _, err := compileTemplate(m.Text); err != nil {
			return fmt.Errorf(": %w", err)
		}
		return nil
	}
	if m.Text != "" {
		return errors.New(": a message has either a text or plural forms, not both")
	}
	if m.Count < 0 || m.Count >= maxArgs {
		return fmt.Errorf(": count %d is not an argument position 0 to %d", m.Count, maxArgs-1)
	}
	if _, ok := m.Plural["other"]; !ok {
		return errors.New(`: plural forms must include "other"`)
	}
	for _, sel := range sortedKeys(m.Plural) {
		if !validSelector(sel) {
			return fmt.Errorf(".%s: unknown plural category (want zero, one, two, few, many, other or =N)", sel)
		}
		t := m.Plural[sel]
		if strings.TrimSpace(t) == "" {
			return fmt.Errorf(".%s: the message is empty", sel)
		}
		if _, _, err := compileTemplate(t); err != nil {
			return fmt.Errorf(".%s: %w", sel, err)
		}
	}
	return nil
}

func validSelector(s string) bool {
	if slices.Contains(pluralCategories[:], s) {
		return true
	}
	if n, ok := strings.CutPrefix(s, "="); ok {
		_, err := strconv.ParseUint(n, 10, 31)
		return err == nil
	}
	return false
}

// compileTemplate turns a template into a format string for a
// [message.Printer]: {N} becomes %[N+1]v, "{{" becomes "{", and '%' becomes
// "%%", so that only the template, never an argument, holds verbs. nargs is
// the number of arguments the template needs.
func compileTemplate(t string) (format string, nargs int, err error) {
	var b strings.Builder
	b.Grow(len(t) + 8)
	for i := 0; i < len(t); i++ {
		switch c := t[i]; c {
		case '%':
			b.WriteString("%%")
		case '{':
			if i+1 < len(t) && t[i+1] == '{' {
				b.WriteByte('{')
				i++
				continue
			}
			end := strings.IndexByte(t[i:], '}')
			if end < 0 {
				return "", 0, fmt.Errorf("unclosed placeholder at byte %d (write {{ for a literal brace)", i)
			}
			num := t[i+1 : i+end]
			n, perr := strconv.Atoi(num)
			if perr != nil || n < 0 || num == "" || num[0] == '+' || (len(num) > 1 && num[0] == '0') {
				return "", 0, fmt.Errorf("malformed placeholder %q at byte %d (want {0} to {%d}; write {{ for a literal brace)", t[i:i+end+1], i, maxArgs-1)
			}
			if n >= maxArgs {
				return "", 0, fmt.Errorf("placeholder %q at byte %d is beyond {%d}", t[i:i+end+1], i, maxArgs-1)
			}
			b.WriteString("%[")
			b.WriteString(strconv.Itoa(n + 1))
			b.WriteString("]v")
			nargs = max(nargs, n+1)
			i += end
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nargs, nil
}
