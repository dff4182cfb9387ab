package envelopevalidator_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/apienvelope/envelope"
	envelopevalidator "github.com/apienvelope/envelope/adapters/validator"
	"github.com/go-playground/validator/v10"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type Audit struct {
	CreatedBy string `json:"createdBy" validate:"required"`
}

type Named struct {
	Label string `json:"label" validate:"required"`
}

type Item struct {
	SKU      string `json:"sku" validate:"required,alphanum"`
	Quantity int    `json:"qty" validate:"gte=1"`
}

type Address struct {
	Postcode string `json:"postcode" validate:"required"`
}

type Order struct {
	Audit                        // flattened by encoding/json
	Named    `json:"named"`      // nested under "named"
	*Address `json:",omitempty"` // flattened, pointer
	Email    string              `json:"email,omitempty" validate:"required,email"`
	Items    []Item              `json:"items" validate:"min=1,dive"`
	Labels   map[string]string   `json:"labels" validate:"dive,keys,max=10,endkeys,required"`
	Tenant   string              `json:"-" validate:"required"`
	NoTag    string              `validate:"required"`
	Matrix   [][]Item            `json:"matrix" validate:"dive,dive"`
	ShipBy   time.Time           `json:"shipBy" validate:"omitempty,gt"`
}

func TestFieldPaths(t *testing.T) {
	t.Parallel()
	v := envelopevalidator.NewValidate()
	valid := func() Order {
		return Order{
			Audit: Audit{CreatedBy: "me"}, Named: Named{Label: "x"}, Address: &Address{Postcode: "1"},
			Email: "a@example.com", Items: []Item{{SKU: "a1", Quantity: 1}}, Tenant: "t", NoTag: "n",
		}
	}
	tests := []struct {
		name      string
		mutate    func(o *Order)
		wantField string
		wantCode  string
	}{
		{"top-level with omitempty", func(o *Order) { o.Email = "" }, "email", "required"},
		{"embedded struct flattened", func(o *Order) { o.CreatedBy = "" }, "createdBy", "required"},
		{"embedded struct with json name nests", func(o *Order) { o.Label = "" }, "named.label", "required"},
		{"embedded pointer flattened", func(o *Order) { o.Postcode = "" }, "postcode", "required"},
		{"slice element field", func(o *Order) {
			o.Items = []Item{{SKU: "a", Quantity: 1}, {SKU: "b", Quantity: 1}, {SKU: "", Quantity: 1}}
		}, "items[2].sku", "required"},
		{"slice element numeric", func(o *Order) { o.Items[0].Quantity = 0 }, "items[0].qty", "gte"},
		{"slice itself", func(o *Order) { o.Items = nil }, "items", "min"},
		{"map value", func(o *Order) { o.Labels = map[string]string{"env": ""} }, "labels[env]", "required"},
		{"map key with a dot", func(o *Order) { o.Labels = map[string]string{"a.b": ""} }, "labels[a.b]", "required"},
		{"map key", func(o *Order) { o.Labels = map[string]string{"much-too-long-key": "v"} }, "labels[much-too-long-key]", "max"},
		{"nested slices", func(o *Order) { o.Matrix = [][]Item{nil, {{SKU: "ok", Quantity: 1}, {SKU: "", Quantity: 1}}} }, "matrix[1][1].sku", "required"},
		{"json dash names the Go field", func(o *Order) { o.Tenant = "" }, "Tenant", "required"},
		{"no json tag uses the Go name", func(o *Order) { o.NoTag = "" }, "NoTag", "required"},
		{"time in the past", func(o *Order) { o.ShipBy = time.Unix(0, 0) }, "shipBy", "gt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := valid()
			require.NoError(t, v.Struct(&o), "the valid order must pass")
			tt.mutate(&o)
			e := envelope.From(envelopevalidator.FromError(v.Struct(&o)))
			require.NotNil(t, e)
			assert.Equal(t, envelope.CodeValidation, e.Code())
			require.Len(t, e.Fields(), 1, "fields: %+v", e.Fields())
			assert.Equal(t, tt.wantField, e.Fields()[0].Field)
			assert.Equal(t, tt.wantCode, e.Fields()[0].Code)
			assert.NotEmpty(t, e.Fields()[0].Message)
		})
	}
}

func TestVarPaths(t *testing.T) {
	t.Parallel()
	v := envelopevalidator.NewValidate()

	e := envelope.From(envelopevalidator.FromError(v.Var("nope", "email")))
	require.Len(t, e.Fields(), 1)
	assert.Equal(t, "", e.Fields()[0].Field)
	assert.Equal(t, "email", e.Fields()[0].Code)

	e = envelope.From(envelopevalidator.FromError(v.Var([]Item{{SKU: "a", Quantity: 1}, {Quantity: 1}}, "dive")))
	require.Len(t, e.Fields(), 1)
	assert.Equal(t, "[1].sku", e.Fields()[0].Field, "a Var on a slice has no root name to drop")
}

func TestMessages(t *testing.T) {
	t.Parallel()
	v := envelopevalidator.NewValidate()
	type S struct {
		MinStr  string            `json:"a" validate:"min=3"`
		MinOne  string            `json:"b" validate:"min=1"`
		MaxStr  string            `json:"c" validate:"max=2"`
		LenStr  string            `json:"d" validate:"len=4"`
		MinList []int             `json:"e" validate:"min=3"`
		MaxMap  map[string]int    `json:"f" validate:"max=1"`
		MinNum  int               `json:"g" validate:"min=10"`
		MaxF    float64           `json:"h" validate:"max=1.5"`
		Gt      int               `json:"i" validate:"gt=0"`
		Lt      uint              `json:"j" validate:"lt=5"`
		EqStr   string            `json:"k" validate:"eq=yes"`
		OneOf   string            `json:"l" validate:"oneof=red green blue"`
		Email   string            `json:"m" validate:"email"`
		Req     *int              `json:"n" validate:"required"`
		Dur     time.Duration     `json:"o" validate:"min=1s"`
		Unknown string            `json:"p" validate:"isbn"`
		EqF     string            `json:"q" validate:"eqfield=EqStr"`
		Iscolor string            `json:"r" validate:"iscolor"`
		Unique  []string          `json:"s" validate:"unique"`
		Ptr     *string           `json:"t" validate:"omitempty,min=2"`
		Labels  map[string]string `json:"u" validate:"min=2"`
		NeList  []int             `json:"v" validate:"ne=1"`
		GtStr   string            `json:"w" validate:"gt=2"`
	}
	one := "x"
	s := S{
		MinStr: "ab", MinOne: "", MaxStr: "abc", LenStr: "abc", MinList: []int{1}, MaxMap: map[string]int{"a": 1, "b": 2},
		MinNum: 9, MaxF: 2, Gt: 0, Lt: 5, EqStr: "no", OneOf: "pink", Email: "not-an-email", Dur: time.Millisecond,
		Unknown: "x", EqF: "other", Iscolor: "nope", Unique: []string{"a", "a"}, Ptr: &one, Labels: map[string]string{"a": "b"},
		NeList: []int{7}, GtStr: "ab",
	}
	err := v.Struct(&s)
	require.Error(t, err)
	got := map[string]string{}
	codes := map[string]string{}
	for _, f := range envelope.From(envelopevalidator.FromError(err)).Fields() {
		got[f.Field] = f.Message
		codes[f.Field] = f.Code
	}
	want := map[string]string{
		"a": "must be at least 3 characters",
		"b": "must be at least 1 character",
		"c": "must be at most 2 characters",
		"d": "must be exactly 4 characters",
		"e": "must have at least 3 items",
		"f": "must have at most 1 item",
		"g": "must be at least 10",
		"h": "must be at most 1.5",
		"i": "must be greater than 0",
		"j": "must be less than 5",
		"k": "must be yes",
		"l": "must be one of: red, green, blue",
		"m": "must be a valid email address",
		"n": "is required",
		"o": "must be at least 1s",
		"p": `is invalid (rule "isbn")`,
		"q": "must equal EqStr",
		"r": "must be a color",
		"s": "must not contain duplicates",
		"t": "must be at least 2 characters",
		"u": "must have at least 2 items",
		"v": "must not have exactly 1 item",
		"w": "must be more than 2 characters",
	}
	for field, msg := range want {
		assert.Equal(t, msg, got[field], "field %q", field)
	}
	assert.Len(t, got, len(want), "one field error per failure: %v", got)
	assert.Equal(t, "iscolor", codes["r"], "an alias keeps the tag the developer wrote")
	assert.Equal(t, "min", codes["a"])
}

func TestNonValidationErrors(t *testing.T) {
	t.Parallel()
	v := envelopevalidator.NewValidate()
	assert.NoError(t, envelopevalidator.FromError(nil), "nil stays a nil error, not a typed nil")

	invalid := v.Struct(nil) // *validator.InvalidValidationError: a server bug
	var ive *validator.InvalidValidationError
	require.ErrorAs(t, invalid, &ive)
	got := envelopevalidator.FromError(invalid)
	assert.Equal(t, envelope.CodeInternal, envelope.CodeOf(got))
	assert.ErrorIs(t, got, invalid, "the cause is kept for logs")

	other := errors.New("db: password=hunter2")
	assert.Same(t, other, envelopevalidator.FromError(other), "left for envelope.Write, which renders it as a generic 500")
	assert.Equal(t, envelope.CodeInternal, envelope.CodeOf(envelopevalidator.FromError(other)))

	var syntax *json.SyntaxError
	bindErr := json.Unmarshal([]byte("{"), &struct{}{})
	require.ErrorAs(t, bindErr, &syntax)
	assert.Equal(t, envelope.CodeInvalidRequest, envelope.CodeOf(envelopevalidator.FromError(bindErr)),
		"a bind step's JSON error stays a 400")

	conflict := envelope.Conflict("taken")
	assert.Same(t, conflict, envelopevalidator.FromError(conflict), "envelope errors pass through")

	wrapped := fmt.Errorf("create: %w", v.Var("", "required"))
	assert.Equal(t, envelope.CodeValidation, envelope.CodeOf(envelopevalidator.FromError(wrapped)), "found through wrapping")
}

func TestTranslatorOptions(t *testing.T) {
	t.Parallel()
	v := envelopevalidator.NewValidate()
	type ctxKey struct{}
	base := envelope.Unprocessable("The order cannot be placed.")
	tr := envelopevalidator.NewTranslator(envelopevalidator.Options{
		Base: base,
		Message: func(ctx context.Context, fe validator.FieldError) string {
			if fe.Tag() == "required" {
				return fmt.Sprintf("[%s] obligatoire", ctx.Value(ctxKey{}))
			}
			return "" // the English default
		},
	})
	ctx := context.WithValue(context.Background(), ctxKey{}, "fr")
	e := envelope.From(tr.Error(ctx, v.Struct(&Item{})))
	assert.Equal(t, envelope.CodeUnprocessable, e.Code())
	assert.Equal(t, "The order cannot be placed.", e.Message())
	require.Len(t, e.Fields(), 2)
	assert.Equal(t, envelope.FieldError{Field: "sku", Code: "required", Message: "[fr] obligatoire"}, e.Fields()[0])
	assert.Equal(t, envelope.FieldError{Field: "qty", Code: "gte", Message: "must be at least 1"}, e.Fields()[1])
	assert.Empty(t, base.Fields(), "the base error is not modified")

	var zero envelopevalidator.Translator
	assert.Equal(t, envelope.CodeValidation, envelope.CodeOf(zero.Error(context.Background(), v.Struct(&Item{}))))
}

const orderBody = `{"createdBy":"me","named":{"label":"x"},"postcode":"p","email":"nope",` +
	`"items":[{"sku":"a","qty":1},{"sku":"b","qty":1},{"sku":"","qty":0}],"NoTag":"n"}`

// TestOverTheWire checks the body a client receives from a real server.
func TestOverTheWire(t *testing.T) {
	t.Parallel()
	v := envelopevalidator.NewValidate()
	format := envelope.FlatFormat()
	for i := range format.Members {
		if format.Members[i].Kind == envelope.MemberFields {
			format.Members[i].Fields = envelope.FieldsObjects // carries each field's code
		}
	}
	ew, err := envelope.NewErrorWriter(envelope.Config{Format: &format})
	require.NoError(t, err)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var o Order
		if err := envelope.DecodeJSON(r, &o); err != nil {
			ew.Write(w, r, err)
			return
		}
		switch r.URL.Path {
		case "/flat":
			envelope.Write(w, r, envelopevalidator.FromError(v.Struct(o))) // by value works too
		case "/objects":
			ew.Write(w, r, envelopevalidator.FromError(v.Struct(&o)))
		default:
			ew.Write(w, r, envelopevalidator.FromError(v.Struct(42))) // a server bug
		}
	}))
	t.Cleanup(srv.Close)

	tests := []struct {
		name, path, body string
		status           int
		want             string
	}{
		{"flat", "/flat", orderBody, http.StatusBadRequest,
			`{"code":"validation_failed","message":"One or more fields are invalid.","fields":{` +
				`"email":"must be a valid email address","items[2].sku":"is required",` +
				`"items[2].qty":"must be at least 1","Tenant":"is required"}}`},
		{"objects", "/objects", orderBody, http.StatusBadRequest,
			`{"code":"validation_failed","message":"One or more fields are invalid.","fields":[` +
				`{"field":"email","code":"email","message":"must be a valid email address"},` +
				`{"field":"items[2].sku","code":"required","message":"is required"},` +
				`{"field":"items[2].qty","code":"gte","message":"must be at least 1"},` +
				`{"field":"Tenant","code":"required","message":"is required"}]}`},
		{"invalid validation is a 500 without its text", "/other", `{}`, http.StatusInternalServerError, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := http.Post(srv.URL+tt.path, "application/json", strings.NewReader(tt.body))
			require.NoError(t, err)
			defer res.Body.Close()
			body, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			assert.Equal(t, tt.status, res.StatusCode)
			require.True(t, json.Valid(body), "%s", body)
			if tt.want != "" {
				assert.JSONEq(t, tt.want, string(body))
			}
			assert.NotContains(t, string(body), "validator:", "the validator's own text never reaches the client")
			assert.NotContains(t, string(body), "Order.", "no Go namespaces on the wire")
		})
	}
}
