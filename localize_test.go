package envelope

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"
)

// shippedLanguages are the languages the package ships messages for.
var shippedLanguages = []string{"en", "de", "fr", "es", "ja", "pt-BR"}

var testLocalizer = sync.OnceValue(func() *Localizer {
	l, err := NewLocalizer(LocalizerOptions{})
	if err != nil {
		panic(err)
	}
	return l
})

func TestNegotiate(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("x-"+strings.Repeat("a", 8)+";q=0.1,", 100<<10/12) + "de"
	tests := []struct {
		name   string
		header []string
		want   string
	}{
		{"missing", nil, "en"},
		{"empty", []string{""}, "en"},
		{"exact", []string{"de"}, "de"},
		{"region falls back to language", []string{"en-GB"}, "en"},
		{"swiss german", []string{"de-CH"}, "de"},
		{"canadian french", []string{"fr-CA"}, "fr"},
		{"latin american spanish", []string{"es-419"}, "es"},
		{"japanese with region", []string{"ja-JP"}, "ja"},
		{"european portuguese to brazilian", []string{"pt-PT"}, "pt-BR"},
		{"bare portuguese to brazilian", []string{"pt"}, "pt-BR"},
		{"case insensitive", []string{"PT-br"}, "pt-BR"},
		{"quality order", []string{"de;q=0.5, fr;q=0.9"}, "fr"},
		{"quality zero excludes", []string{"de;q=0, ja;q=0.2"}, "ja"},
		{"first of equal quality", []string{"es, fr"}, "es"},
		{"unsupported first, supported later", []string{"zh-CN, ja;q=0.1"}, "ja"},
		{"wildcard", []string{"*"}, "en"},
		{"wildcard after a match", []string{"fr, *;q=0.5"}, "fr"},
		{"only unsupported", []string{"zh, ko"}, "en"},
		{"unknown subtag skipped", []string{"xx, de;q=0.5"}, "de"},
		{"malformed", []string{";;;,,,=q"}, "en"},
		{"malformed quality", []string{"de;q=abc"}, "en"},
		{"garbage bytes", []string{"\xff\xfe\x00de"}, "en"},
		{"several field lines", []string{"zh", "pt-BR;q=0.8"}, "pt-BR"},
		{"huge header ignores the tail", []string{huge}, "en"},
		{"huge single tag", []string{strings.Repeat("a", 100<<10)}, "en"},
		{"many dashes", []string{"de" + strings.Repeat("-a", 50<<10)}, "en"},
	}
	l := testLocalizer()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			if tt.header != nil {
				r.Header["Accept-Language"] = tt.header
			}
			assert.Equal(t, tt.want, l.Negotiate(r).String())
		})
	}
}

func TestNegotiateDefaultLanguage(t *testing.T) {
	t.Parallel()
	l, err := NewLocalizer(LocalizerOptions{Default: language.German, Languages: []language.Tag{language.Japanese}})
	require.NoError(t, err)
	assert.Equal(t, []language.Tag{language.German, language.Japanese}, l.Languages())
	for header, want := range map[string]string{"": "de", "fr": "de", "ja": "ja", "en-US": "de", "###": "de"} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Accept-Language", header)
		assert.Equal(t, want, l.Negotiate(r).String(), header)
	}
	assert.Equal(t, "de", l.Negotiate(nil).String())
}

// serveLocalized starts a server whose handler answers every request with err,
// after setting the given Vary values.
func serveLocalized(t *testing.T, cfg Config, err error, vary ...string) *httptest.Server {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	ew, nerr := NewErrorWriter(cfg)
	require.NoError(t, nerr)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(vary) > 0 {
			w.Header()["Vary"] = vary
		}
		ew.Write(w, r, err)
	}))
	t.Cleanup(srv.Close)
	return srv
}

type wireBody struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields"`
}

func get(t *testing.T, srv *httptest.Server, acceptLanguage string) (*http.Response, wireBody) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL, nil)
	require.NoError(t, err)
	if acceptLanguage != "" {
		req.Header.Set("Accept-Language", acceptLanguage)
	}
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var b wireBody
	require.NoError(t, json.Unmarshal(raw, &b), string(raw))
	return resp, b
}

func TestLocalizedRoundTrip(t *testing.T) {
	t.Parallel()
	err := Validation("").WithFields(
		FieldError{Field: "email", Code: "required"},
		FieldError{Field: "name", Code: "min_length", Args: []any{3}},
		FieldError{Field: "nick", Code: "max_length", Args: []any{1}},
		FieldError{Field: "id", Code: "uuid", Message: "explicit stays"},
	)
	srv := serveLocalized(t, Config{Localizer: testLocalizer()}, err)
	tests := []struct {
		accept, lang, message, required, minLen, maxLen string
	}{
		{"en-US", "en", "One or more fields are invalid.", "is required", "must be at least 3 characters long", "must be at most 1 character long"},
		{"de-DE,de;q=0.9", "de", "Ein oder mehrere Felder sind ungültig.", "ist erforderlich", "muss mindestens 3 Zeichen lang sein", "darf höchstens ein Zeichen lang sein"},
		{"fr", "fr", "Un ou plusieurs champs ne sont pas valides.", "est obligatoire", "doit contenir au moins 3 caractères", "ne doit pas dépasser 1 caractère"},
		{"es-MX", "es", "Uno o más campos no son válidos.", "es obligatorio", "debe tener al menos 3 caracteres", "no debe superar 1 carácter"},
		{"ja", "ja", "1つ以上の項目の値が正しくありません。", "必須です", "3文字以上で入力してください", "1文字以内で入力してください"},
		{"pt-BR", "pt-BR", "Um ou mais campos são inválidos.", "é obrigatório", "deve ter pelo menos 3 caracteres", "deve ter no máximo 1 caractere"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			t.Parallel()
			resp, b := get(t, srv, tt.accept)
			assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
			assert.Equal(t, tt.lang, resp.Header.Get("Content-Language"))
			assert.Equal(t, []string{"Accept-Language"}, resp.Header.Values("Vary"))
			assert.Equal(t, "validation_failed", b.Code)
			assert.Equal(t, tt.message, b.Message)
			assert.Equal(t, tt.required, b.Fields["email"])
			assert.Equal(t, tt.minLen, b.Fields["name"])
			assert.Equal(t, tt.maxLen, b.Fields["nick"])
			assert.Equal(t, "explicit stays", b.Fields["id"])
		})
	}
}

func TestLocalizedEveryCodeOverTheWire(t *testing.T) {
	t.Parallel()
	for _, code := range builtinCodes {
		srv := serveLocalized(t, Config{Localizer: testLocalizer()}, New(code, ""))
		for _, lang := range shippedLanguages {
			resp, b := get(t, srv, lang)
			want := builtinCatalog()[lang].Codes[code].Text
			require.NotEmpty(t, want)
			assert.Equal(t, want, b.Message, "%s in %s", code, lang)
			assert.Equal(t, lang, resp.Header.Get("Content-Language"), "%s in %s", code, lang)
		}
	}
}

func TestVary(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"none", nil, []string{"Accept-Language"}},
		{"added to others", []string{"Origin"}, []string{"Origin", "Accept-Language"}},
		{"added to a list", []string{"Origin, Accept-Encoding"}, []string{"Origin, Accept-Encoding", "Accept-Language"}},
		{"not duplicated", []string{"Origin, accept-language"}, []string{"Origin, accept-language"}},
		{"not duplicated in a later line", []string{"Origin", "ACCEPT-LANGUAGE,Cookie"}, []string{"Origin", "ACCEPT-LANGUAGE,Cookie"}},
		{"star covers it", []string{"*"}, []string{"*"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := serveLocalized(t, Config{Localizer: testLocalizer()}, ErrNotFound, tt.in...)
			resp, _ := get(t, srv, "de")
			assert.Equal(t, tt.want, resp.Header.Values("Vary"))
		})
	}
}

func TestExplicitMessageWins(t *testing.T) {
	t.Parallel()
	srv := serveLocalized(t, Config{Localizer: testLocalizer()}, NotFound("No widget 42."))
	resp, b := get(t, srv, "de")
	assert.Equal(t, "No widget 42.", b.Message)
	assert.Empty(t, resp.Header.Values("Content-Language"), "the writer cannot know an explicit message's language")
	assert.Equal(t, []string{"Accept-Language"}, resp.Header.Values("Vary"))
}

func TestUnlocalizedWriterUnchanged(t *testing.T) {
	t.Parallel()
	srv := serveLocalized(t, Config{}, Validation("").WithFields(FieldError{Field: "a", Code: "required"}))
	resp, b := get(t, srv, "de")
	assert.Equal(t, builtinMessage(CodeValidation), b.Message)
	assert.Equal(t, "", b.Fields["a"])
	assert.Empty(t, resp.Header.Values("Content-Language"))
	assert.Empty(t, resp.Header.Values("Vary"))
}

func TestStaleContentLanguageReplaced(t *testing.T) {
	t.Parallel()
	ew, err := NewErrorWriter(Config{Localizer: testLocalizer(), Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Language", "it")
		ew.Write(w, r, ErrGone)
	}))
	t.Cleanup(srv.Close)
	resp, b := get(t, srv, "ja")
	assert.Equal(t, []string{"ja"}, resp.Header.Values("Content-Language"))
	assert.Equal(t, "要求されたリソースは既に利用できません。", b.Message)
}

const customCatalog = `{
  "en": {
    "codes": {
      "quota_exceeded": "Your plan allows {0} projects; you have {1}. That is 100% of it.",
      "not_found": "Nothing here."
    },
    "fields": {
      "slug": {"count": 0, "=0": "must be empty", "one": "must be {0} character", "other": "must be {0} characters"}
    }
  },
  "de": {
    "codes": {"quota_exceeded": "Ihr Tarif erlaubt {0} Projekte; Sie haben {1}."}
  },
  "it": {
    "codes": {"not_found": "La risorsa richiesta non è stata trovata."},
    "fields": {"required": "è obbligatorio"}
  }
}`

func customLocalizer(t *testing.T) *Localizer {
	t.Helper()
	c, err := LoadCatalog(strings.NewReader(customCatalog))
	require.NoError(t, err)
	l, err := NewLocalizer(LocalizerOptions{Catalogs: []Catalog{c}})
	require.NoError(t, err)
	return l
}

func TestCustomCatalog(t *testing.T) {
	t.Parallel()
	l := customLocalizer(t)
	quota := New("quota_exceeded", "").WithStatus(http.StatusForbidden)
	tests := []struct {
		name, accept string
		err          error
		lang, want   string
		fields       map[string]string
	}{
		{"domain code with args", "en", quota.WithArgs(3, 5), "en", "Your plan allows 3 projects; you have 5. That is 100% of it.", nil},
		{"domain code in german", "de", quota.WithArgs(1000, 1001), "de", "Ihr Tarif erlaubt 1.000 Projekte; Sie haben 1.001.", nil},
		{"language without it falls back to default", "it", quota.WithArgs(3, 5), "en", "Your plan allows 3 projects; you have 5. That is 100% of it.", nil},
		{"args are data, not formats", "en", quota.WithArgs("%d {1} %[2]v", "%!"), "en", "Your plan allows %d {1} %[2]v projects; you have %!. That is 100% of it.", nil},
		{"too few args: the code's default", "de", quota.WithArgs(3), "", builtinMessage(CodeForbidden), nil},
		{"extra args ignored", "de", quota.WithArgs(1, 2, 3), "de", "Ihr Tarif erlaubt 1 Projekte; Sie haben 2.", nil},
		{"override of a built-in", "en-GB", ErrNotFound, "en", "Nothing here.", nil},
		{"override keeps other languages", "fr", ErrNotFound, "fr", "La ressource demandée est introuvable.", nil},
		{"added language", "it-IT", ErrNotFound, "it", "La risorsa richiesta non è stata trovata.", nil},
		{"added language falls back per message", "it", ErrGone, "en", builtinMessage(CodeGone), nil},
		{"unknown code speaks for its status", "de", New("totally_unknown", "").WithStatus(http.StatusConflict), "de", "Die Anfrage steht im Widerspruch zum aktuellen Zustand der Ressource.", nil},
		{"exact plural selector", "en", Validation("").WithFields(
			FieldError{Field: "a", Code: "slug", Args: []any{0}},
			FieldError{Field: "b", Code: "slug", Args: []any{1}},
			FieldError{Field: "c", Code: "slug", Args: []any{12}},
			FieldError{Field: "d", Code: "slug", Args: []any{"a lot"}},
		), "en", builtinMessage(CodeValidation), map[string]string{"a": "must be empty", "b": "must be 1 character", "c": "must be 12 characters", "d": "must be a lot characters"}},
		{"field without args or unknown key: generic", "it", Validation("").WithFields(
			FieldError{Field: "a", Code: "slug"},
			FieldError{Field: "b", Code: "no_such_key"},
			FieldError{Field: "c", Code: "required"},
			FieldError{Field: "d", Code: "oneof", Args: []any{"{0}%s"}},
		), "en", "One or more fields are invalid.", map[string]string{"a": "is invalid", "b": "is invalid", "c": "è obbligatorio", "d": "must be one of: {0}%s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := serveLocalized(t, Config{Localizer: l}, tt.err)
			resp, b := get(t, srv, tt.accept)
			assert.Equal(t, tt.want, b.Message)
			assert.Equal(t, tt.lang, resp.Header.Get("Content-Language"))
			for k, v := range tt.fields {
				assert.Equal(t, v, b.Fields[k], k)
			}
		})
	}
}

func TestLocalizeLeavesErrorUntouched(t *testing.T) {
	t.Parallel()
	e := Validation("").WithFields(FieldError{Field: "a", Code: "required"})
	srv := serveLocalized(t, Config{Localizer: testLocalizer()}, e)
	_, b := get(t, srv, "de")
	assert.Equal(t, "ist erforderlich", b.Fields["a"])
	assert.Equal(t, "", e.Fields()[0].Message)
}

func TestWithArgsCopies(t *testing.T) {
	t.Parallel()
	args := []any{1, "x"}
	e := ErrConflict.WithArgs(args...)
	args[0] = 99
	assert.Equal(t, []any{1, "x"}, e.Args())
	assert.Nil(t, ErrConflict.Args())
	got := e.Args()
	got[1] = "changed"
	assert.Equal(t, []any{1, "x"}, e.Args())
	var nilErr *APIError
	assert.Nil(t, nilErr.Args())
	assert.Equal(t, []any{2}, nilErr.WithArgs(2).Args())
}

func TestLoadCatalogErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, json, want string
	}{
		{"syntax", `{"de": {"codes": {`, "unexpected EOF"},
		{"syntax with line", "{\n\"de\": {\n\"codes\": {\"a\" \"b\"}}}", "line 3"},
		{"not an object", `[]`, "cannot unmarshal array"},
		{"null", `null`, "must be a JSON object"},
		{"trailing data", `{} {}`, "data after"},
		{"unknown member", `{"de": {"code": {}}}`, `unknown field "code"`},
		{"message of wrong type", `{"de": {"codes": {"not_found": 3}}}`, "de.codes.not_found: a message must be a string or an object"},
		{"plural form of wrong type", `{"de": {"fields": {"min": {"other": 3}}}}`, `de.fields.min: plural form "other" must be a string`},
		{"count of wrong type", `{"de": {"fields": {"min": {"count": "a", "other": "x"}}}}`, `de.fields.min: "count" must be an integer`},
		{"messages of wrong type", `{"de": {"codes": []}}`, `de: `},
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := LoadCatalog(strings.NewReader(tt.json))
			require.Error(t, err)
			assert.Nil(t, c)
			assert.ErrorIs(t, err, ErrInvalidCatalog)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestLoadCatalogTooLarge(t *testing.T) {
	t.Parallel()
	big := `{"de": {"codes": {"not_found": "` + strings.Repeat("a", maxCatalogBytes) + `"}}}`
	_, err := LoadCatalog(strings.NewReader(big))
	require.ErrorIs(t, err, ErrInvalidCatalog)
	assert.Contains(t, err.Error(), "larger than")
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestLoadCatalogReadError(t *testing.T) {
	t.Parallel()
	_, err := LoadCatalog(failingReader{})
	require.ErrorIs(t, err, ErrInvalidCatalog)
	assert.Contains(t, err.Error(), "disk on fire")
}

func TestLoadCatalogFS(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"i18n/messages.json": {Data: []byte(customCatalog)},
		"i18n/broken.json":   {Data: []byte(`{"de": {"codes": {"not_found": ""}}}`)},
	}
	c, err := LoadCatalogFS(fsys, "i18n/messages.json")
	require.NoError(t, err)
	assert.Equal(t, "è obbligatorio", c["it"].Fields["required"].Text)

	_, err = LoadCatalogFS(fsys, "i18n/broken.json")
	require.ErrorIs(t, err, ErrInvalidCatalog)
	assert.Contains(t, err.Error(), "i18n/broken.json: ")
	assert.Contains(t, err.Error(), "de.codes.not_found")

	_, err = LoadCatalogFS(fsys, "i18n/missing.json")
	require.ErrorIs(t, err, ErrInvalidCatalog)
	assert.Contains(t, err.Error(), "missing.json")
}

func TestNewLocalizerErrors(t *testing.T) {
	t.Parallel()
	italian := language.Italian
	tests := []struct {
		name string
		opts LocalizerOptions
		want string
	}{
		{"default without messages", LocalizerOptions{Default: italian}, "default language it has no messages"},
		{"default missing a code", LocalizerOptions{Default: italian, Catalogs: []Catalog{{"it": {Codes: map[Code]Message{CodeNotFound: {Text: "Non trovato."}}}}}}, "default language it has no message for code invalid_request"},
		{"offered without messages", LocalizerOptions{Languages: []language.Tag{language.Korean}}, "language ko is offered but has no messages"},
		{"invalid Go catalog", LocalizerOptions{Catalogs: []Catalog{nil, {"de": {Fields: map[string]Message{"min": {Text: "{x}"}}}}}}, "catalog 1: envelope: invalid catalog: de.fields.min: malformed placeholder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l, err := NewLocalizer(tt.opts)
			require.Error(t, err)
			assert.Nil(t, l)
			assert.ErrorIs(t, err, ErrInvalidCatalog)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestLocalizerFromGo(t *testing.T) {
	t.Parallel()
	c := Catalog{"de": {
		Codes:  map[Code]Message{"name_taken": {Text: "Der Name {0} ist bereits vergeben."}},
		Fields: map[string]Message{"required": {Text: "muss angegeben werden"}},
	}}
	require.NoError(t, c.Validate())
	l, err := NewLocalizer(LocalizerOptions{Catalogs: []Catalog{c}, Languages: []language.Tag{language.German}})
	require.NoError(t, err)
	assert.Equal(t, []language.Tag{language.English, language.German}, l.Languages())
	// Not "in_use": parallel tests register that code with its own message.
	e := New("name_taken", "").WithStatus(http.StatusConflict).WithArgs("<b>&\"x\"").WithFields(FieldError{Field: "name", Code: "required"})
	srv := serveLocalized(t, Config{Localizer: l}, e)
	_, b := get(t, srv, "de")
	assert.Equal(t, `Der Name <b>&"x" ist bereits vergeben.`, b.Message)
	assert.Equal(t, "muss angegeben werden", b.Fields["name"])
	_, b = get(t, srv, "fr")
	assert.Equal(t, builtinMessage(CodeConflict), b.Message, "fr is not offered here")
}

func TestMessageJSON(t *testing.T) {
	t.Parallel()
	for _, m := range []Message{
		{Text: "is required"},
		{Count: 1, Plural: map[string]string{"one": "{1} item", "other": "{1} items"}},
	} {
		raw, err := json.Marshal(m)
		require.NoError(t, err)
		var back Message
		require.NoError(t, json.Unmarshal(raw, &back))
		assert.Equal(t, m, back, string(raw))
	}
	var m Message
	assert.Error(t, json.Unmarshal([]byte(`[1]`), &m))
	assert.Error(t, json.Unmarshal([]byte(`null`), &m))
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

func TestConcurrentLocalizedWrites(t *testing.T) {
	t.Parallel()
	srv := serveLocalized(t, Config{Localizer: testLocalizer()}, Validation("").WithFields(FieldError{Field: "n", Code: "min_items", Args: []any{2}}))
	var wg sync.WaitGroup
	for i := range 16 {
		lang := shippedLanguages[i%len(shippedLanguages)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, b := get(t, srv, lang)
			assert.Equal(t, lang, resp.Header.Get("Content-Language"))
			assert.NotEmpty(t, b.Fields["n"])
		}()
	}
	wg.Wait()
}

func TestBoundAcceptLanguage(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", maxAcceptLanguageEntry+1)
	many := strings.Repeat("de,", 20) + "fr"
	tests := []struct{ in, want string }{
		{"", ""},
		{"de", "de"},
		{"de, fr;q=0.5", "de, fr;q=0.5"},
		{long, ""},
		{long + ",de", "de"},
		{"de," + long + ",fr", "de,fr"},
		{"de," + long, "de"},
		{many, strings.TrimSuffix(strings.Repeat("de,", maxAcceptLanguageEntries), ",")},
		{"de, x-private, 12, fr", "de, fr"},
		{"de;q=0.5,\x00en,*", "de;q=0.5,*"},
		{"de,,fr", "de,,fr"},
		{"de," + strings.Repeat("x", 2000), "de"},
		{strings.Repeat("y", 2000), ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, boundAcceptLanguage(tt.in), "%.40q", tt.in)
	}
}

func TestNegotiationCacheBounded(t *testing.T) {
	t.Parallel()
	l, err := NewLocalizer(LocalizerOptions{})
	require.NoError(t, err)
	for i := range 3 * maxCachedLanguages {
		assert.Equal(t, 1, l.negotiate([]string{"de;q=0." + strconv.Itoa(i+1)}))
		assert.LessOrEqual(t, int(l.cache.n.Load()), maxCachedLanguages)
	}
	n := 0
	l.cache.m.Range(func(any, any) bool { n++; return true })
	assert.LessOrEqual(t, n, maxCachedLanguages)
	// Cached and uncached answers agree.
	for _, h := range []string{"pt-PT", "ja, de;q=0.5", "zh", ""} {
		first := l.negotiate([]string{h})
		assert.Equal(t, first, l.negotiate([]string{h}), h)
		assert.Equal(t, first, l.match(h), h)
	}
	long := strings.Repeat("fr;q=0.5,", maxCachedHeaderBytes/9+1)
	assert.Equal(t, 3, l.negotiate([]string{long}))
	_, cached := l.cache.load(long)
	assert.False(t, cached, "long values are not cached")
}

func TestPrintCacheAgreesWithPrinter(t *testing.T) {
	t.Parallel()
	l, err := NewLocalizer(LocalizerOptions{Catalogs: []Catalog{{"de": {Fields: map[string]Message{
		"pair": {Text: "{0} und {1}"},
	}}}}})
	require.NoError(t, err)
	de := l.langs[l.negotiate([]string{"de"})]
	pair := de.fields["pair"]
	minLen := de.fields["min_length"]
	long := strings.Repeat("z", maxCachedArgBytes+1)
	for _, args := range [][]any{
		{3, 4}, {"3", 4}, {int64(3), uint8(4)}, {"a:1", "b"}, {"a", ":1b"}, {"", ""},
		{1000, -1}, {uint64(1 << 63), int8(-8)}, {long, 1}, {1.5, 2}, {[]int{1}, nil},
		{"%d", "{0}"}, {3, 4},
	} {
		for range 2 { // the second round is served from the cache
			got, ok := pair.print(args)
			require.True(t, ok)
			assert.Equal(t, de.printer.Sprintf(pair.key, args...), got, "%#v", args)
			got, ok = minLen.print(args[:1])
			require.True(t, ok)
			assert.Equal(t, de.printer.Sprintf(minLen.key, args[0]), got, "%#v", args)
		}
	}
	for i := range 3 * maxCachedPrints {
		got, _ := minLen.print([]any{i})
		assert.Equal(t, de.printer.Sprintf(minLen.key, i), got)
	}
	minLen.mu.RLock()
	defer minLen.mu.RUnlock()
	assert.LessOrEqual(t, len(minLen.cache), maxCachedPrints)
}

// registeredForLocalization registers a domain code once per test binary.
var registeredForLocalization = sync.OnceValues(func() (*APIError, error) {
	return Register(CodeInfo{Code: "localize_test_in_use", Status: http.StatusConflict, Message: "This name is already taken."})
})

func TestRegisteredDomainCode(t *testing.T) {
	t.Parallel()
	errInUse, err := registeredForLocalization()
	require.NoError(t, err)
	l, err := NewLocalizer(LocalizerOptions{Catalogs: []Catalog{{
		"de": {Codes: map[Code]Message{"localize_test_in_use": {Text: "Der Name {0} ist bereits vergeben."}}},
		"ja": {Codes: map[Code]Message{"localize_test_in_use": {Text: "この名前は既に使われています。"}}},
	}}})
	require.NoError(t, err)
	srv := serveLocalized(t, Config{Localizer: l}, errInUse.WithArgs("acme"))
	tests := []struct{ accept, lang, want string }{
		{"de", "de", "Der Name acme ist bereits vergeben."},
		{"ja", "ja", "この名前は既に使われています。"},
		{"fr", "", "This name is already taken."}, // registered default, no catalog text
		{"en", "", "This name is already taken."},
	}
	for _, tt := range tests {
		resp, b := get(t, srv, tt.accept)
		assert.Equal(t, http.StatusConflict, resp.StatusCode)
		assert.Equal(t, "localize_test_in_use", b.Code)
		assert.Equal(t, tt.want, b.Message, tt.accept)
		assert.Equal(t, tt.lang, resp.Header.Get("Content-Language"), tt.accept)
	}
}

func TestRegisteredSentinelKeepsDefaultMessage(t *testing.T) {
	t.Parallel()
	errInUse, err := registeredForLocalization()
	require.NoError(t, err)
	assert.Equal(t, "This name is already taken.", errInUse.Message())
	assert.Equal(t, "localize_test_in_use: This name is already taken.", errInUse.Error())
	srv := serveLocalized(t, Config{}, errInUse)
	_, b := get(t, srv, "de")
	assert.Equal(t, "This name is already taken.", b.Message)
}
