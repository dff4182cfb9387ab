package envelope_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/apienvelope/envelope"
	"golang.org/x/text/language"
)

// A server that answers in the client's language: built-in codes and field
// keys come with messages in six languages, and a catalog file adds the
// server's own code and overrides a built-in message.
func ExampleLocalizer() {
	catalog, err := envelope.LoadCatalog(strings.NewReader(`{
	  "en": {"codes": {"quota_exceeded": "Your plan allows {0} projects."}},
	  "de": {"codes": {"quota_exceeded": "Ihr Tarif erlaubt {0} Projekte."}}
	}`))
	if err != nil {
		panic(err)
	}
	loc, err := envelope.NewLocalizer(envelope.LocalizerOptions{
		Catalogs: []envelope.Catalog{catalog},
	})
	if err != nil {
		panic(err)
	}
	ew, err := envelope.NewErrorWriter(envelope.Config{
		Localizer: loc,
		Logger:    slog.New(slog.DiscardHandler),
	})
	if err != nil {
		panic(err)
	}

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/projects" {
			ew.Write(w, r, envelope.New("quota_exceeded", "").
				WithStatus(http.StatusForbidden).
				WithArgs(1000))
			return
		}
		ew.Write(w, r, envelope.Validation("").WithFields(
			envelope.FieldError{Field: "name", Code: "min_length", Args: []any{3}},
			envelope.FieldError{Field: "email", Code: "required"},
		))
	}))
	defer srv.Close()

	for _, c := range []struct{ path, lang string }{
		{"/projects", "de-AT, en;q=0.5"},
		{"/users", "pt-PT"},
		{"/users", "ja"},
	} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+c.path, nil)
		req.Header.Set("Accept-Language", c.lang)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(resp.Header.Get("Content-Language"), resp.Header.Get("Vary"))
		fmt.Println(string(body))
	}
	fmt.Println(loc.Languages()[0] == language.English)
	// Output:
	// de Accept-Language
	// {"code":"quota_exceeded","message":"Ihr Tarif erlaubt 1.000 Projekte."}
	// pt-BR Accept-Language
	// {"code":"validation_failed","message":"Um ou mais campos são inválidos.","fields":{"name":"deve ter pelo menos 3 caracteres","email":"é obrigatório"}}
	// ja Accept-Language
	// {"code":"validation_failed","message":"1つ以上の項目の値が正しくありません。","fields":{"name":"3文字以上で入力してください","email":"必須です"}}
	// true
}

// Handlers that write their own message can write it in the negotiated
// language: an explicit message always wins over the catalog.
func ExampleLocalizer_Negotiate() {
	loc, err := envelope.NewLocalizer(envelope.LocalizerOptions{})
	if err != nil {
		panic(err)
	}
	for _, h := range []string{"fr-CH, de;q=0.8", "pt", "zh-TW", "not a language"} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Accept-Language", h)
		fmt.Printf("%-18q %s\n", h, loc.Negotiate(r))
	}
	// Output:
	// "fr-CH, de;q=0.8"  fr
	// "pt"               pt-BR
	// "zh-TW"            en
	// "not a language"   en
}
