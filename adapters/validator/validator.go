// Package envelopevalidator turns the errors of
// github.com/go-playground/validator/v10 into envelope errors: one
// [envelope.FieldError] per failed rule, with the field path the client sent
// (built from json tags: "items[2].sku", not "Items[2].SKU"), the failed tag
// as a machine code ("required", "email", "min") and a readable message
// ("must be at least 3 characters").
//
// The package is named envelopevalidator so that it can be imported next to
// the validator package without renaming either.
//
// Field paths come from the validator's namespace, so the validator must
// report json names: build it with [NewValidate] or call [RegisterJSONNames]
// on your own. A validator that reports Go field names gives paths with Go
// field names.
package envelopevalidator

import (
	"context"
	"errors"
	"reflect"
	"strings"

	"github.com/apienvelope/envelope"
	"github.com/go-playground/validator/v10"
)

// NewValidate returns a validator that reports json field names (see
// [RegisterJSONNames]) and treats `validate:"required"` on a struct field as
// "must not be the zero struct" (validator.WithRequiredStructEnabled, the
// behaviour validator v11 makes the default). Like any *validator.Validate
// it is safe for concurrent use once configured; build it once.
func NewValidate() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	RegisterJSONNames(v)
	return v
}

// RegisterJSONNames makes v report fields by the names encoding/json gives
// them, so that the paths [Translator.Error] builds are the ones the client
// sent: the json tag's name when there is one, the Go field name otherwise
// (including for `json:"-"` fields, which the client cannot send; their
// errors name the Go field). Embedded structs without a json name are
// flattened, as encoding/json flattens them.
//
// It replaces any tag name function v had. Call it before v validates
// anything: the validator caches names per type, and it is not safe to call
// concurrently with validation.
func RegisterJSONNames(v *validator.Validate) {
	v.RegisterTagNameFunc(jsonName)
}

// embeddedMark encloses the name reported for an embedded struct without a
// json name. A backquote cannot appear in a json tag name nor in a Go
// identifier, so the mark cannot collide with a real name; fieldPath drops
// such segments. The validator's own Error text shows it as "`Base`".
const embeddedMark = '`'

func jsonName(f reflect.StructField) string {
	tag := f.Tag.Get("json")
	if tag == "-" {
		return "" // not sent by the client: the Go name is the honest one
	}
	name, _, _ := strings.Cut(tag, ",")
	if name != "" {
		return name
	}
	if f.Anonymous {
		t := f.Type
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() == reflect.Struct {
			return string(embeddedMark) + f.Name + string(embeddedMark)
		}
	}
	return "" // the validator then uses the Go name, as encoding/json does
}

// Options configures a [Translator]. The zero Options is valid: a 400
// validation_failed error with English messages.
type Options struct {
	// Base is the error the field errors are added to. Nil means
	// envelope.Validation("") (validation_failed, 400, the code's default
	// message). Base is not modified: the result is a copy.
	Base *envelope.APIError
	// Message, when set, returns the public message of one failed rule,
	// for instance from a localization catalog keyed by fe.Tag() with
	// fe.Param() as argument, in the language of the request that ctx
	// belongs to. Returning "" falls back to [Message]. It must be safe
	// for concurrent use; a panic in it is not recovered.
	Message func(ctx context.Context, fe validator.FieldError) string
}

// Translator turns validator errors into envelope errors. Build it once with
// [NewTranslator]; it is safe for concurrent use. The zero Translator
// behaves like NewTranslator(Options{}).
type Translator struct {
	base    *envelope.APIError
	message func(context.Context, validator.FieldError) string
}

// NewTranslator returns a Translator configured by opts.
func NewTranslator(opts Options) *Translator {
	return &Translator{base: opts.Base, message: opts.Message}
}

// FromError is [Translator.Error] with the zero Options: a nil error stays
// nil; validator.ValidationErrors become a 400 validation_failed error with
// one field error per failure, in the validator's order.
func FromError(err error) error {
	var t Translator
	return t.Error(context.Background(), err)
}

// Error translates err, the result of a validator's Struct, Var or similar
// method, for [envelope.Write]:
//
//   - nil stays nil, so `return t.Error(ctx, v.Struct(&req))` is safe (the
//     result is an error, never a typed-nil pointer);
//   - validator.ValidationErrors anywhere in err's chain become the base
//     error with one [envelope.FieldError] per failure: Field is the path
//     (see [RegisterJSONNames]), Code the failed tag as written in the
//     struct tag (an alias stays the alias), Message the readable message;
//     err becomes the cause, for logs only;
//   - *validator.InvalidValidationError (a nil or non-struct value given to
//     Struct: a server bug) becomes a 500 internal error with the generic
//     message, wrapping err for the logs. Its text never reaches the client;
//   - any other error is returned unchanged, for [envelope.Write] to map:
//     an [*envelope.APIError] renders as itself, a JSON decoding error
//     from a framework's bind step as a 400 naming the field, anything
//     unknown as a generic 500. So FromError can wrap a bind-and-validate
//     call such as gin's c.ShouldBindJSON.
func (t *Translator) Error(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	var ves validator.ValidationErrors
	if !errors.As(err, &ves) || len(ves) == 0 {
		var ive *validator.InvalidValidationError
		if errors.As(err, &ive) {
			return envelope.Wrap(err, envelope.CodeInternal, "")
		}
		return err
	}
	if ctx == nil {
		ctx = context.Background()
	}
	fields := make([]envelope.FieldError, len(ves))
	for i, fe := range ves {
		msg := ""
		if t.message != nil {
			msg = t.message(ctx, fe)
		}
		if msg == "" {
			msg = Message(fe)
		}
		fields[i] = envelope.FieldError{Field: fieldPath(fe.Namespace()), Code: fe.Tag(), Message: msg}
	}
	base := t.base
	if base == nil {
		base = envelope.Validation("")
	}
	return base.WithFields(fields...).WithCause(err)
}

// fieldPath turns a validator namespace ("Order.items[2].sku") into the path
// the client sent ("items[2].sku"): the root struct's name is dropped, and so
// are the segments of embedded structs that encoding/json flattens.
func fieldPath(ns string) string {
	segs := splitNamespace(ns)
	if len(segs) > 1 && !strings.HasPrefix(segs[0], "[") {
		segs = segs[1:] // the root struct's type name (Var gives none)
	}
	var b strings.Builder
	b.Grow(len(ns))
	for _, s := range segs {
		if s == "" {
			continue
		}
		if len(s) > 1 && s[0] == embeddedMark {
			if end := strings.IndexByte(s[1:], embeddedMark); end >= 0 {
				s = s[end+2:] // keep any index, which an embedded struct cannot have
				if s == "" {
					continue
				}
			}
		}
		if b.Len() > 0 && s[0] != '[' {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	return b.String()
}

// splitNamespace splits at the dots that are outside brackets. A map key is
// printed in brackets and may hold dots or brackets itself; a "]" closes it
// only when followed by ".", "[" or the end.
func splitNamespace(ns string) []string {
	if ns == "" {
		return nil
	}
	segs := make([]string, 0, strings.Count(ns, ".")+1)
	start, inKey := 0, false
	for i := 0; i < len(ns); i++ {
		switch c := ns[i]; {
		case inKey:
			if c == ']' && (i+1 == len(ns) || ns[i+1] == '.' || ns[i+1] == '[') {
				inKey = false
			}
		case c == '[':
			inKey = true
		case c == '.':
			segs = append(segs, ns[start:i])
			start = i + 1
		}
	}
	return append(segs, ns[start:])
}
