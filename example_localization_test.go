package envelope_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/apienvelope/envelope"
)

// A server that answers in the client's language: built-in codes and field
// keys come with messages in six languages, and a catalog file adds the
// server's own code and its German message.
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
	codes, err := envelope.NewCodes(envelope.CodeInfo{
		Code: "quota_exceeded", Status: http.StatusForbidden, Message: "Your plan's project quota is used up.",
	})
	if err != nil {
		panic(err)
	}
	ew, err := envelope.NewWriter(envelope.WriterOptions{
		Codes:     codes,
		Localizer: loc,
		Logger:    slog.New(slog.DiscardHandler),
	})
	if err != nil {
		panic(err)
	}

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/projects" {
			ew.Write(w, r, envelope.New("quota_exceeded", "").WithArgs(1000))
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
		fmt.Println(resp.StatusCode, resp.Header.Get("Content-Language"), resp.Header.Get("Vary"))
		fmt.Println(string(body))
	}
	// Output:
	// 403 de Accept-Language
	// {"code":"quota_exceeded","message":"Ihr Tarif erlaubt 1.000 Projekte."}
	// 400 pt-BR Accept-Language
	// {"code":"validation_failed","message":"Um ou mais campos são inválidos.","fields":{"name":"deve ter pelo menos 3 caracteres","email":"é obrigatório"}}
	// 400 ja Accept-Language
	// {"code":"validation_failed","message":"1つ以上の項目の値が正しくありません。","fields":{"name":"3文字以上で入力してください","email":"必須です"}}
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

// The library's own errors, such as the 413 of the middleware's body
// limit and the 400s of DecodeRequest, are localized too. A catalog that
// sets the message of their code replaces them in its language; one that
// sets a library key (here json_syntax) replaces that message alone.
func ExampleLoadCatalog_libraryMessages() {
	catalog, err := envelope.LoadCatalog(strings.NewReader(`{
	  "en": {"codes": {"payload_too_large": "Request body too large"},
	         "library": {"json_syntax": "Malformed JSON near byte {0}."}}
	}`))
	if err != nil {
		panic(err)
	}
	loc, err := envelope.NewLocalizer(envelope.LocalizerOptions{Catalogs: []envelope.Catalog{catalog}})
	if err != nil {
		panic(err)
	}
	ew, err := envelope.NewWriter(envelope.WriterOptions{Localizer: loc, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		panic(err)
	}
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew, MaxBodyBytes: 16})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(mw(envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var v map[string]any
		if err := envelope.DecodeRequest(r, &v); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})))
	defer srv.Close()

	for _, c := range []struct{ body, lang string }{
		{`{"name": "a very long name"}`, "en"},
		{`{"name": "a very long name"}`, "fr"},
		{`{"name": }`, "en"},
		{`{"name": }`, "de"},
	} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(c.body))
		req.Header.Set("Accept-Language", c.lang)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		var b struct{ Message string }
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		_ = json.Unmarshal(body, &b)
		fmt.Println(resp.StatusCode, resp.Header.Get("Content-Language"), b.Message)
	}
	// Output:
	// 413 en Request body too large
	// 413 fr Le corps de la requête ne doit pas dépasser 16 octets.
	// 400 en Malformed JSON near byte 10.
	// 400 de Der Inhalt der Anfrage ist kein gültiges JSON (Syntaxfehler bei Byte 10).
}
