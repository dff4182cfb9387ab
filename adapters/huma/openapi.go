package envelopehuma

import (
	"strconv"

	"github.com/apienvelope/envelope"
	"github.com/danielgtaylor/huma/v2"
)

// documentErrors is the OpenAPI hook: it replaces the content of every
// error response of op (4xx, 5xx, "default") with the envelope's formats,
// one media type each, so the document shows the bodies the API sends
// instead of huma's ErrorModel.
func (a *Adapter) documentErrors(_ *huma.OpenAPI, op *huma.Operation) {
	for key, resp := range op.Responses {
		if resp == nil || !errorResponse(key) {
			continue
		}
		content := make(map[string]*huma.MediaType, len(a.formats))
		for _, f := range a.formats {
			mt := f.MediaType
			if mt == "" {
				mt = "application/json"
			}
			content[mt] = &huma.MediaType{Schema: Schema(f)}
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

// Schema returns a JSON Schema of f's error bodies as a huma schema, for
// documenting error responses: the members in order with their types, the
// ones always present required, nested under f.Wrap when the format wraps.
// It describes the shape, not every code: branch on the code member.
func Schema(f envelope.Format) *huma.Schema {
	props := make(map[string]*huma.Schema, len(f.Members))
	var required []string
	for _, m := range f.Members {
		props[m.Name] = memberSchema(f, m)
		switch m.Kind {
		case envelope.MemberCode, envelope.MemberMessage:
			if !m.OmitWithFields {
				required = append(required, m.Name)
			}
		case envelope.MemberStatus, envelope.MemberType, envelope.MemberTitle:
			required = append(required, m.Name)
		case envelope.MemberDetails, envelope.MemberFields:
			if m.Empty != envelope.EmptyOmit {
				required = append(required, m.Name)
			}
		}
	}
	obj := &huma.Schema{
		Type:                 huma.TypeObject,
		Properties:           props,
		Required:             required,
		AdditionalProperties: true, // extension members
	}
	desc := "An error in the " + f.Name + " format."
	if f.Wrap == "" {
		obj.Description = desc
		return obj
	}
	return &huma.Schema{
		Type:        huma.TypeObject,
		Description: desc,
		Properties:  map[string]*huma.Schema{f.Wrap: obj},
		Required:    []string{f.Wrap},
	}
}

func memberSchema(f envelope.Format, m envelope.Member) *huma.Schema {
	str := func(desc string) *huma.Schema { return &huma.Schema{Type: huma.TypeString, Description: desc} }
	switch m.Kind {
	case envelope.MemberCode:
		s := str("Stable machine-readable code; branch on it.")
		s.Examples = []any{f.WireCode(envelope.CodeNotFound)}
		return s
	case envelope.MemberMessage:
		return str("Human-readable message, safe to show; may change.")
	case envelope.MemberRequestID:
		return str("Request ID; quote it when reporting a problem.")
	case envelope.MemberStatus:
		lo, hi := 400.0, 599.0
		return &huma.Schema{Type: huma.TypeInteger, Minimum: &lo, Maximum: &hi, Description: "The HTTP status of the response (RFC 9457 §3.1.2)."}
	case envelope.MemberType:
		s := str("Problem type URI (RFC 9457 §3.1.1).")
		s.Format = "uri-reference"
		return s
	case envelope.MemberTitle:
		return str("Short summary of the problem type (RFC 9457 §3.1.3).")
	case envelope.MemberInstance:
		s := str("The request path (RFC 9457 §3.1.5).")
		s.Format = "uri-reference"
		return s
	case envelope.MemberFields:
		s := fieldsSchema(m.Fields)
		s.Nullable = m.Empty == envelope.EmptyNull
		return s
	case envelope.MemberDetails:
		// Details are free-form (or the field errors when the member
		// carries them): any JSON value.
		return &huma.Schema{Description: "Structured details of the error, or its field errors."}
	}
	return &huma.Schema{}
}

func fieldsSchema(style envelope.FieldStyle) *huma.Schema {
	str := &huma.Schema{Type: huma.TypeString}
	desc := "Field errors."
	switch style {
	case envelope.FieldsMessages:
		return &huma.Schema{Type: huma.TypeObject, Description: desc, AdditionalProperties: &huma.Schema{Type: huma.TypeArray, Items: str}}
	case envelope.FieldsObjects:
		return &huma.Schema{Type: huma.TypeArray, Description: desc, Items: &huma.Schema{
			Type:       huma.TypeObject,
			Properties: map[string]*huma.Schema{"field": str, "code": str, "message": str},
			Required:   []string{"field", "message"},
		}}
	case envelope.FieldsPointers:
		return &huma.Schema{Type: huma.TypeArray, Description: desc, Items: &huma.Schema{
			Type:       huma.TypeObject,
			Properties: map[string]*huma.Schema{"detail": str, "pointer": str, "code": str},
			Required:   []string{"detail", "pointer"},
		}}
	}
	return &huma.Schema{Type: huma.TypeObject, Description: desc, AdditionalProperties: str}
}
