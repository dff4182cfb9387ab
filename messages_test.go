package envelope

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"
)

// libraryArgs is how many arguments the library gives each of its
// messages where it makes the error (resolve.go, request.go): the byte
// limit and the syntax error's offset.
var libraryArgs = map[string]int{keyBodyLimit: 1, keyJSONSyntax: 1}

// jsonKinds are the kinds of JSON value request decoding names in the
// field keys type_<kind>, with a Go value of each.
var jsonKinds = map[string]any{
	"string": "", "boolean": false, "integer": 0, "unsigned": uint8(0), "number": 0.5,
	"array": []int{}, "object": struct{}{}, "value": make(chan int),
}

func TestBuiltinCatalogIsValid(t *testing.T) {
	t.Parallel()
	c := builtinCatalog()
	_, err := c.normalize()
	require.NoError(t, err)
	assert.ElementsMatch(t, shippedLanguages, sortedKeys(c))
	// Every shipped language is complete enough to be the default.
	for _, lang := range shippedLanguages {
		_, err := NewLocalizer(LocalizerOptions{Default: language.MustParse(lang)})
		assert.NoError(t, err, lang)
	}
}

// TestBuiltinCatalogComplete checks that every built-in code, every field
// key and every library message key has a message of its own in every
// shipped language, written for it rather than copied from English.
func TestBuiltinCatalogComplete(t *testing.T) {
	t.Parallel()
	c := builtinCatalog()
	en := c["en"]
	for kind := range jsonKinds {
		assert.Contains(t, en.Fields, "type_"+kind, "no message for a value of the wrong type %s", kind)
	}
	for _, key := range []string{"required", "invalid", "unknown", "type"} {
		assert.Contains(t, en.Fields, key, "the library uses the field key %s", key)
	}
	assert.ElementsMatch(t, sortedKeys(libraryCodes), sortedKeys(en.Library), "en has a message for every library key, and no other")
	for _, lang := range shippedLanguages {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			ms := c[lang]
			assert.Len(t, ms.Codes, len(builtins), "no extra codes")
			for _, info := range builtins {
				m, ok := ms.Codes[info.Code]
				if !assert.True(t, ok, "%s has no message for %s", lang, info.Code) {
					continue
				}
				if lang != "en" {
					assert.NotEqual(t, en.Codes[info.Code], m, "%s.codes.%s is the English text", lang, info.Code)
				}
			}
			assert.ElementsMatch(t, sortedKeys(en.Fields), sortedKeys(ms.Fields), "%s has the same field keys as en", lang)
			assert.ElementsMatch(t, sortedKeys(en.Library), sortedKeys(ms.Library), "%s has the same library keys as en", lang)
			if lang == "en" {
				return
			}
			for key, m := range ms.Fields {
				assert.NotEqual(t, en.Fields[key], m, "%s.fields.%s is the English text", lang, key)
			}
			for key, m := range ms.Library {
				assert.NotEqual(t, en.Library[key], m, "%s.library.%s is the English text", lang, key)
			}
		})
	}
}

// TestTypeFieldKeysMatchDecoding: the kinds of the type_<kind> field keys
// are exactly those request decoding names.
func TestTypeFieldKeysMatchDecoding(t *testing.T) {
	t.Parallel()
	for kind, v := range jsonKinds {
		assert.Equal(t, kind, jsonKindOf(reflect.TypeOf(v)), "%T", v)
	}
	assert.Equal(t, "integer", jsonKindOf(reflect.TypeFor[**int]()), "pointers decode as what they point to")
	assert.Equal(t, "object", jsonKindOf(reflect.TypeFor[map[string]int]()))
	assert.Equal(t, "value", jsonKindOf(nil))
	for _, key := range sortedKeys(builtinCatalog()["en"].Fields) {
		if kind, ok := strings.CutPrefix(key, "type_"); ok {
			assert.Contains(t, jsonKinds, kind, "field key %s names no kind decoding reports", key)
		}
	}
}

// placeholders returns the argument positions a message's templates use,
// all forms together, sorted.
func placeholders(t *testing.T, m Message) []int {
	t.Helper()
	texts := []string{m.Text}
	for _, f := range m.Plural {
		texts = append(texts, f)
	}
	var out []int
	for _, s := range texts {
		for i := 0; i < len(s); i++ {
			if s[i] != '{' {
				continue
			}
			if strings.HasPrefix(s[i:], "{{") {
				i++
				continue
			}
			end := strings.IndexByte(s[i:], '}')
			require.Positive(t, end, "unclosed placeholder in %q", s)
			n, err := strconv.Atoi(s[i+1 : i+end])
			require.NoError(t, err, "%q", s)
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
			i += end
		}
	}
	slices.Sort(out)
	return out
}

// TestBuiltinPlaceholdersAgree: a message takes the same arguments in
// every language (so no language drops a number or prints a missing one),
// a plural message counts the same argument, and a library message takes
// exactly the arguments the library gives it.
func TestBuiltinPlaceholdersAgree(t *testing.T) {
	t.Parallel()
	c := builtinCatalog()
	en := c["en"]
	check := func(t *testing.T, loc string, want, got Message) {
		t.Helper()
		assert.Equal(t, placeholders(t, want), placeholders(t, got), loc)
		if len(want.Plural) > 0 && len(got.Plural) > 0 {
			assert.Equal(t, want.Count, got.Count, "%s counts another argument", loc)
		}
	}
	for _, lang := range shippedLanguages {
		ms := c[lang]
		for code, m := range ms.Codes {
			check(t, lang+".codes."+string(code), en.Codes[code], m)
			assert.Empty(t, placeholders(t, m), "%s.codes.%s: built-in errors carry no arguments", lang, code)
		}
		for key, m := range ms.Fields {
			check(t, lang+".fields."+key, en.Fields[key], m)
		}
		for key, m := range ms.Library {
			check(t, lang+".library."+key, en.Library[key], m)
			n := libraryArgs[key]
			var want []int
			for i := range n {
				want = append(want, i)
			}
			assert.Equal(t, want, placeholders(t, m), "%s.library.%s takes the library's %d arguments", lang, key, n)
		}
	}
	for key, code := range libraryCodes {
		info := builtin(code)
		require.NotNil(t, info, "library key %s has a code that is not built in", key)
	}
}

// libraryError is the error the library makes for key, with the
// arguments it gives (a 1 MiB limit, an offset of 1234).
func libraryError(key string) *APIError {
	e := &APIError{code: libraryCodes[key], key: key}
	switch key {
	case keyBodyLimit:
		e.args = []any{plainInt(1 << 20)}
	case keyJSONSyntax:
		e.args = []any{plainInt(1234)}
	}
	return e
}

// libraryText is the catalog text of a library message with the arguments
// of libraryError substituted.
func libraryText(m Message, key string) string {
	s := m.Text
	switch key {
	case keyBodyLimit:
		s = strings.ReplaceAll(s, "{0}", "1048576")
	case keyJSONSyntax:
		s = strings.ReplaceAll(s, "{0}", "1234")
	}
	return s
}

// TestEveryLibraryMessageRenders renders every library message in every
// shipped language, with the status of its code and the language's
// Content-Language, through a real server.
func TestEveryLibraryMessageRenders(t *testing.T) {
	t.Parallel()
	errs := map[string]error{}
	for key := range libraryCodes {
		errs["/"+key] = libraryError(key)
	}
	srv := errorServer(t, WriterOptions{Localizer: testLocalizer()}, errs)
	c := builtinCatalog()
	for _, key := range sortedKeys(libraryCodes) {
		for _, lang := range shippedLanguages {
			resp, b := requestLocalized(t, srv, http.MethodGet, "/"+key, lang, nil, "")
			assert.Equal(t, builtin(libraryCodes[key]).Status, resp.StatusCode, key)
			assert.Equal(t, string(libraryCodes[key]), b.Code, key)
			assert.Equal(t, libraryText(c[lang].Library[key], key), b.Message, "%s in %s", key, lang)
			assert.Equal(t, lang, resp.Header.Get("Content-Language"), "%s in %s", key, lang)
		}
	}
}

// TestEnglishAgreesWithDefaults checks that the English catalog renders
// exactly the built-in default messages, library messages included, so
// that configuring a Localizer changes nothing for English clients, and
// that the messages an error tells (APIError.Message, for logs) are those
// a writer sends.
func TestEnglishAgreesWithDefaults(t *testing.T) {
	t.Parallel()
	plain := quietWriter(t)
	localized := newWriter(t, WriterOptions{Localizer: testLocalizer()})
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Accept-Language", "en-US")
	render := func(ew *Writer, e *APIError) (string, http.Header) {
		h := http.Header{}
		_, body := ew.Render(h, r, e)
		var b localizedBody
		require.NoError(t, json.Unmarshal(body, &b))
		return b.Message, h
	}
	var errs []*APIError
	for _, info := range builtins {
		e := New(info.Code, "")
		assert.Equal(t, info.Message, e.Message(), info.Code)
		errs = append(errs, e)
	}
	for _, key := range sortedKeys(libraryCodes) {
		errs = append(errs, libraryError(key))
	}
	// A library error given arguments its message cannot take falls back
	// to its code's message, on the wire and in what it tells.
	errs = append(errs, libraryError(keyBodyLimit).WithArgs())
	for _, e := range errs {
		want := e.Message()
		got, h := render(plain, e)
		assert.Equal(t, want, got, "%s/%s without a Localizer", e.Code(), e.key)
		assert.Empty(t, h.Values("Content-Language"))
		got, h = render(localized, e)
		assert.Equal(t, want, got, "%s/%s in English", e.Code(), e.key)
		assert.Equal(t, []string{"en"}, h.Values("Content-Language"))
	}
	assert.Equal(t, "The request body must not exceed 1048576 bytes.", libraryError(keyBodyLimit).Message())
	assert.Equal(t, "The request body is not valid JSON (syntax error at byte 1234).", libraryError(keyJSONSyntax).Message())
}

// TestBuiltinMessagesPrint renders every message of every shipped
// language with plausible arguments and checks that no formatting
// artefact leaks.
func TestBuiltinMessagesPrint(t *testing.T) {
	t.Parallel()
	l := testLocalizer()
	require.Len(t, l.langs, len(shippedLanguages))
	clean := func(s, what string) {
		t.Helper()
		assert.NotEmpty(t, s, what)
		assert.NotContains(t, s, "%!", what)
		assert.NotContains(t, s, "{", what)
		assert.NotContains(t, s, "PANIC", what)
	}
	for _, lm := range l.langs {
		for _, info := range builtins {
			s, ok := lm.codes[info.Code].print(nil)
			require.True(t, ok, "%s %s", lm.tag, info.Code)
			clean(s, lm.tag.String()+" "+string(info.Code))
		}
		for _, n := range []any{0, 1, 2, 5, 21, 1000, plainInt(1 << 20)} {
			for key, cm := range lm.fields {
				s, ok := cm.print([]any{n})
				require.True(t, ok, "%s %s", lm.tag, key)
				clean(s, lm.tag.String()+" fields."+key)
			}
			for key, cm := range lm.library {
				s, ok := cm.print([]any{n})
				require.True(t, ok, "%s %s", lm.tag, key)
				clean(s, lm.tag.String()+" library."+key)
			}
		}
	}
}
