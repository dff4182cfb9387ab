package envelope

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// requireInvalidCatalog checks that err is a catalog error: it wraps
// errInvalidCatalog and its text starts as the package documents.
func requireInvalidCatalog(t *testing.T, err error) {
	t.Helper()
	require.Error(t, err)
	assert.ErrorIs(t, err, errInvalidCatalog)
	assert.Contains(t, err.Error(), "envelope: invalid catalog")
}

func TestLoadCatalogErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, json, want string
	}{
		{"syntax", `{"de": {"codes": {`, "unexpected EOF"},
		{"syntax with line", "{\n\"de\": {\n\"codes\": {\"a\" \"b\"}}}", "line 3"},
		{"not an object", `[]`, "envelope: invalid catalog: line 1: expected a JSON object, found array"},
		{"null", `null`, "must be a JSON object"},
		{"trailing data", `{} {}`, "data after"},
		{"unknown member", `{"de": {"code": {}}}`, `de: unknown member "code"; a language has codes, fields and library`},
		{"language of wrong type", `{"de": []}`, "de: expected a JSON object, found array"},
		{"message of wrong type", `{"de": {"codes": {"not_found": 3}}}`, "de.codes.not_found: a message must be a string or an object"},
		{"message null", `{"de": {"codes": {"not_found": null}}}`, "de.codes.not_found: a message must be a string or an object"},
		{"message an array", `{"de": {"codes": {"not_found": [1]}}}`, "de.codes.not_found: a message must be a string or an object"},
		{"plural form of wrong type", `{"de": {"fields": {"min": {"other": 3}}}}`, `de.fields.min: plural form "other" must be a string`},
		{"count of wrong type", `{"de": {"fields": {"min": {"count": "a", "other": "x"}}}}`, `de.fields.min: "count" must be an integer`},
		{"messages of wrong type", `{"de": {"codes": []}}`, `de.codes: expected a JSON object, found array`},
		{"unknown language", `{"xx": {}}`, `"xx" is not a known BCP 47 language tag`},
		{"ill-formed language", `{"en_US!": {}}`, `"en_US!" is not a known`},
		{"empty language", `{"": {}}`, `"" is not a known`},
		{"duplicate language", `{"pt-BR": {}, "pt-br": {}}`, `"pt-BR" and "pt-br" name the same language`},
		{"bad code", `{"de": {"codes": {"Not-Found": "x"}}}`, `de.codes: "Not-Found" is not lowercase snake_case`},
		{"bad field key", `{"de": {"fields": {"a b": "x"}}}`, `de.fields: "a b" is not a field key`},
		{"empty message", `{"fr": {"codes": {"not_found": "  "}}}`, "fr.codes.not_found: the message is empty"},
		{"unclosed placeholder", `{"de": {"codes": {"not_found": "a {0"}}}`, "de.codes.not_found: unclosed placeholder at byte 2"},
		{"named placeholder", `{"de": {"fields": {"min": "at least {min}"}}}`, `de.fields.min: malformed placeholder "{min}" at byte 9`},
		{"empty placeholder", `{"de": {"fields": {"min": "{}"}}}`, `malformed placeholder "{}"`},
		{"leading zero", `{"de": {"fields": {"min": "{01}"}}}`, `malformed placeholder "{01}"`},
		{"signed", `{"de": {"fields": {"min": "{+1}"}}}`, `malformed placeholder "{+1}"`},
		{"too high", `{"de": {"fields": {"min": "{32}"}}}`, `"{32}" at byte 0 is beyond {31}`},
		{"unknown plural category", `{"de": {"fields": {"min": {"one": "a", "several": "b", "other": "c"}}}}`, "de.fields.min.several: unknown plural category"},
		{"bad exact selector", `{"de": {"fields": {"min": {"=x": "a", "other": "c"}}}}`, "de.fields.min.=x: unknown plural category"},
		{"missing other", `{"de": {"fields": {"min": {"one": "a"}}}}`, `de.fields.min: plural forms must include "other"`},
		{"empty plural form", `{"de": {"fields": {"min": {"one": "", "other": "b"}}}}`, "de.fields.min.one: the message is empty"},
		{"bad placeholder in a form", `{"de": {"fields": {"min": {"one": "{x}", "other": "b"}}}}`, `de.fields.min.one: malformed placeholder`},
		{"negative count", `{"de": {"fields": {"min": {"count": -1, "other": "b"}}}}`, "de.fields.min: count -1"},
		{"large count", `{"de": {"fields": {"min": {"count": 32, "other": "b"}}}}`, "de.fields.min: count 32"},
		// Library messages: only the library's own keys, validated like
		// any other message.
		{"unknown library key", `{"de": {"library": {"body_limits": "x"}}}`, `de.library: "body_limits" is not a library message key`},
		{"code name as library key", `{"fr": {"library": {"payload_too_large": "x"}}}`, `fr.library: "payload_too_large" is not a library message key`},
		{"empty library message", `{"de": {"library": {"body_limit": ""}}}`, "de.library.body_limit: the message is empty"},
		{"library message of wrong type", `{"de": {"library": {"json_empty": 1}}}`, "de.library.json_empty: a message must be a string or an object"},
		{"bad placeholder in a library message", `{"ja": {"library": {"json_syntax": "{offset}"}}}`, `ja.library.json_syntax: malformed placeholder "{offset}"`},
		{"library of wrong type", `{"de": {"library": []}}`, `de.library: expected a JSON object, found array`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := LoadCatalog(strings.NewReader(tt.json))
			requireInvalidCatalog(t, err)
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// TestLoadCatalogMessageForms loads both JSON forms of a message, in every
// section of a language: a string is a template, an object holds plural
// forms and the position of its count argument (0 unless given).
func TestLoadCatalogMessageForms(t *testing.T) {
	t.Parallel()
	c, err := LoadCatalog(strings.NewReader(`{
	  "de": {
	    "codes": {"in_use": "Der Name {0} ist vergeben."},
	    "fields": {
	      "slug": {"one": "{0} Zeichen", "other": "{0} Zeichen", "=0": "leer"},
	      "pair": {"count": 1, "one": "{0}: ein Eintrag", "other": "{0}: {1} Einträge"}
	    },
	    "library": {"body_limit": "Höchstens {0} Bytes."}
	  },
	  "pt-br": {}
	}`))
	require.NoError(t, err)
	assert.Equal(t, Catalog{
		"de": {
			Codes: map[Code]Message{"in_use": {Text: "Der Name {0} ist vergeben."}},
			Fields: map[string]Message{
				"slug": {Plural: map[string]string{"one": "{0} Zeichen", "other": "{0} Zeichen", "=0": "leer"}},
				"pair": {Count: 1, Plural: map[string]string{"one": "{0}: ein Eintrag", "other": "{0}: {1} Einträge"}},
			},
			Library: map[string]Message{"body_limit": {Text: "Höchstens {0} Bytes."}},
		},
		"pt-br": {},
	}, c, "language keys are kept as written; NewLocalizer canonicalizes them")
}

func TestLoadCatalogTooLarge(t *testing.T) {
	t.Parallel()
	big := `{"de": {"codes": {"not_found": "` + strings.Repeat("a", maxCatalogBytes) + `"}}}`
	_, err := LoadCatalog(strings.NewReader(big))
	requireInvalidCatalog(t, err)
	assert.Contains(t, err.Error(), "larger than")
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestLoadCatalogReadError(t *testing.T) {
	t.Parallel()
	_, err := LoadCatalog(failingReader{})
	requireInvalidCatalog(t, err)
	assert.Contains(t, err.Error(), "disk on fire")
}

// TestLoadCatalogFromFS loads catalogs from files of a file system, as an
// application embeds them (v1's LoadCatalogFS is gone: LoadCatalog reads any
// io.Reader, an fs.File included).
func TestLoadCatalogFromFS(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"i18n/messages.json": {Data: []byte(customCatalog)},
		"i18n/broken.json":   {Data: []byte(`{"de": {"codes": {"not_found": ""}}}`)},
	}
	f, err := fsys.Open("i18n/messages.json")
	require.NoError(t, err)
	c, err := LoadCatalog(f)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	assert.Equal(t, "è obbligatorio", c["it"].Fields["required"].Text)

	f, err = fsys.Open("i18n/broken.json")
	require.NoError(t, err)
	_, err = LoadCatalog(f)
	require.NoError(t, f.Close())
	requireInvalidCatalog(t, err)
	assert.Contains(t, err.Error(), "de.codes.not_found")
}

func TestCompileTemplate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		nargs    int
	}{
		{"plain", "plain", 0},
		{"100%", "100%%", 0},
		{"{0} of {1}", "%[1]v of %[2]v", 2},
		{"{1} only", "%[2]v only", 2},
		{"{{literal}} {0}", "{literal}} %[1]v", 1},
		{"}", "}", 0},
		{"%d %s {31}", "%%d %%s %[32]v", 32},
	}
	for _, tt := range tests {
		f, n, err := compileTemplate(tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, f, tt.in)
		assert.Equal(t, tt.nargs, n, tt.in)
	}
}

// TestCatalogJSONRoundTrip: a catalog built in Go marshals to the documented
// JSON form, which json.Unmarshal and LoadCatalog read back to the same
// catalog.
func TestCatalogJSONRoundTrip(t *testing.T) {
	t.Parallel()
	c := Catalog{"de": {
		Codes:   map[Code]Message{"in_use": {Text: "Noch in Gebrauch."}},
		Fields:  map[string]Message{"min_length": {Count: 0, Plural: map[string]string{"one": "mindestens {0} Zeichen", "other": "mindestens {0} Zeichen"}}},
		Library: map[string]Message{"body_limit": {Text: "Höchstens {0} Bytes."}},
	}}
	b, err := json.Marshal(c)
	require.NoError(t, err)
	var back Catalog
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, c, back)
	loaded, err := LoadCatalog(bytes.NewReader(b))
	require.NoError(t, err)
	assert.Equal(t, c, loaded)

	// The shipped catalog, every language, round-trips too.
	shipped := builtinCatalog()
	b, err = json.Marshal(shipped)
	require.NoError(t, err)
	loaded, err = LoadCatalog(bytes.NewReader(b))
	require.NoError(t, err)
	assert.Equal(t, shipped, loaded)
}
