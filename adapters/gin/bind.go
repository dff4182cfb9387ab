package envelopegin

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"time"

	"github.com/apienvelope/envelope"
	envelopevalidator "github.com/apienvelope/envelope/adapters/validator"
	"github.com/gin-gonic/gin"
	"github.com/gin-gonic/gin/binding"
	"github.com/go-playground/validator/v10"
)

// Translators of validation errors, by where the fields come from: a JSON
// body names fields by their json tags, a query string by their form tags,
// path parameters by their uri tags (nested structs flattened, as gin binds
// them).
var (
	jsonFields  = envelopevalidator.NewTranslator(envelopevalidator.Options{})
	formFields  = envelopevalidator.NewTranslator(envelopevalidator.Options{FieldName: tagName("form")})
	uriFields   = envelopevalidator.NewTranslator(envelopevalidator.Options{FieldName: tagName("uri")})
	timeType    = reflect.TypeFor[time.Time]()
	unmarshaler = reflect.TypeFor[binding.BindUnmarshaler]()
)

// BindJSON decodes c's JSON body into obj, a pointer to a struct, with
// [envelope.RequestDecoder] (a body of at most 1 MiB; members obj has no
// field for are accepted unless binding.EnableDecoderDisallowUnknownFields
// is set), then validates obj with gin's validator (binding.Validator, the
// `binding` tags). It returns nil or an error ready for [Write] (return it
// from a [Handler]):
//
//   - the request decoder's own errors for a body that is not JSON, is
//     empty, malformed, too large or has a member of the wrong type: 400,
//     413 or 415 with the library's messages, naming the member;
//   - a 400 validation_failed error with one field error per failed rule,
//     each named by its JSON path ("items[2].sku"), with messages the
//     writer's [envelope.Localizer] words (see envelopevalidator);
//   - a 500 internal error for a validator misuse (obj not a struct).
func BindJSON(c *gin.Context, obj any) error {
	dec := envelope.RequestDecoder{AllowUnknownFields: !binding.EnableDecoderDisallowUnknownFields}
	if err := dec.Decode(c.Request, obj); err != nil {
		return err
	}
	return validate(c.Request.Context(), jsonFields, obj)
}

// BindQuery binds c's query string into obj, a pointer to a struct, as
// c.ShouldBindQuery does (form tags), and returns nil or an error ready for
// [Write]:
//
//   - a parameter that does not parse as its field's type (?limit=abc into
//     an int, ?ids=a into a []int) is the client's mistake: a 400
//     invalid_request error with a field error at the parameter's name
//     ("limit"), made by [envelope.WrongType], so exactly the field error
//     [envelope.DecodeRequest] gives a JSON member of the wrong type: code
//     "type" and the catalog's message for the type ("must be an integer",
//     "must be a non-negative integer", "must be a number", "must be a
//     boolean"), localized. A number out of its field's range (?small=300
//     into an int8) is "invalid" ("is invalid"), a time that does not match
//     its time_format "pattern" ("has an invalid format");
//   - failed `binding` rules are a 400 validation_failed error with one
//     field error per rule, named by the parameters' form names ("limit",
//     not "Limit"), nested structs flattened as gin binds them;
//   - a misuse (obj not a pointer to a struct) is a 500.
//
// Nothing of Go's own error text (strconv's "parsing "abc": invalid
// syntax") reaches the client; it is the error's cause, for logs.
func BindQuery(c *gin.Context, obj any) error {
	if err := binding.Query.Bind(c.Request, obj); err != nil {
		return bindError(c.Request.Context(), err, obj, c.Request.URL.Query(), "form", formFields)
	}
	return nil
}

// BindURI binds c's path parameters into obj, a pointer to a struct, as
// c.ShouldBindUri does (uri tags), with the errors of [BindQuery], fields
// named by their uri names.
func BindURI(c *gin.Context, obj any) error {
	params := make(map[string][]string, len(c.Params))
	for _, p := range c.Params {
		params[p.Key] = append(params[p.Key], p.Value)
	}
	if err := binding.Uri.BindUri(params, obj); err != nil {
		return bindError(c.Request.Context(), err, obj, params, "uri", uriFields)
	}
	return nil
}

// validate runs gin's validator on obj and translates its errors.
func validate(ctx context.Context, tr *envelopevalidator.Translator, obj any) error {
	if binding.Validator == nil {
		return nil
	}
	return tr.StructError(ctx, obj, binding.Validator.ValidateStruct(obj))
}

// bindError translates the error of binding values into obj by tag:
// validation errors by the validator adapter, anything else as the value
// of the first parameter that does not parse, found by binding each
// parameter alone into a fresh value with gin's own mapping.
func bindError(ctx context.Context, err error, obj any, values map[string][]string, tag string, tr *envelopevalidator.Translator) error {
	var ves validator.ValidationErrors
	var ive *validator.InvalidValidationError
	if errors.As(err, &ves) || errors.As(err, &ive) {
		return tr.StructError(ctx, obj, err)
	}
	t := reflect.TypeOf(obj)
	if t == nil || t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
		return envelope.Wrap(err, envelope.CodeInternal, "")
	}
	for _, name := range leafFields(t.Elem(), tag) {
		vs, ok := values[name]
		if !ok {
			continue
		}
		probe := reflect.New(t.Elem()).Interface()
		if perr := binding.MapFormWithTag(probe, map[string][]string{name: vs}, tag); perr != nil {
			return envelope.InvalidRequest("").WithFields(envelope.ValueError(name, perr)).WithCause(err)
		}
	}
	// Not a value's fault that can be pinned on one parameter.
	return envelope.InvalidRequest("").WithCause(err)
}

// leafFields lists the names of the parameters gin's mapping binds
// fields from, in its order: exported fields by their tag's name (the Go
// name without one), fields tagged "-" left out, structs flattened unless
// gin binds them whole (time.Time, a BindUnmarshaler).
func leafFields(t reflect.Type, tag string) []string {
	var out []string
	for i := range t.NumField() {
		sf := t.Field(i)
		if (!sf.IsExported() && !sf.Anonymous) || sf.Tag.Get(tag) == "-" {
			continue
		}
		ft := sf.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct && ft != timeType && !reflect.PointerTo(ft).Implements(unmarshaler) {
			if !sf.Anonymous {
				if name := tagName(tag)(sf); name != "" {
					out = append(out, name) // gin tries the struct whole first
				}
			}
			out = append(out, leafFields(ft, tag)...)
			continue
		}
		out = append(out, tagName(tag)(sf))
	}
	return out
}

// tagName returns the name gin binds a field by for tag: the tag's name,
// or the Go name without one; "" (flattened) for a struct gin binds field
// by field.
func tagName(tag string) func(reflect.StructField) string {
	return func(sf reflect.StructField) string {
		ft := sf.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		name, _, _ := strings.Cut(sf.Tag.Get(tag), ",")
		if ft.Kind() == reflect.Struct && ft != timeType && !reflect.PointerTo(ft).Implements(unmarshaler) && (name == "" || sf.Anonymous) {
			return ""
		}
		if name == "" {
			return sf.Name
		}
		return name
	}
}
