package envelopevalidator_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/apienvelope/envelope"
	envelopevalidator "github.com/apienvelope/envelope/adapters/validator"
	"github.com/go-playground/validator/v10"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"
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

// objectsFormat lists each field error as an object with its code, so
// that tests see the code and the message the client gets.
var objectsFormat = envelope.Format{
	Name: "objects",
	Body: `{"code": "{{code}}", "message": "{{message}}",
		"fields": [{"field": "{{field}}", "code": "{{field.code}}", "message": "{{field.message}}"}]}`,
}

// apiError returns the *envelope.APIError in err's chain.
func apiError(t *testing.T, err error) *envelope.APIError {
	t.Helper()
	var e *envelope.APIError
	require.ErrorAs(t, err, &e)
	return e
}

// fieldBody is the part of a body the tests compare.
type fieldBody struct {
	Code   string `json:"code"`
	Fields []struct {
		Field   string `json:"field"`
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"fields"`
}

// render serves err once through a real server with a writer built from
// opts, in the objects format, and returns the response and its body.
func render(t *testing.T, opts envelope.WriterOptions, err error, header ...string) (*http.Response, fieldBody) {
	t.Helper()
	if opts.Format.Body == "" {
		opts.Format = objectsFormat
	}
	ew, werr := envelope.NewWriter(opts)
	require.NoError(t, werr)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { ew.Write(w, r, err) }))
	t.Cleanup(srv.Close)
	req, rerr := http.NewRequest(http.MethodGet, srv.URL, nil)
	require.NoError(t, rerr)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, derr := srv.Client().Do(req)
	require.NoError(t, derr)
	defer res.Body.Close()
	raw, rerr := io.ReadAll(res.Body)
	require.NoError(t, rerr)
	var b fieldBody
	require.NoError(t, json.Unmarshal(raw, &b), "%s", raw)
	return res, b
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
		{"slice element numeric", func(o *Order) { o.Items[0].Quantity = 0 }, "items[0].qty", "min"},
		{"slice itself", func(o *Order) { o.Items = nil }, "items", "min_items"},
		{"map value", func(o *Order) { o.Labels = map[string]string{"env": ""} }, "labels[env]", "required"},
		{"map key with a dot", func(o *Order) { o.Labels = map[string]string{"a.b": ""} }, "labels[a.b]", "required"},
		{"map key", func(o *Order) { o.Labels = map[string]string{"much-too-long-key": "v"} }, "labels[much-too-long-key]", "max_length"},
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
			e := apiError(t, envelopevalidator.FromError(v.Struct(&o)))
			assert.Equal(t, envelope.CodeValidation, e.Code())
			require.Len(t, e.Fields(), 1, "fields: %+v", e.Fields())
			assert.Equal(t, tt.wantField, e.Fields()[0].Field)
			assert.Equal(t, tt.wantCode, e.Fields()[0].Code)

			// Knowing the struct, the path is built from its type, the
			// same, also with a validator that reports Go names.
			tr := envelopevalidator.NewTranslator(envelopevalidator.Options{})
			e = apiError(t, tr.StructError(context.Background(), &o, v.Struct(&o)))
			require.Len(t, e.Fields(), 1)
			assert.Equal(t, tt.wantField, e.Fields()[0].Field)
			e = apiError(t, tr.Struct(context.Background(), validator.New(), &o))
			require.Len(t, e.Fields(), 1)
			assert.Equal(t, tt.wantField, e.Fields()[0].Field)
		})
	}
}

// TestFieldName names fields by another tag, as query binding does: gin
// binds query parameters by form tags, nested structs flattened.
func TestFieldName(t *testing.T) {
	t.Parallel()
	type paging struct {
		Limit int `form:"limit" json:"pageLimit" validate:"max=100"`
	}
	type query struct {
		paging
		Sort  string   `form:"sort" validate:"oneof=asc desc"`
		IDs   []string `form:"id" validate:"dive,uuid"`
		Since int      `form:"since"`
		Until int      `form:"until" validate:"gtfield=Since"`
	}
	form := func(f reflect.StructField) string {
		if f.Type.Kind() == reflect.Struct {
			return ""
		}
		if name, _, _ := strings.Cut(f.Tag.Get("form"), ","); name != "" {
			return name
		}
		return f.Name
	}
	tr := envelopevalidator.NewTranslator(envelopevalidator.Options{FieldName: form})
	q := query{paging: paging{Limit: 500}, Sort: "up", IDs: []string{"nope"}, Since: 5, Until: 1}
	e := apiError(t, tr.Struct(context.Background(), envelopevalidator.NewValidate(), &q))
	var got []string
	for _, f := range e.Fields() {
		got = append(got, f.Field+" "+f.Code)
	}
	assert.Equal(t, []string{"limit max", "sort oneof", "id[0] uuid", "until gtfield"}, got)
	assert.Equal(t, "must be greater than the field since", e.Fields()[3].Message)
}

func TestVarPaths(t *testing.T) {
	t.Parallel()
	v := envelopevalidator.NewValidate()

	e := apiError(t, envelopevalidator.FromError(v.Var("nope", "email")))
	require.Len(t, e.Fields(), 1)
	assert.Equal(t, "", e.Fields()[0].Field)
	assert.Equal(t, "email", e.Fields()[0].Code)

	e = apiError(t, envelopevalidator.FromError(v.Var([]Item{{SKU: "a", Quantity: 1}, {Quantity: 1}}, "dive")))
	require.Len(t, e.Fields(), 1)
	assert.Equal(t, "[1].sku", e.Fields()[0].Field, "a Var on a slice has no root name to drop")
}

type messages struct {
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
	LenList []int             `json:"x" validate:"len=2"`
	URL     string            `json:"y" validate:"url"`
	UUID    string            `json:"z" validate:"uuid"`
	Gte     int               `json:"aa" validate:"gte=18"`
	LteStr  string            `json:"ab" validate:"lte=1"`
}

func failingMessages() messages {
	one := "x"
	return messages{
		MinStr: "ab", MinOne: "", MaxStr: "abc", LenStr: "abc", MinList: []int{1}, MaxMap: map[string]int{"a": 1, "b": 2},
		MinNum: 9, MaxF: 2, Gt: 0, Lt: 5, EqStr: "no", OneOf: "pink", Email: "not-an-email", Dur: time.Millisecond,
		Unknown: "x", EqF: "other", Iscolor: "nope", Unique: []string{"a", "a"}, Ptr: &one, Labels: map[string]string{"a": "b"},
		NeList: []int{7}, GtStr: "ab", LenList: []int{1}, URL: "nope", UUID: "nope", Gte: 17, LteStr: "ab",
	}
}

// TestMessages checks the code and the English message of each rule as a
// client receives them from a real server.
func TestMessages(t *testing.T) {
	t.Parallel()
	v := envelopevalidator.NewValidate()
	s := failingMessages()
	err := envelopevalidator.NewTranslator(envelopevalidator.Options{}).Struct(context.Background(), v, &s)
	_, body := render(t, envelope.WriterOptions{}, err)
	type cm struct{ code, message string }
	got := map[string]cm{}
	for _, f := range body.Fields {
		got[f.Field] = cm{f.Code, f.Message}
	}
	want := map[string]cm{
		"a":  {"min_length", "must be at least 3 characters long"},
		"b":  {"min_length", "must be at least 1 character long"},
		"c":  {"max_length", "must be at most 2 characters long"},
		"d":  {"len", "must be exactly 4 characters long"},
		"e":  {"min_items", "must contain at least 3 items"},
		"f":  {"max_items", "must contain at most 1 item"},
		"g":  {"min", "must be at least 10"},
		"h":  {"max", "must be at most 1.5"},
		"i":  {"gt", "must be greater than 0"},
		"j":  {"lt", "must be less than 5"},
		"k":  {"eq", "must be yes"},
		"l":  {"oneof", "must be one of: red, green, blue"},
		"m":  {"email", "must be a valid email address"},
		"n":  {"required", "is required"},
		"o":  {"min", "must be at least 1s"},
		"p":  {"isbn", `is invalid (rule "isbn")`},
		"q":  {"eqfield", "must equal the field k"},
		"r":  {"iscolor", "must be a color"},
		"s":  {"unique", "must not contain duplicates"},
		"t":  {"min_length", "must be at least 2 characters long"},
		"u":  {"min_items", "must contain at least 2 items"},
		"v":  {"ne", "must not have exactly 1 item"},
		"w":  {"gt", "must be more than 2 characters"},
		"x":  {"len", "must have exactly 2 items"},
		"y":  {"url", "must be a valid URL"},
		"z":  {"uuid", "must be a valid UUID"},
		"aa": {"min", "must be at least 18"},
		"ab": {"max_length", "must be at most 1 character long"},
	}
	for field, w := range want {
		assert.Equal(t, w, got[field], "field %q", field)
	}
	assert.Len(t, got, len(want), "one field error per failure: %v", got)
}

// TestMessageMatchesCatalog checks that Message, the English text for
// custom Options.Message fallbacks, says what the writer renders.
func TestMessageMatchesCatalog(t *testing.T) {
	t.Parallel()
	v := envelopevalidator.NewValidate()
	s := failingMessages()
	err := v.Struct(&s)
	require.Error(t, err)
	_, body := render(t, envelope.WriterOptions{}, envelopevalidator.FromError(err))
	rendered := map[string]string{}
	for _, f := range body.Fields {
		rendered[f.Field] = f.Message
	}
	for _, fe := range err.(validator.ValidationErrors) {
		if fe.Tag() == "eqfield" {
			assert.Equal(t, "must equal another field", envelopevalidator.Message(fe), "without the struct, the other field is not named")
			continue
		}
		assert.Equal(t, rendered[fe.Field()], envelopevalidator.Message(fe), "field %q (%s)", fe.Field(), fe.Tag())
	}
}

// TestLocalizedMessages is the regression test of rules that the
// catalog knows under another key: min on a string is the catalog's
// min_length, and the writer's Localizer words it, with Content-Language.
func TestLocalizedMessages(t *testing.T) {
	t.Parallel()
	loc, err := envelope.NewLocalizer(envelope.LocalizerOptions{})
	require.NoError(t, err)
	v := envelopevalidator.NewValidate()
	type signup struct {
		Name  string   `json:"name" validate:"min=3"`
		Email string   `json:"email" validate:"required,email"`
		Tags  []string `json:"tags" validate:"max=2"`
		Age   int      `json:"age" validate:"gte=18"`
		Plan  string   `json:"plan" validate:"oneof=free pro"`
	}
	verr := envelopevalidator.FromError(v.Struct(signup{Name: "Al", Tags: []string{"a", "b", "c"}, Age: 12, Plan: "gold"}))
	res, body := render(t, envelope.WriterOptions{Localizer: loc}, verr, "Accept-Language", "de-DE, en;q=0.5")
	assert.Equal(t, "de", res.Header.Get("Content-Language"))
	got := map[string]string{}
	for _, f := range body.Fields {
		got[f.Field] = f.Message
	}
	assert.Equal(t, map[string]string{
		"name":  "muss mindestens 3 Zeichen lang sein",
		"email": "ist erforderlich",
		"tags":  "darf höchstens 2 Einträge enthalten",
		"age":   "muss mindestens 18 sein",
		"plan":  "muss einer der folgenden Werte sein: free, pro",
	}, got)

	res, body = render(t, envelope.WriterOptions{Localizer: loc}, verr, "Accept-Language", "fr")
	assert.Equal(t, "fr", res.Header.Get("Content-Language"))
	require.NotEmpty(t, body.Fields)
	assert.Equal(t, "doit contenir au moins 3 caractères", body.Fields[0].Message)

	// An application catalog replaces a rule's message by its key.
	custom, err := envelope.NewLocalizer(envelope.LocalizerOptions{
		Languages: []language.Tag{language.English},
		Catalogs: []envelope.Catalog{{"en": {Fields: map[string]envelope.Message{
			"min_length": {Text: "needs {0}+ characters"},
		}}}},
	})
	require.NoError(t, err)
	_, body = render(t, envelope.WriterOptions{Localizer: custom}, verr)
	require.NotEmpty(t, body.Fields)
	assert.Equal(t, "needs 3+ characters", body.Fields[0].Message)
}

type credentials struct {
	Password string `json:"password" validate:"required"`
	Confirm  string `json:"confirm" validate:"eqfield=Password"`
}

type account struct {
	Login   credentials `json:"login"`
	Backup  string      `json:"backup_email" validate:"nefield=Primary"`
	Primary string      `json:"primary_email"`
	Start   int         `json:"start"`
	End     int         `json:"end" validate:"gtfield=Start"`
	Retype  string      `json:"retype" validate:"eqcsfield=Login.Password"`
	Items   []window    `json:"windows" validate:"dive"`
}

type window struct {
	From int `json:"from"`
	To   int `json:"to" validate:"gtefield=From"`
}

// TestCrossFieldNames is the regression test of cross-field messages:
// they name the other field as the client spells it, by its JSON path,
// never by its Go name.
func TestCrossFieldNames(t *testing.T) {
	t.Parallel()
	v := envelopevalidator.NewValidate()
	a := account{
		Login:  credentials{Password: "s3cret", Confirm: "secret"},
		Backup: "a@example.com", Primary: "a@example.com",
		Start: 5, End: 3, Retype: "nope",
		Items: []window{{From: 1, To: 2}, {From: 4, To: 3}},
	}
	tr := envelopevalidator.NewTranslator(envelopevalidator.Options{})
	_, body := render(t, envelope.WriterOptions{}, tr.Struct(context.Background(), v, &a))
	got := map[string]string{}
	for _, f := range body.Fields {
		got[f.Field] = f.Message
	}
	assert.Equal(t, map[string]string{
		"login.confirm": "must equal the field login.password",
		"backup_email":  "must not equal the field primary_email",
		"end":           "must be greater than the field start",
		"retype":        "must equal the field login.password",
		"windows[1].to": "must be greater than or equal to the field windows[1].from",
	}, got)
	for _, msg := range got {
		assert.NotRegexp(t, `Password|Primary|Start|From`, msg, "no Go names on the wire")
	}

	// StructError with the value validated, by value or pointer, does the same.
	e := apiError(t, tr.StructError(context.Background(), a, v.Struct(a)))
	require.NotEmpty(t, e.Fields())
	assert.Equal(t, "must equal the field login.password", e.Fields()[0].Message)
	assert.Equal(t, []any{"login.password"}, e.Fields()[0].Args)

	// Without the struct, the other field is not named at all.
	e = apiError(t, envelopevalidator.FromError(v.Struct(&a)))
	require.NotEmpty(t, e.Fields())
	assert.Equal(t, "must equal another field", e.Fields()[0].Message)
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
	tr := envelopevalidator.NewTranslator(envelopevalidator.Options{})
	assert.Equal(t, envelope.CodeInternal, envelope.CodeOf(tr.Struct(context.Background(), v, nil)))
	assert.Equal(t, envelope.CodeInternal, envelope.CodeOf(tr.Struct(context.Background(), v, 42)))

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
			return "" // the default
		},
	})
	ctx := context.WithValue(context.Background(), ctxKey{}, "fr")
	e := apiError(t, tr.Error(ctx, v.Struct(&Item{})))
	assert.Equal(t, envelope.CodeUnprocessable, e.Code())
	assert.Equal(t, "The order cannot be placed.", e.Message())
	require.Len(t, e.Fields(), 2)
	assert.Equal(t, envelope.FieldError{Field: "sku", Code: "required", Message: "[fr] obligatoire"}, e.Fields()[0])
	assert.Equal(t, envelope.FieldError{Field: "qty", Code: "min", Args: []any{"1"}}, e.Fields()[1],
		"a catalog rule leaves its message to the writer's Localizer")
	assert.Empty(t, base.Fields(), "the base error is not modified")

	var zero envelopevalidator.Translator
	assert.Equal(t, envelope.CodeValidation, envelope.CodeOf(zero.Error(context.Background(), v.Struct(&Item{}))))
	//lint:ignore SA1012 a nil context is tolerated, and tested
	assert.Equal(t, envelope.CodeValidation, envelope.CodeOf(zero.Error(nil, v.Struct(&Item{}))))
}

const orderBody = `{"createdBy":"me","named":{"label":"x"},"postcode":"p","email":"nope",` +
	`"items":[{"sku":"a","qty":1},{"sku":"b","qty":1},{"sku":"","qty":0}],"NoTag":"n"}`

// TestOverTheWire checks the body a client receives from a real server
// that decodes with envelope.DecodeRequest and validates.
func TestOverTheWire(t *testing.T) {
	t.Parallel()
	v := envelopevalidator.NewValidate()
	ew, err := envelope.NewWriter(envelope.WriterOptions{Format: objectsFormat})
	require.NoError(t, err)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var o Order
		if err := envelope.DecodeRequest(r, &o); err != nil {
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
				`{"field":"items[2].qty","code":"min","message":"must be at least 1"},` +
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

// TestUnnamedStruct builds paths for a struct of an unnamed type, whose
// namespace has no root name.
func TestUnnamedStruct(t *testing.T) {
	t.Parallel()
	q := struct {
		Limit int `json:"pageSize" validate:"max=1"`
		Inner struct {
			Min int `json:"min"`
			Max int `json:"max" validate:"gtfield=Min"`
		} `json:"range"`
	}{Limit: 2}
	q.Inner.Min = 3
	tr := envelopevalidator.NewTranslator(envelopevalidator.Options{})
	e := apiError(t, tr.Struct(context.Background(), validator.New(), &q))
	require.Len(t, e.Fields(), 2)
	assert.Equal(t, "pageSize", e.Fields()[0].Field)
	assert.Equal(t, "range.max", e.Fields()[1].Field)
	assert.Equal(t, "must be greater than the field range.min", e.Fields()[1].Message)
}
