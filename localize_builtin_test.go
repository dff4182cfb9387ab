package envelope

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"
)

func TestBuiltinCatalogIsValid(t *testing.T) {
	t.Parallel()
	c := builtinCatalog()
	require.NoError(t, c.Validate())
	got := make([]string, 0, len(c))
	for k := range c {
		got = append(got, k)
	}
	slices.Sort(got)
	want := slices.Clone(shippedLanguages)
	slices.Sort(want)
	assert.Equal(t, want, got)
}

// TestBuiltinCatalogComplete checks that every built-in code and every
// field key has a message of its own in every shipped language, written
// for it rather than copied from English.
func TestBuiltinCatalogComplete(t *testing.T) {
	t.Parallel()
	c := builtinCatalog()
	en := c["en"]
	for _, lang := range shippedLanguages {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			ms := c[lang]
			assert.Len(t, ms.Codes, len(builtinCodes), "no extra codes")
			for _, code := range builtinCodes {
				m, ok := ms.Codes[code]
				if !assert.True(t, ok, "%s has no message for %s", lang, code) {
					continue
				}
				if lang != "en" {
					assert.NotEqual(t, en.Codes[code], m, "%s.%s is the English text", lang, code)
				}
			}
			assert.ElementsMatch(t, sortedKeys(en.Fields), sortedKeys(ms.Fields), "%s has the same field keys as en", lang)
			for key, m := range ms.Fields {
				if lang != "en" {
					assert.NotEqual(t, en.Fields[key], m, "%s.fields.%s is the English text", lang, key)
				}
			}
		})
	}
}

// TestEnglishAgreesWithDefaults checks that the English catalog renders
// exactly the built-in default messages, so that configuring a Localizer
// changes nothing for English clients.
func TestEnglishAgreesWithDefaults(t *testing.T) {
	t.Parallel()
	l := testLocalizer()
	en := l.langs[0]
	require.Equal(t, language.English, en.tag)
	for _, code := range builtinCodes {
		msg, lang, ok := en.codeMessage(New(code, ""))
		require.True(t, ok, code)
		assert.Equal(t, builtinMessage(code), msg, code)
		assert.Equal(t, New(code, "").Message(), msg, code)
		assert.Equal(t, []string{"en"}, lang)
	}
}

// TestBuiltinMessagesPrint renders every message of every shipped
// language with plausible arguments and checks that no formatting
// artefact leaks.
func TestBuiltinMessagesPrint(t *testing.T) {
	t.Parallel()
	l := testLocalizer()
	for _, lm := range l.langs {
		for _, code := range builtinCodes {
			s, _, ok := lm.codeMessage(New(code, ""))
			require.True(t, ok)
			assert.NotContains(t, s, "%!", "%s %s", lm.tag, code)
			assert.NotContains(t, s, "{", "%s %s", lm.tag, code)
		}
		for key, cm := range lm.fields {
			for _, n := range []any{0, 1, 2, 5, 21, 1000} {
				s, ok := cm.print([]any{n})
				require.True(t, ok)
				assert.NotContains(t, s, "%!", "%s %s", lm.tag, key)
				assert.NotContains(t, s, "{", "%s %s", lm.tag, key)
			}
		}
	}
}
