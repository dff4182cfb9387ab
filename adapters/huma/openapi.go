package envelopehuma

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/apienvelope/envelope"
	"github.com/danielgtaylor/huma/v2"
)

// newFormatSchema decodes f's JSON Schema ([envelope.Format.Schema]) once.
func newFormatSchema(f envelope.Format) (formatSchema, error) {
	raw, err := f.Schema()
	if err != nil {
		return formatSchema{}, fmt.Errorf("envelopehuma: format %q: %w", f.Name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return formatSchema{}, fmt.Errorf("envelopehuma: format %q: schema: %w", f.Name, err)
	}
	mt := f.MediaType
	if mt == "" {
		mt = "application/json"
	}
	return formatSchema{mediaType: mt, schema: m}, nil
}

// documentErrors is the OpenAPI hook: it replaces the content of every
// error response of op (4xx, 5xx, "default") with the envelope's formats,
// one media type each, each described by its format's own JSON Schema
// ([envelope.Format.Schema]), so the document shows the bodies the API
// sends instead of huma's ErrorModel.
func (a *Adapter) documentErrors(_ *huma.OpenAPI, op *huma.Operation) {
	for key, resp := range op.Responses {
		if resp == nil || !errorResponse(key) {
			continue
		}
		content := make(map[string]*huma.MediaType, len(a.schemas))
		for _, fs := range a.schemas {
			content[fs.mediaType] = &huma.MediaType{Schema: fromJSONSchema(fs.schema)}
		}
		resp.Content = content
	}
}

// errorResponse reports whether an OpenAPI response key is an error.
func errorResponse(key string) bool {
	if key == "default" || key == "4XX" || key == "5XX" {
		return true
	}
	n, err := strconv.Atoi(key)
	return err == nil && n >= 400 && n <= 599
}

// Schema returns the JSON Schema of f's error bodies ([envelope.Format.Schema])
// as a huma schema, for documenting error responses of a huma API by hand
// (the adapter's OpenAPI hook does it for every operation). The keywords
// huma models (type, properties, items, required, anyOf, pattern, ...) fill
// its fields; any other (const) is kept as an extension, which huma writes
// as it is, so the document holds the format's schema unchanged. Each call
// returns a fresh value. It fails when f is invalid.
func Schema(f envelope.Format) (*huma.Schema, error) {
	fs, err := newFormatSchema(f)
	if err != nil {
		return nil, err
	}
	return fromJSONSchema(fs.schema), nil
}

// fromJSONSchema converts a decoded JSON Schema to a huma schema.
func fromJSONSchema(m map[string]any) *huma.Schema {
	s := &huma.Schema{}
	for k, v := range m {
		if !setKeyword(s, k, v) {
			if s.Extensions == nil {
				s.Extensions = map[string]any{}
			}
			s.Extensions[k] = v
		}
	}
	return s
}

// setKeyword sets keyword k of s to v, reporting false for a keyword (or a
// value) huma's Schema does not model.
func setKeyword(s *huma.Schema, k string, v any) bool {
	str, isStr := v.(string)
	sub, isObj := v.(map[string]any)
	list, isList := v.([]any)
	switch {
	case k == "type" && isStr:
		s.Type = str
	case k == "title" && isStr:
		s.Title = str
	case k == "description" && isStr:
		s.Description = str
	case k == "format" && isStr:
		s.Format = str
	case k == "pattern" && isStr:
		s.Pattern = str
	case k == "examples" && isList:
		s.Examples = list
	case k == "enum" && isList:
		s.Enum = list
	case k == "items" && isObj:
		s.Items = fromJSONSchema(sub)
	case k == "properties" && isObj:
		s.Properties = make(map[string]*huma.Schema, len(sub))
		for name, p := range sub {
			ps, ok := p.(map[string]any)
			if !ok {
				return false
			}
			s.Properties[name] = fromJSONSchema(ps)
		}
	case k == "additionalProperties" && isObj:
		s.AdditionalProperties = fromJSONSchema(sub)
	case k == "additionalProperties":
		b, ok := v.(bool)
		if !ok {
			return false
		}
		s.AdditionalProperties = b
	case k == "required" && isList:
		for _, r := range list {
			name, ok := r.(string)
			if !ok {
				return false
			}
			s.Required = append(s.Required, name)
		}
	case k == "minimum" || k == "maximum":
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		f, err := n.Float64()
		if err != nil {
			return false
		}
		if k == "minimum" {
			s.Minimum = &f
		} else {
			s.Maximum = &f
		}
	case (k == "anyOf" || k == "oneOf" || k == "allOf") && isList:
		var out []*huma.Schema
		for _, x := range list {
			xs, ok := x.(map[string]any)
			if !ok {
				return false
			}
			out = append(out, fromJSONSchema(xs))
		}
		switch k {
		case "anyOf":
			s.AnyOf = out
		case "oneOf":
			s.OneOf = out
		default:
			s.AllOf = out
		}
	default:
		return false
	}
	return true
}
