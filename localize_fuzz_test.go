package envelope

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzNegotiate checks that any Accept-Language value negotiates to an
// offered language, the same one with and without the cache.
func FuzzNegotiate(f *testing.F) {
	for _, s := range []string{"", "de", "pt-PT;q=0.9, *", "xx, ja;q=0.1", ";;;", "de-" + strings.Repeat("a-", 40), "\xff,fr"} {
		f.Add(s)
	}
	l := testLocalizer()
	f.Fuzz(func(t *testing.T, s string) {
		i := l.negotiate([]string{s})
		require.GreaterOrEqual(t, i, 0)
		require.Less(t, i, len(l.langs))
		require.Equal(t, i, l.match(s))
		require.Equal(t, i, l.negotiate([]string{s}))
		b := boundAcceptLanguage(s)
		require.LessOrEqual(t, len(b), maxAcceptLanguageBytes)
	})
}

// FuzzLoadCatalog checks that any input either loads or fails with
// ErrInvalidCatalog, and that a loaded catalog either builds a Localizer
// whose messages print without formatting artefacts, whatever the
// arguments, or fails with ErrInvalidCatalog.
func FuzzLoadCatalog(f *testing.F) {
	f.Add(customCatalog, "%d {0}")
	f.Add(`{"de": {"codes": {"x": "{0}{1}%"}, "fields": {"a": {"count": 1, "=2": "{1}", "other": "{{}"}}}}`, "%[1]v")
	f.Add(`{"fr": {"fields": {"a": "{"}}}`, "")
	f.Fuzz(func(t *testing.T, data, arg string) {
		c, err := LoadCatalog(strings.NewReader(data))
		if err != nil {
			require.True(t, errors.Is(err, ErrInvalidCatalog), err)
			return
		}
		l, err := NewLocalizer(LocalizerOptions{Catalogs: []Catalog{c}})
		if err != nil {
			require.True(t, errors.Is(err, ErrInvalidCatalog), err)
			return
		}
		args := make([]any, maxArgs)
		for i := range args {
			if i%2 == 0 {
				args[i] = arg
			} else {
				args[i] = i
			}
		}
		for _, lm := range l.langs {
			for _, cm := range lm.fields {
				s, ok := cm.print(args)
				require.True(t, ok)
				assert.NotContains(t, strings.ReplaceAll(s, arg, ""), "%!")
			}
			for _, cm := range lm.codes {
				s, ok := cm.print(args)
				require.True(t, ok)
				assert.NotContains(t, strings.ReplaceAll(s, arg, ""), "%!")
			}
		}
	})
}

// TestCatalogJSONRoundTrip checks that a catalog marshals to the
// documented format and loads back unchanged.
func TestCatalogJSONRoundTrip(t *testing.T) {
	t.Parallel()
	c := builtinCatalog()
	raw, err := json.Marshal(c)
	require.NoError(t, err)
	back, err := LoadCatalog(strings.NewReader(string(raw)))
	require.NoError(t, err)
	assert.Equal(t, c, back)
}
