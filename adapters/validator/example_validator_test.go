package envelopevalidator_test

import (
	"context"
	"errors"
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
	Note  string `json:"note" validate:"max=5"`
}

// A handler decodes, validates, and returns the validator's error through
// FromError: the client gets one field error per failure, by JSON path,
// worded by the catalog (max=5 on a string is the catalog's max_length).
func Example() {
	validate := envelopevalidator.NewValidate() // once, at start-up

	h := envelope.Protect(envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var o order
		if err := envelope.DecodeRequest(r, &o); err != nil {
			return err
		}
		if err := envelopevalidator.FromError(validate.Struct(&o)); err != nil {
			return err
		}
		w.WriteHeader(http.StatusCreated)
		return nil
	}))

	body := `{"email":"not-an-email","lines":[{"sku":"A-1"},{"sku":""}],"note":"too long"}`
	req := httptest.NewRequest(http.MethodPost, "/orders", strings.NewReader(body))
	req.Header.Set("X-Request-Id", "req-1")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Println(rec.Code)
	fmt.Println(rec.Body.String())
	// Output:
	// 400
	// {"code":"validation_failed","message":"One or more fields are invalid.","fields":{"email":"must be a valid email address","lines[1].sku":"is required","note":"must be at most 5 characters long"},"requestId":"req-1"}
}

// Struct validates and translates in one call; knowing the struct, a
// cross-field rule names the other field as the client spells it.
func ExampleTranslator_Struct() {
	validate := envelopevalidator.NewValidate()
	type signup struct {
		Password string `json:"password" validate:"required"`
		Confirm  string `json:"password_confirmation" validate:"eqfield=Password"`
	}
	tr := envelopevalidator.NewTranslator(envelopevalidator.Options{})
	err := tr.Struct(context.Background(), validate, &signup{Password: "s3cret", Confirm: "secret"})
	rec := httptest.NewRecorder()
	ew, _ := envelope.NewWriter(envelope.WriterOptions{})
	ew.Write(rec, httptest.NewRequest(http.MethodPost, "/signup", nil), err)
	fmt.Println(rec.Body.String())
	// Output:
	// {"code":"validation_failed","message":"One or more fields are invalid.","fields":{"password_confirmation":"must equal the field password"}}
}

// Options.Message supplies messages of your own, here for a custom rule;
// "" keeps the default (the catalog's message, or English).
func ExampleNewTranslator() {
	validate := envelopevalidator.NewValidate()
	_ = validate.RegisterValidation("sku", func(fl validator.FieldLevel) bool {
		return strings.HasPrefix(fl.Field().String(), "SKU-")
	})
	type item struct {
		SKU string `json:"sku" validate:"required,sku"`
	}
	tr := envelopevalidator.NewTranslator(envelopevalidator.Options{
		Message: func(ctx context.Context, fe validator.FieldError) string {
			if fe.Tag() == "sku" {
				return `must start with "SKU-"`
			}
			return ""
		},
	})
	err := tr.Error(context.Background(), validate.Struct(&item{SKU: "42"}))
	var e *envelope.APIError
	if errors.As(err, &e) {
		for _, f := range e.Fields() {
			fmt.Printf("%s %s: %s\n", f.Field, f.Code, f.Message)
		}
	}
	// Output:
	// sku sku: must start with "SKU-"
}

// Message gives the English wording of one failed rule.
func ExampleMessage() {
	validate := envelopevalidator.NewValidate()
	type signup struct {
		Name string   `json:"name" validate:"min=3"`
		Tags []string `json:"tags" validate:"max=2"`
		Age  int      `json:"age" validate:"gte=18"`
	}
	err := validate.Struct(signup{Name: "Al", Tags: []string{"a", "b", "c"}, Age: 12})
	var ves validator.ValidationErrors
	if errors.As(err, &ves) {
		for _, fe := range ves {
			fmt.Printf("%s: %s\n", fe.Field(), envelopevalidator.Message(fe))
		}
	}
	// Output:
	// name: must be at least 3 characters long
	// tags: must contain at most 2 items
	// age: must be at least 18
}
