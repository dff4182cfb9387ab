package envelope_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"github.com/apienvelope/envelope"
)

// A message with plural forms: Count names the argument that selects the
// form, exact values such as "=0" are tried before the CLDR categories,
// and "other" is required. A field error that lacks the count argument
// gets the generic "invalid" message.
func ExampleMessage() {
	loc, err := envelope.NewLocalizer(envelope.LocalizerOptions{Catalogs: []envelope.Catalog{{
		"en": {Fields: map[string]envelope.Message{
			"tags": {Count: 1, Plural: map[string]string{
				"=0":    "{0} has no tags",
				"one":   "{0} has one tag",
				"other": "{0} has {1} tags",
			}},
		}},
	}}})
	if err != nil {
		panic(err)
	}
	ew, err := envelope.NewWriter(envelope.WriterOptions{Localizer: loc, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ew.Write(w, r, envelope.Validation("").WithFields(
			envelope.FieldError{Field: "a", Code: "tags", Args: []any{"post", 0}},
			envelope.FieldError{Field: "b", Code: "tags", Args: []any{"post", 1}},
			envelope.FieldError{Field: "c", Code: "tags", Args: []any{"post", 1000}},
			envelope.FieldError{Field: "d", Code: "tags", Args: []any{"post"}},
		))
	}))
	defer srv.Close()

	resp, err := http.Get(srv.URL)
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.Header.Get("Content-Language"))
	fmt.Println(string(body))
	// Output:
	// en
	// {"code":"validation_failed","message":"One or more fields are invalid.","fields":{"a":"post has no tags","b":"post has one tag","c":"post has 1,000 tags","d":"is invalid"}}
}
