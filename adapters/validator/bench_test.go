package envelopevalidator_test

import (
	"context"
	"testing"

	envelopevalidator "github.com/apienvelope/envelope/adapters/validator"
)

// BenchmarkFromError measures the translation alone: three field errors
// from a real validation, paths and messages included.
func BenchmarkFromError(b *testing.B) {
	v := envelopevalidator.NewValidate()
	o := Order{Email: "nope", Items: []Item{{SKU: "a", Quantity: 1}, {SKU: "", Quantity: 0}}, NoTag: "n", Tenant: "t",
		Audit: Audit{CreatedBy: "me"}, Named: Named{Label: "x"}, Address: &Address{Postcode: "1"}}
	err := v.Struct(&o)
	if err == nil {
		b.Fatal("want validation errors")
	}
	tr := envelopevalidator.NewTranslator(envelopevalidator.Options{})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		_ = tr.Error(ctx, err)
	}
}
