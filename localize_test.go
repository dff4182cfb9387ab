package envelope

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"
)

// shippedLanguages are the languages the package ships messages for.
var shippedLanguages = []string{"en", "de", "fr", "es", "ja", "pt-BR"}

// testLocalizer offers every shipped language, English first.
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

// TestNegotiateDefaultLanguage: with Languages set, only those and the
// default are offered (v1 listed them with Languages(); now negotiation
// shows it), and the default answers whatever matches none.
func TestNegotiateDefaultLanguage(t *testing.T) {
	t.Parallel()
	l, err := NewLocalizer(LocalizerOptions{Default: language.German, Languages: []language.Tag{language.Japanese}})
	require.NoError(t, err)
	for header, want := range map[string]string{
		"": "de", "fr": "de", "ja": "ja", "en-US": "de", "###": "de",
		"es, pt-BR;q=0.9, en;q=0.8": "de", "en, ja-JP;q=0.1": "ja",
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Accept-Language", header)
		assert.Equal(t, want, l.Negotiate(r).String(), header)
	}
	assert.Equal(t, "de", l.Negotiate(nil).String())

	// A writer speaks the default language to a client it cannot serve.
	srv := localizedServer(t, WriterOptions{Localizer: l}, NotFound(""))
	resp, b := getLocalized(t, srv, "fr")
	assert.Equal(t, "de", resp.Header.Get("Content-Language"))
	assert.Equal(t, "Die angeforderte Ressource wurde nicht gefunden.", b.Message)
}

// localizedServer starts a server whose handler answers every request with
// err, through a writer built from opts, after setting the given Vary
// values.
func localizedServer(t *testing.T, opts WriterOptions, err error, vary ...string) *httptest.Server {
	t.Helper()
	ew := newWriter(t, opts)
	return serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(vary) > 0 {
			w.Header()["Vary"] = vary
		}
		ew.Write(w, r, err)
	}))
}

// localizedBody is a flat error body.
type localizedBody struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields"`
}

// getLocalized GETs srv's root with the given Accept-Language ("" for
// none) and decodes the flat body.
func getLocalized(t *testing.T, srv *httptest.Server, acceptLanguage string) (*http.Response, localizedBody) {
	t.Helper()
	return requestLocalized(t, srv, http.MethodGet, "/", acceptLanguage, nil, "")
}

// requestLocalized sends a request with the given Accept-Language and,
// when contentType is set, Content-Type, and decodes the flat body.
func requestLocalized(t *testing.T, srv *httptest.Server, method, path, acceptLanguage string, body io.Reader, contentType string) (*http.Response, localizedBody) {
	t.Helper()
	h := http.Header{}
	if acceptLanguage != "" {
		h.Set("Accept-Language", acceptLanguage)
	}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	resp, raw := do(t, srv, method, path, h, body)
	var b localizedBody
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
	srv := localizedServer(t, WriterOptions{Localizer: testLocalizer()}, err)
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
			resp, b := getLocalized(t, srv, tt.accept)
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
	errs := make(map[string]error, len(builtins))
	for _, info := range builtins {
		errs["/"+string(info.Code)] = New(info.Code, "")
	}
	srv := errorServer(t, WriterOptions{Localizer: testLocalizer()}, errs)
	c := builtinCatalog()
	for _, info := range builtins {
		for _, lang := range shippedLanguages {
			resp, b := requestLocalized(t, srv, http.MethodGet, "/"+string(info.Code), lang, nil, "")
			want := c[lang].Codes[info.Code].Text
			require.NotEmpty(t, want)
			assert.Equal(t, info.Status, resp.StatusCode, "%s", info.Code)
			assert.Equal(t, want, b.Message, "%s in %s", info.Code, lang)
			assert.Equal(t, lang, resp.Header.Get("Content-Language"), "%s in %s", info.Code, lang)
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
			srv := localizedServer(t, WriterOptions{Localizer: testLocalizer()}, NotFound(""), tt.in...)
			resp, _ := getLocalized(t, srv, "de")
			assert.Equal(t, tt.want, resp.Header.Values("Vary"))
		})
	}
	// With alternate formats, Vary names both negotiated headers.
	srv := localizedServer(t, WriterOptions{Localizer: testLocalizer(), Alternates: []Format{ProblemFormat()}}, NotFound(""))
	resp, _ := do(t, srv, http.MethodGet, "/", http.Header{"Accept-Language": {"de"}}, nil)
	assert.Equal(t, []string{"Accept-Language", "Accept"}, resp.Header.Values("Vary"))
}

func TestExplicitMessageWins(t *testing.T) {
	t.Parallel()
	srv := localizedServer(t, WriterOptions{Localizer: testLocalizer()}, NotFound("No widget 42."))
	resp, b := getLocalized(t, srv, "de")
	assert.Equal(t, "No widget 42.", b.Message)
	assert.Empty(t, resp.Header.Values("Content-Language"), "the writer cannot know an explicit message's language")
	assert.Equal(t, []string{"Accept-Language"}, resp.Header.Values("Vary"))
}

// TestUnlocalizedWriter: without a Localizer a writer renders the built-in
// English messages, field messages included (v1 left those empty), and
// sets neither Content-Language nor Vary, whatever the client asks for.
func TestUnlocalizedWriter(t *testing.T) {
	t.Parallel()
	srv := localizedServer(t, WriterOptions{}, Validation("").WithFields(
		FieldError{Field: "a", Code: "required"},
		FieldError{Field: "n", Code: "min_length", Args: []any{1000}},
		FieldError{Field: "x", Code: "no_such_key"},
	))
	for _, accept := range []string{"", "de", "ja, fr;q=0.5"} {
		resp, b := getLocalized(t, srv, accept)
		assert.Equal(t, defaultMessage(CodeValidation), b.Message, accept)
		assert.Equal(t, "is required", b.Fields["a"], accept)
		assert.Equal(t, "must be at least 1,000 characters long", b.Fields["n"], "arguments print as English writes numbers")
		assert.Equal(t, "is invalid", b.Fields["x"], accept)
		assert.Empty(t, resp.Header.Values("Content-Language"), accept)
		assert.Empty(t, resp.Header.Values("Vary"), accept)
	}
}

func TestStaleContentLanguageReplaced(t *testing.T) {
	t.Parallel()
	ew := newWriter(t, WriterOptions{Localizer: testLocalizer()})
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Language", "it")
		ew.Write(w, r, Gone(""))
	}))
	resp, b := getLocalized(t, srv, "ja")
	assert.Equal(t, []string{"ja"}, resp.Header.Values("Content-Language"))
	assert.Equal(t, "要求されたリソースは既に利用できません。", b.Message)

	// An explicit message: the stale value goes, and none replaces it.
	srv = serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Language", "it")
		ew.Write(w, r, Gone("Gone for good."))
	}))
	resp, _ = getLocalized(t, srv, "ja")
	assert.Empty(t, resp.Header.Values("Content-Language"))
}

// customCatalog adds a domain code in two languages, overrides a built-in
// message and adds Italian.
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
	de := builtinCatalog()["de"]
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
		// v1 fell back to the English default of the status's code; v2
		// takes that code's catalog message, in the client's language.
		{"too few args: the category's message", "de", quota.WithArgs(3), "de", de.Codes[CodeForbidden].Text, nil},
		{"extra args ignored", "de", quota.WithArgs(1, 2, 3), "de", "Ihr Tarif erlaubt 1 Projekte; Sie haben 2.", nil},
		{"override of a built-in", "en-GB", NotFound(""), "en", "Nothing here.", nil},
		{"override keeps other languages", "fr", NotFound(""), "fr", "La ressource demandée est introuvable.", nil},
		{"added language", "it-IT", NotFound(""), "it", "La risorsa richiesta non è stata trovata.", nil},
		{"added language falls back per message", "it", Gone(""), "en", defaultMessage(CodeGone), nil},
		{"unknown code speaks for its status", "de", New("totally_unknown", "").WithStatus(http.StatusConflict), "de", "Die Anfrage steht im Widerspruch zum aktuellen Zustand der Ressource.", nil},
		{"exact plural selector", "en", Validation("").WithFields(
			FieldError{Field: "a", Code: "slug", Args: []any{0}},
			FieldError{Field: "b", Code: "slug", Args: []any{1}},
			FieldError{Field: "c", Code: "slug", Args: []any{12}},
			FieldError{Field: "d", Code: "slug", Args: []any{"a lot"}},
		), "en", defaultMessage(CodeValidation), map[string]string{"a": "must be empty", "b": "must be 1 character", "c": "must be 12 characters", "d": "must be a lot characters"}},
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
			srv := localizedServer(t, WriterOptions{Localizer: l}, tt.err)
			resp, b := getLocalized(t, srv, tt.accept)
			assert.Equal(t, tt.want, b.Message)
			assert.Equal(t, tt.lang, resp.Header.Get("Content-Language"))
			for k, v := range tt.fields {
				assert.Equal(t, v, b.Fields[k], k)
			}
		})
	}
}

// TestContentLanguageNamesTheTextsLanguage: Content-Language names the
// language the catalog text was written in, which is the default language
// when the negotiated one lacks the messages, never the negotiated
// language for text it does not hold.
func TestContentLanguageNamesTheTextsLanguage(t *testing.T) {
	t.Parallel()
	l, err := NewLocalizer(LocalizerOptions{Catalogs: []Catalog{{
		"it": {Codes: map[Code]Message{CodeNotFound: {Text: "Non trovato."}}, Fields: map[string]Message{"email": {Text: "deve essere un indirizzo email valido"}}},
	}}})
	require.NoError(t, err)
	tests := []struct {
		name, lang string
		err        error
		message    string
		fields     map[string]string
	}{
		{"all text borrowed from the default", "en", Validation("").WithFields(FieldError{Field: "a", Code: "required"}),
			"One or more fields are invalid.", map[string]string{"a": "is required"}},
		{"explicit message, borrowed field message", "en", Validation("Bad input.").WithFields(FieldError{Field: "a", Code: "required"}),
			"Bad input.", map[string]string{"a": "is required"}},
		{"explicit message, own field message", "it", Validation("Bad input.").WithFields(FieldError{Field: "a", Code: "email"}),
			"Bad input.", map[string]string{"a": "deve essere un indirizzo email valido"}},
		{"own message", "it", NotFound("").WithFields(FieldError{Field: "a", Code: "required"}),
			"Non trovato.", map[string]string{"a": "is required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := localizedServer(t, WriterOptions{Localizer: l}, tt.err)
			resp, b := getLocalized(t, srv, "it")
			assert.Equal(t, tt.message, b.Message)
			assert.Equal(t, tt.fields, b.Fields)
			assert.Equal(t, []string{tt.lang}, resp.Header.Values("Content-Language"))
		})
	}
}

// TestFieldMessagesSetContentLanguage: an error with an explicit message
// whose field errors take catalog messages is labelled with the language
// of those messages; with explicit field messages too, nothing is.
func TestFieldMessagesSetContentLanguage(t *testing.T) {
	t.Parallel()
	ew := newWriter(t, WriterOptions{Localizer: testLocalizer()})
	errs := map[string]error{
		"/catalog-fields":  Validation("Check the form.").WithFields(FieldError{Field: "email", Code: "required"}, FieldError{Field: "name", Code: "min_length", Args: []any{2}}),
		"/explicit-fields": Validation("Check the form.").WithFields(FieldError{Field: "email", Code: "required", Message: "needed"}),
		"/mixed":           Validation("Check the form.").WithFields(FieldError{Field: "email", Code: "required", Message: "needed"}, FieldError{Field: "name", Code: "email"}),
	}
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { ew.Write(w, r, errs[r.URL.Path]) }))
	tests := []struct {
		path, accept, lang string
		fields             map[string]string
	}{
		{"/catalog-fields", "fr", "fr", map[string]string{"email": "est obligatoire", "name": "doit contenir au moins 2 caractères"}},
		{"/catalog-fields", "ja", "ja", map[string]string{"email": "必須です", "name": "2文字以上で入力してください"}},
		{"/explicit-fields", "fr", "", map[string]string{"email": "needed"}},
		{"/mixed", "de", "de", map[string]string{"email": "needed", "name": "muss eine gültige E-Mail-Adresse sein"}},
	}
	for _, tt := range tests {
		resp, b := requestLocalized(t, srv, http.MethodGet, tt.path, tt.accept, nil, "")
		assert.Equal(t, "Check the form.", b.Message, tt.path)
		assert.Equal(t, tt.fields, b.Fields, tt.path)
		assert.Equal(t, tt.lang, resp.Header.Get("Content-Language"), "%s in %s", tt.path, tt.accept)
		assert.Equal(t, []string{"Accept-Language"}, resp.Header.Values("Vary"))
	}
}

func TestLocalizeLeavesErrorUntouched(t *testing.T) {
	t.Parallel()
	e := Validation("").WithFields(FieldError{Field: "a", Code: "required"})
	srv := localizedServer(t, WriterOptions{Localizer: testLocalizer()}, e)
	_, b := getLocalized(t, srv, "de")
	assert.Equal(t, "ist erforderlich", b.Fields["a"])
	assert.Equal(t, "", e.Fields()[0].Message)
}

// TestWithArgsCopies: the arguments a Localizer formats are copied in and
// out, so an error shared by requests cannot be changed through them.
func TestWithArgsCopies(t *testing.T) {
	t.Parallel()
	args := []any{1, "x"}
	base := Conflict("")
	e := base.WithArgs(args...)
	args[0] = 99
	assert.Equal(t, []any{1, "x"}, e.Args())
	assert.Nil(t, base.Args())
	got := e.Args()
	got[1] = "changed"
	assert.Equal(t, []any{1, "x"}, e.Args())
	var nilErr *APIError
	assert.Nil(t, nilErr.Args())
	assert.Equal(t, []any{2}, nilErr.WithArgs(2).Args())
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
		{"invalid Go catalog", LocalizerOptions{Catalogs: []Catalog{nil, {"de": {Fields: map[string]Message{"min": {Text: "{x}"}}}}}}, "envelope: invalid catalog: catalog 1: de.fields.min: malformed placeholder"},
		{"unknown library key", LocalizerOptions{Catalogs: []Catalog{{"de": {Library: map[string]Message{"json_bad": {Text: "x"}}}}}}, `envelope: invalid catalog: catalog 0: de.library: "json_bad" is not a library message key`},
		{"invalid library message", LocalizerOptions{Catalogs: []Catalog{{"fr": {Library: map[string]Message{"body_limit": {Plural: map[string]string{"one": "{0} octet"}}}}}}}, `fr.library.body_limit: plural forms must include "other"`},
		{"unknown language tag", LocalizerOptions{Catalogs: []Catalog{{"klingon!": {}}}}, `"klingon!" is not a known BCP 47 language tag`},
		{"plural form the language lacks", LocalizerOptions{Catalogs: []Catalog{{"ja": {Fields: map[string]Message{"min": {Plural: map[string]string{"one": "{0}", "other": "{0}"}}}}}}}, "ja.fields.min"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l, err := NewLocalizer(tt.opts)
			requireInvalidCatalog(t, err)
			assert.Nil(t, l)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestLocalizerFromGo(t *testing.T) {
	t.Parallel()
	c := Catalog{"de": {
		Codes:  map[Code]Message{"test_l10n_unregistered": {Text: "Der Name {0} ist bereits vergeben."}},
		Fields: map[string]Message{"required": {Text: "muss angegeben werden"}},
	}}
	l, err := NewLocalizer(LocalizerOptions{Catalogs: []Catalog{c}, Languages: []language.Tag{language.German}})
	require.NoError(t, err)
	c["de"].Codes["test_l10n_unregistered"] = Message{Text: "changed after NewLocalizer"}
	e := New("test_l10n_unregistered", "").WithStatus(http.StatusConflict).WithArgs("<b>&\"x\"").WithFields(FieldError{Field: "name", Code: "required"})
	srv := localizedServer(t, WriterOptions{Localizer: l}, e)
	resp, b := getLocalized(t, srv, "de")
	assert.Equal(t, http.StatusConflict, resp.StatusCode)
	assert.Equal(t, `Der Name <b>&"x" ist bereits vergeben.`, b.Message, "the catalog was copied")
	assert.Equal(t, "muss angegeben werden", b.Fields["name"])
	resp, b = getLocalized(t, srv, "fr")
	assert.Equal(t, defaultMessage(CodeConflict), b.Message, "fr is not offered here")
	assert.Equal(t, "en", resp.Header.Get("Content-Language"))
}

// TestDomainCodeMessages: a domain code declared in the writer's Codes
// renders the catalog's message where the catalog has one, and its
// declared message (with no Content-Language: no catalog holds it)
// elsewhere, and without a Localizer. v1 registered the code globally;
// the declaration is now the table the writer is given.
func TestDomainCodeMessages(t *testing.T) {
	t.Parallel()
	l, err := NewLocalizer(LocalizerOptions{Catalogs: []Catalog{{
		"de": {Codes: map[Code]Message{"in_use": {Text: "Der Name {0} wird noch verwendet."}}},
		"ja": {Codes: map[Code]Message{"in_use": {Text: "この名前はまだ使われています。"}}},
	}}})
	require.NoError(t, err)
	codes := testCodes(t)
	info, ok := codes.Lookup("in_use")
	require.True(t, ok)
	e := New("in_use", "").WithArgs("acme")
	localized := localizedServer(t, WriterOptions{Codes: codes, Localizer: l}, e)
	plain := localizedServer(t, WriterOptions{Codes: codes}, e)
	tests := []struct {
		srv                *httptest.Server
		accept, lang, want string
	}{
		{localized, "de", "de", "Der Name acme wird noch verwendet."},
		{localized, "ja", "ja", "この名前はまだ使われています。"},
		{localized, "fr", "", info.Message},
		{localized, "en", "", info.Message},
		{plain, "de", "", info.Message},
	}
	for _, tt := range tests {
		resp, b := getLocalized(t, tt.srv, tt.accept)
		assert.Equal(t, http.StatusConflict, resp.StatusCode, "the declared status")
		assert.Equal(t, "in_use", b.Code)
		assert.Equal(t, tt.want, b.Message, tt.accept)
		assert.Equal(t, tt.lang, resp.Header.Get("Content-Language"), tt.accept)
	}
}

func TestConcurrentLocalizedWrites(t *testing.T) {
	t.Parallel()
	ew := newWriter(t, WriterOptions{Localizer: testLocalizer()})
	fields := Validation("").WithFields(FieldError{Field: "n", Code: "min_items", Args: []any{2}})
	srv := serve(t, chainFor(t, ew, MiddlewareOptions{}, HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		if r.URL.Path == "/decode" {
			var v struct{ N int }
			return DecodeRequest(r, &v)
		}
		return fields
	})))
	c := builtinCatalog()
	var wg sync.WaitGroup
	for i := range 16 {
		lang := shippedLanguages[i%len(shippedLanguages)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, b := getLocalized(t, srv, lang)
			assert.Equal(t, lang, resp.Header.Get("Content-Language"))
			assert.NotEmpty(t, b.Fields["n"])
			assert.Equal(t, c[lang].Codes[CodeValidation].Text, b.Message)
			resp, b = requestLocalized(t, srv, http.MethodPost, "/decode", lang, strings.NewReader(`{"N": 1} x`), "")
			assert.Equal(t, lang, resp.Header.Get("Content-Language"))
			assert.Equal(t, c[lang].Library[keyJSONTrailing].Text, b.Message)
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

// decodeServer serves POST /items through the middleware with ew and a 1
// MiB body limit: the handler decodes the body with DecodeRequest and
// returns its error.
func decodeServer(t *testing.T, ew *Writer) *httptest.Server {
	t.Helper()
	return limitedDecodeServer(t, ew, 1<<20)
}

// limitedDecodeServer is decodeServer with a body limit of n bytes.
func limitedDecodeServer(t *testing.T, ew *Writer, n int64) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("POST /items", HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var v struct {
			N int    `json:"n"`
			S string `json:"s"`
		}
		if err := DecodeRequest(r, &v); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}))
	return serve(t, chainFor(t, ew, MiddlewareOptions{MaxBodyBytes: n}, mux))
}

// postDeclaringLength sends a POST whose Content-Length is n over a raw
// connection, without a body: a server that refuses the length answers
// before reading any of it.
func postDeclaringLength(t *testing.T, srv *httptest.Server, n int64, acceptLanguage string) (*http.Response, localizedBody) {
	t.Helper()
	c, err := net.Dial("tcp", srv.Listener.Addr().String())
	require.NoError(t, err)
	defer c.Close()
	_, err = fmt.Fprintf(c, "POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAccept-Language: %s\r\nContent-Length: %d\r\n\r\n", acceptLanguage, n)
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var b localizedBody
	require.NoError(t, json.Unmarshal(raw, &b), string(raw))
	return resp, b
}

// syntaxOffset is the offset encoding/json reports for the syntax error
// in body.
func syntaxOffset(t *testing.T, body string) int64 {
	t.Helper()
	var v map[string]any
	var se *json.SyntaxError
	require.ErrorAs(t, json.NewDecoder(strings.NewReader(body)).Decode(&v), &se)
	return se.Offset
}

// chunkedBody hides the length of r, so the client sends it chunked.
type chunkedBody struct{ io.Reader }

// TestLibraryMessagesLocalized: the errors the library makes itself (a
// request body over the middleware's limit, each way DecodeRequest
// refuses a body) are rendered in the negotiated language, with its
// Content-Language, through a real server. Numbers in them (a byte limit,
// a byte offset) are plain digits in every language, as the English texts
// have always written them.
func TestLibraryMessagesLocalized(t *testing.T) {
	t.Parallel()
	srv := decodeServer(t, newWriter(t, WriterOptions{Localizer: testLocalizer()}))
	c := builtinCatalog()
	farSyntax := `{"s": "` + strings.Repeat("x", 1500) + `",}`
	off := syntaxOffset(t, farSyntax)
	require.Greater(t, off, int64(1000))

	tests := []struct {
		name, body, contentType string
		status                  int
		key                     string
		want                    map[string]string // by language; else the catalog text
		fields                  map[string]string // field key by field
	}{
		{name: "media type", body: `{}`, contentType: "text/plain", status: 415, key: keyJSONMediaType},
		{name: "empty", body: ``, status: 400, key: keyJSONEmpty},
		{name: "syntax", body: farSyntax, status: 400, key: keyJSONSyntax, want: map[string]string{
			"de": fmt.Sprintf("Der Inhalt der Anfrage ist kein gültiges JSON (Syntaxfehler bei Byte %d).", off),
			"fr": fmt.Sprintf("Le corps de la requête n’est pas du JSON valide (erreur de syntaxe à l’octet %d).", off),
			"ja": fmt.Sprintf("リクエスト本文が有効なJSONではありません（%dバイト目で構文エラー）。", off),
		}},
		{name: "array for an object", body: `[1]`, status: 400, key: keyJSONBodyObject},
		{name: "field type", body: `{"n": "seven"}`, status: 400, key: keyJSONFieldType, fields: map[string]string{"n": "type_integer"}},
		{name: "field type string", body: `{"s": 7}`, status: 400, key: keyJSONFieldType, fields: map[string]string{"s": "type_string"}},
		{name: "truncated", body: `{"n": 1`, status: 400, key: keyJSONTruncated},
		{name: "unknown field", body: `{"zzz": 1}`, status: 400, key: keyJSONUnknownField, fields: map[string]string{"zzz": "unknown"}},
		{name: "trailing data", body: `{"n": 1} {}`, status: 400, key: keyJSONTrailing},
		{name: "chunked over the limit", body: `{"s": "` + strings.Repeat("x", 1<<20) + `"}`, status: 413, key: keyBodyLimit, want: map[string]string{
			"de": "Der Inhalt der Anfrage darf höchstens 1048576 Bytes groß sein.",
			"fr": "Le corps de la requête ne doit pas dépasser 1048576 octets.",
			"ja": "リクエスト本文は1048576バイト以下である必要があります。",
		}},
	}
	for _, tt := range tests {
		for _, lang := range []string{"de", "fr", "ja"} {
			t.Run(tt.name+"/"+lang, func(t *testing.T) {
				t.Parallel()
				var body io.Reader = strings.NewReader(tt.body)
				if tt.status == 413 {
					body = chunkedBody{body}
				}
				resp, b := requestLocalized(t, srv, http.MethodPost, "/items", lang, body, tt.contentType)
				assert.Equal(t, tt.status, resp.StatusCode)
				assert.Equal(t, string(libraryCodes[tt.key]), b.Code)
				want := tt.want[lang]
				if want == "" {
					want = c[lang].Library[tt.key].Text
				}
				assert.Equal(t, want, b.Message)
				for field, key := range tt.fields {
					assert.Equal(t, c[lang].Fields[key].Text, b.Fields[field], field)
				}
				assert.Len(t, b.Fields, len(tt.fields))
				assert.Equal(t, lang, resp.Header.Get("Content-Language"))
				assert.Equal(t, []string{"Accept-Language"}, resp.Header.Values("Vary"))
				assert.NotEmpty(t, resp.Header.Get("X-Request-Id"), "rendered by the chain's writer")
			})
		}
	}

	// A declared length over the limit is refused before the handler runs,
	// in the client's language too.
	for lang, want := range map[string]string{
		"de": "Der Inhalt der Anfrage darf höchstens 1048576 Bytes groß sein.",
		"fr": "Le corps de la requête ne doit pas dépasser 1048576 octets.",
		"ja": "リクエスト本文は1048576バイト以下である必要があります。",
		"en": "The request body must not exceed 1048576 bytes.",
	} {
		resp, b := postDeclaringLength(t, srv, 2<<20, lang)
		assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
		assert.Equal(t, "payload_too_large", b.Code)
		assert.Equal(t, want, b.Message, lang)
		assert.Equal(t, lang, resp.Header.Get("Content-Language"))
		assert.Empty(t, resp.Header.Get("Retry-After"), "the limit is not temporary")
	}
}

// TestUnlocalizedWriterLibraryMessages: a writer without a Localizer
// renders the library's English messages, as APIError.Message tells them,
// and sets no Content-Language, whatever the client asks for.
func TestUnlocalizedWriterLibraryMessages(t *testing.T) {
	t.Parallel()
	srv := decodeServer(t, quietWriter(t))
	farSyntax := `{"s": "` + strings.Repeat("x", 1500) + `",}`
	tests := []struct {
		name, body, contentType, want string
		fields                        map[string]string
	}{
		{"media type", `{}`, "text/plain", "The request body must be JSON (Content-Type: application/json).", nil},
		{"empty", ``, "", "The request body is empty.", nil},
		{"syntax", farSyntax, "", fmt.Sprintf("The request body is not valid JSON (syntax error at byte %d).", syntaxOffset(t, farSyntax)), nil},
		{"array for an object", `[1]`, "", "The request body must be a JSON object.", nil},
		{"field type", `{"n": true}`, "", "A field of the request body has the wrong type.", map[string]string{"n": "must be an integer"}},
		{"truncated", `{"n": 1`, "", "The request body is truncated.", nil},
		{"unknown field", `{"zzz": 1}`, "", "The request body has an unknown field.", map[string]string{"zzz": "is not a known field"}},
		{"trailing data", `{"n": 1} {}`, "", "The request body must hold a single JSON value.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, b := requestLocalized(t, srv, http.MethodPost, "/items", "de", strings.NewReader(tt.body), tt.contentType)
			assert.Equal(t, tt.want, b.Message)
			if tt.fields != nil {
				assert.Equal(t, tt.fields, b.Fields)
			}
			assert.Empty(t, resp.Header.Values("Content-Language"))
			assert.Empty(t, resp.Header.Values("Vary"))
		})
	}
	resp, b := postDeclaringLength(t, srv, 2<<20, "ja")
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	assert.Equal(t, "The request body must not exceed 1048576 bytes.", b.Message)
	assert.Empty(t, resp.Header.Values("Content-Language"))

	// The message a writer renders is the one the error itself tells.
	e, _ := resolve(&http.MaxBytesError{Limit: 1 << 20})
	assert.Equal(t, b.Message, e.Message())
}

// TestCatalogReplacesLibraryMessages covers the precedence NewLocalizer
// gives an application's catalogs over the library's messages: a catalog
// that sets a code's message replaces the library messages of that code,
// in that language, unless it sets the library message itself.
func TestCatalogReplacesLibraryMessages(t *testing.T) {
	t.Parallel()
	load := func(s string) Catalog {
		c, err := LoadCatalog(strings.NewReader(s))
		require.NoError(t, err)
		return c
	}
	c := builtinCatalog()
	tests := []struct {
		name     string
		catalogs []Catalog
		lang     string
		body     string // "" for a declared length over the limit
		want     string
	}{
		{"code replaces library message", []Catalog{load(`{"en": {"codes": {"payload_too_large": "Request body too large"}}}`)},
			"en", "", "Request body too large"},
		{"only in the catalog's language", []Catalog{load(`{"en": {"codes": {"payload_too_large": "Request body too large"}}}`)},
			"de", "", "Der Inhalt der Anfrage darf höchstens 1048576 Bytes groß sein."},
		{"the code's message takes the library arguments", []Catalog{load(`{"fr": {"codes": {"payload_too_large": "Au plus {0} octets."}}}`)},
			"fr", "", "Au plus 1048576 octets."},
		{"library key set too: it wins", []Catalog{load(`{"en": {"codes": {"payload_too_large": "Request body too large"}, "library": {"body_limit": "Bodies stop at {0} bytes."}}}`)},
			"en", "", "Bodies stop at 1048576 bytes."},
		{"library key in an earlier catalog wins", []Catalog{
			load(`{"en": {"library": {"body_limit": "Bodies stop at {0} bytes."}}}`),
			load(`{"en": {"codes": {"payload_too_large": "Request body too large"}}}`)},
			"en", "", "Bodies stop at 1048576 bytes."},
		{"invalid_request replaces every JSON message of its code", []Catalog{load(`{"de": {"codes": {"invalid_request": "Kaputt."}}}`)},
			"de", `{"n": 1`, "Kaputt."},
		{"but not those of another code", []Catalog{load(`{"de": {"codes": {"invalid_request": "Kaputt."}}}`)},
			"de", "media", c["de"].Library[keyJSONMediaType].Text},
		{"library key alone", []Catalog{load(`{"ja": {"library": {"json_truncated": "途中までしかありません。"}}}`)},
			"ja", `{"n": 1`, "途中までしかありません。"},
		{"other library keys of the code stay", []Catalog{load(`{"ja": {"library": {"json_truncated": "途中までしかありません。"}}}`)},
			"ja", `{} {}`, c["ja"].Library[keyJSONTrailing].Text},
		{"a new language's code message serves its library", []Catalog{load(`{"it": {"codes": {"payload_too_large": "Troppo grande."}}}`)},
			"it", "", "Troppo grande."},
		{"a new language without it borrows the default's", []Catalog{load(`{"it": {"codes": {"not_found": "Non trovato."}}}`)},
			"it", "", "The request body must not exceed 1048576 bytes."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l, err := NewLocalizer(LocalizerOptions{Catalogs: tt.catalogs})
			require.NoError(t, err)
			srv := decodeServer(t, newWriter(t, WriterOptions{Localizer: l}))
			var b localizedBody
			switch tt.body {
			case "":
				var resp *http.Response
				resp, b = postDeclaringLength(t, srv, 1<<20+1, tt.lang)
				assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
			case "media":
				_, b = requestLocalized(t, srv, http.MethodPost, "/items", tt.lang, strings.NewReader(`{}`), "text/csv")
			default:
				_, b = requestLocalized(t, srv, http.MethodPost, "/items", tt.lang, strings.NewReader(tt.body), "")
			}
			assert.Equal(t, tt.want, b.Message)
		})
	}
}

// TestLibraryMessageExplicitOverride: a library error given a message of
// its own (WithMessage, as a Prepare hook might) renders that message, with
// no Content-Language.
func TestLibraryMessageExplicitOverride(t *testing.T) {
	t.Parallel()
	ew := newWriter(t, WriterOptions{Localizer: testLocalizer(), Prepare: func(_ *http.Request, e *APIError) *APIError {
		if e.Code() == CodePayloadTooLarge {
			return e.WithMessage("Too big.")
		}
		return nil
	}})
	srv := decodeServer(t, ew)
	resp, b := postDeclaringLength(t, srv, 2<<20, "de")
	assert.Equal(t, "Too big.", b.Message)
	assert.Empty(t, resp.Header.Values("Content-Language"))
}

// TestLibraryMessagePluralForms: a catalog may give a library message
// plural forms on its number, which selects them like any integer.
func TestLibraryMessagePluralForms(t *testing.T) {
	t.Parallel()
	c, err := LoadCatalog(strings.NewReader(`{
	  "en": {"library": {"body_limit": {"=1": "One byte at most.", "one": "{0} byte at most.", "other": "{0} bytes at most."}}},
	  "fr": {"library": {"body_limit": {"one": "Au plus {0} octet.", "other": "Au plus {0} octets."}}}
	}`))
	require.NoError(t, err)
	l, err := NewLocalizer(LocalizerOptions{Catalogs: []Catalog{c}})
	require.NoError(t, err)
	ew := newWriter(t, WriterOptions{Localizer: l})
	tests := []struct {
		limit      int64
		lang, want string
	}{
		{1, "en", "One byte at most."},
		{2, "en", "2 bytes at most."},
		{1 << 20, "en", "1048576 bytes at most."},
		{1, "fr", "Au plus 1 octet."},
		{0, "fr", "Au plus 0 octet."}, // French: 0 is "one"
		{2500, "fr", "Au plus 2500 octets."},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d/%s", tt.limit, tt.lang), func(t *testing.T) {
			t.Parallel()
			var resp *http.Response
			var b localizedBody
			if tt.limit > 0 {
				resp, b = postDeclaringLength(t, limitedDecodeServer(t, ew, tt.limit), tt.limit+1, tt.lang)
			} else { // no middleware takes a zero limit; a handler may still return one
				resp, b = getLocalized(t, localizedServer(t, WriterOptions{Localizer: l}, &http.MaxBytesError{Limit: 0}), tt.lang)
			}
			assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
			assert.Equal(t, tt.want, b.Message)
			assert.Equal(t, tt.lang, resp.Header.Get("Content-Language"))
		})
	}
}

// A regional catalog with a few messages borrows the rest from its parent
// language, offered or not, before the default language: Swiss clients of
// a catalog that only rewords not_found for de-CH read the other messages
// in German, labelled as such.
func TestRegionalCatalogBorrowsFromItsParent(t *testing.T) {
	t.Parallel()
	ch := Catalog{"de-CH": {Codes: map[Code]Message{CodeNotFound: {Text: "Die Ressource gibt es nicht."}}}}
	de := builtinCatalog()["de"]
	for name, langs := range map[string][]language.Tag{
		"every catalog language offered": nil,
		"parent not offered":             {language.English, language.MustParse("de-CH")},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			l, err := NewLocalizer(LocalizerOptions{Catalogs: []Catalog{ch}, Languages: langs})
			require.NoError(t, err)
			for _, tt := range []struct {
				err        *APIError
				lang, want string
				field      string
			}{
				{NotFound(""), "de-CH", "Die Ressource gibt es nicht.", ""},
				{Conflict(""), "de", de.Codes[CodeConflict].Text, ""},
				{Validation("").WithFields(FieldError{Field: "email", Code: "required"}), "de", de.Codes[CodeValidation].Text, de.Fields["required"].Text},
			} {
				srv := localizedServer(t, WriterOptions{Localizer: l}, tt.err)
				resp, b := getLocalized(t, srv, "de-CH")
				assert.Equal(t, tt.want, b.Message, tt.err.Code())
				assert.Equal(t, tt.lang, resp.Header.Get("Content-Language"), tt.err.Code())
				if tt.field != "" {
					assert.Equal(t, tt.field, b.Fields["email"])
				}
			}
		})
	}
}
