package envelope

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
)

// DecodeRequest decodes the JSON body of r into v with the zero
// [RequestDecoder]: at most 1 MiB, unknown fields rejected, exactly one JSON
// value. Every error it returns is an [*APIError] ready for [Write]; see
// [RequestDecoder.Decode].
func DecodeRequest(r *http.Request, v any) error {
	return RequestDecoder{}.Decode(r, v)
}

// RequestDecoder decodes request bodies into Go values and reports every
// failure as an [*APIError] a client can act on. The zero value is ready to
// use and strict. It is safe for concurrent use.
type RequestDecoder struct {
	// MaxBytes caps the body. Zero means 1 MiB; negative means no cap
	// (for bodies already capped by [MiddlewareOptions.MaxBodyBytes]).
	MaxBytes int64
	// AllowUnknownFields accepts object members that v has no field for.
	// By default they are an invalid_request error naming the member.
	AllowUnknownFields bool
}

// Decode reads r's body into v. It returns nil or an [*APIError], wrapping
// the underlying error as its cause:
//
//   - unsupported_media_type (415) when a Content-Type is present and is
//     neither application/json nor a +json type (a missing one is accepted);
//   - payload_too_large (413) when the body exceeds MaxBytes;
//   - invalid_request (400) for an empty or truncated body, a syntax error
//     (with its byte offset), a value of the wrong type or an unknown member
//     (as a field error naming the field when known, exactly as the client
//     spelled it), or trailing data.
//
// Messages are written for API clients, never quote Go type names, and are
// library messages: a [Localizer]'s catalogs translate or replace them
// (docs/localization.md lists their keys). Decode does not modify r; it
// reads and does not close r.Body.
func (d RequestDecoder) Decode(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return &APIError{code: CodeUnsupportedMediaType, key: keyJSONMediaType}
		}
	}
	if r.Body == nil || r.Body == http.NoBody {
		return &APIError{code: CodeInvalidRequest, key: keyJSONEmpty}
	}
	var body io.Reader = r.Body
	limit := d.MaxBytes
	if limit == 0 {
		limit = 1 << 20
	}
	if limit > 0 {
		body = http.MaxBytesReader(nil, r.Body, limit)
	}
	dec := json.NewDecoder(body)
	if !d.AllowUnknownFields {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return &APIError{code: CodeInvalidRequest, key: keyJSONEmpty, cause: err}
		}
		if e, unexpected := resolve(err); !unexpected {
			return e
		}
		return &APIError{code: CodeInvalidRequest, key: keyJSONInvalid, cause: err}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			e, _ := resolve(err)
			return e
		}
		return &APIError{code: CodeInvalidRequest, key: keyJSONTrailing}
	}
	return nil
}
