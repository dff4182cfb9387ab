package envelopevalidator_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/apienvelope/envelope"
	envelopevalidator "github.com/apienvelope/envelope/adapters/validator"
	"github.com/go-playground/validator/v10"
)

type line struct {
	SKU string `json:"sku" validate:"required"`
}

type order struct {
	Email string `json:"email" validate:"required,email"`
	Lines []line `json:"lines" validate:"min=1,dive"`
}

// A handler decodes, validates, and returns the validator's error through
// FromError: the client gets one field error per failure, by JSON path.
func Example() {
	validate := envelopevalidator.NewValidate() // once, at start-up

	h := envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var o order
		if err := envelope.DecodeJSON(r, &o); err != nil {
			return err
		}
		if err := envelopevalidator.FromError(validate.Struct(&o)); err != nil {
			return err
		}
		w.WriteHeader(http.StatusCreated)
		return nil
	})

	body := `{"email":"not-an-email","lines":[{"sku":"A-1"},{"sku":""}]}`
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/orders", strings.NewReader(body)))
	fmt.Println(rec.Code)
	fmt.Println(rec.Body.String())
	// Output:
	// 400
	// {"code":"validation_failed","message":"One or more fields are invalid.","fields":{"email":"must be a valid email address","lines[1].sku":"is required"}}
}

// Options.Message supplies the messages, for instance from a localization
// catalog keyed by the rule's tag, with its parameter as argument; "" falls
// back to the English default.
func ExampleNewTranslator() {
	validate := envelopevalidator.NewValidate()
	french := map[string]string{"required": "est obligatoire", "min": "doit contenir au moins %s élément(s)"}
	tr := envelopevalidator.NewTranslator(envelopevalidator.Options{
		Message: func(ctx context.Context, fe validator.FieldError) string {
			if m, ok := french[fe.Tag()]; ok {
				if strings.Contains(m, "%s") {
					return fmt.Sprintf(m, fe.Param())
				}
				return m
			}
			return ""
		},
	})
	err := tr.Error(context.Background(), validate.Struct(&order{Email: "x"}))
	for _, f := range envelope.From(err).Fields() {
		fmt.Printf("%s %s: %s\n", f.Field, f.Code, f.Message)
	}
	// Output:
	// email email: must be a valid email address
	// lines min: doit contenir au moins 1 élément(s)
}

// Message gives the default English wording of one failed rule.
func ExampleMessage() {
	validate := envelopevalidator.NewValidate()
	type signup struct {
		Name string   `json:"name" validate:"min=3"`
		Tags []string `json:"tags" validate:"max=2"`
		Age  int      `json:"age" validate:"gte=18"`
	}
	err := validate.Struct(signup{Name: "Al", Tags: []string{"a", "b", "c"}, Age: 12})
	for _, fe := range err.(validator.ValidationErrors) {
		fmt.Printf("%s: %s\n", fe.Field(), envelopevalidator.Message(fe))
	}
	// Output:
	// name: must be at least 3 characters
	// tags: must have at most 2 items
	// age: must be at least 18
}
