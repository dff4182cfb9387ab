package envelope

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests in this file reproduce every example body that the five
// published contracts in the project's shared contracts folder document,
// through a real server, from a preset and the application's errors alone.
//
// The documented text of each body is kept verbatim below. The flat
// contract with null details documents a consistent two-space indented
// layout, which Format.Indent reproduces byte for byte. The other documents
// lay bodies out inconsistently (spaces after "{" but none before "}",
// indentation lost, arrays kept on one line), which is how their pages were
// typeset rather than what a server sends; whitespace between JSON tokens
// is insignificant (RFC 8259 §2), so for those the documented text is
// compacted with json.Compact, which keeps member order and every byte of
// every token, and the compact body on the wire must equal it byte for byte.

// contractCase is one documented example: the error the application
// returns, the body the document shows, and the headers it documents.
type contractCase struct {
	// detailsLookLikeFields marks a body whose details object has the
	// shape of field errors (an object of strings): the client reads it
	// both ways, as details and as fields.
	detailsLookLikeFields bool
	name                  string
	err                   func(t testing.TB) error
	requestID             string
	status                int
	documented            string
	header                map[string]string
}

// runContract serves every case through one server with format f and
// checks status, body bytes and headers.
func runContract(t *testing.T, f Format, exact bool, cases []contractCase) {
	t.Helper()
	errs := make(map[string]error, len(cases))
	for _, c := range cases {
		errs["/"+c.name] = c.err(t)
	}
	codes := testCodes(t)
	srv := errorServer(t, WriterOptions{Format: f, Codes: codes}, errs)
	parser, err := NewParser(ParserOptions{Formats: []Format{f}, Codes: codes})
	require.NoError(t, err)
	mediaType := f.MediaType
	if mediaType == "" {
		mediaType = "application/json"
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			if c.requestID != "" {
				h.Set("X-Test-Id", c.requestID)
			}
			resp, body := do(t, srv, http.MethodGet, "/"+c.name, h, nil)
			want := []byte(c.documented)
			if !exact {
				var buf bytes.Buffer
				require.NoError(t, json.Compact(&buf, want), "documented body is not JSON")
				want = buf.Bytes()
			}
			assert.Equal(t, c.status, resp.StatusCode)
			assert.Equal(t, string(want), string(body))
			assert.Equal(t, mediaType, resp.Header.Get("Content-Type"))
			assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
			assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
			for k, v := range c.header {
				assert.Equal(t, v, resp.Header.Get(k), "header %s", k)
			}
			if c.requestID == "" {
				assert.Empty(t, resp.Header.Get("X-Request-Id"))
			}

			// The client side, given the same format, reads the body
			// back to the same code, status, fields and request ID.
			sent := errs["/"+c.name].(*APIError)
			got := parser.Parse(resp.StatusCode, resp.Header, body)
			assert.Equal(t, sent.Code(), got.Code(), "parsed code")
			assert.Equal(t, c.status, got.Status(), "parsed status")
			assert.Equal(t, c.requestID, got.RequestID(), "parsed request ID")
			wantFields := fieldPairs(sent.Fields())
			if len(got.Fields()) < len(sent.Fields()) {
				wantFields = joinedPairs(sent.Fields()) // a map from path to one message
			}
			if c.detailsLookLikeFields {
				wantFields = [][2]string{{"field", "name"}}
				assert.JSONEq(t, `{"field":"name"}`, string(got.Details().(json.RawMessage)), "parsed details")
			}
			assert.Equal(t, wantFields, fieldPairs(got.Fields()), "parsed fields")
		})
	}
}

// joinedPairs is fieldPairs with the messages of one path joined, as a map
// from path to one message carries them.
func joinedPairs(fs []FieldError) [][2]string {
	var out [][2]string
	at := map[string]int{}
	for _, f := range fs {
		if i, ok := at[f.Field]; ok {
			out[i][1] += "; " + f.Message
			continue
		}
		at[f.Field] = len(out)
		out = append(out, [2]string{f.Field, f.Message})
	}
	return out
}

// fieldPairs reduces field errors to path and message, what every format
// carries.
func fieldPairs(fs []FieldError) [][2]string {
	var out [][2]string
	for _, f := range fs {
		out = append(out, [2]string{f.Field, f.Message})
	}
	return out
}

func TestContractNullDetails(t *testing.T) {
	t.Parallel()
	f := NullDetailsFormat()
	f.Indent = "  " // the document's layout, reproduced exactly
	runContract(t, f, true, []contractCase{
		{
			detailsLookLikeFields: true,
			name:                  "400",
			err:                   errOf(Validation("name is required").WithDetails(map[string]string{"field": "name"})),
			status:                400,
			documented: `{
  "code": "validation_error",
  "message": "name is required",
  "details": {
    "field": "name"
  }
}`,
		},
		{
			name:   "401",
			err:    errOf(Unauthorized("token is expired or invalid")),
			status: 401,
			documented: `{
  "code": "unauthorized",
  "message": "token is expired or invalid",
  "details": null
}`,
			header: map[string]string{"Www-Authenticate": "Bearer"},
		},
		{
			name:   "403",
			err:    errOf(Forbidden("insufficient permissions")),
			status: 403,
			documented: `{
  "code": "forbidden",
  "message": "insufficient permissions",
  "details": null
}`,
		},
		{
			name:   "404",
			err:    errOf(NotFound("Flag not found")),
			status: 404,
			documented: `{
  "code": "not_found",
  "message": "Flag not found",
  "details": null
}`,
		},
		{
			name:   "409",
			err:    errOf(Conflict("email already exists")),
			status: 409,
			documented: `{
  "code": "conflict",
  "message": "email already exists",
  "details": null
}`,
		},
		{
			name:   "500",
			err:    errOf(Internal("billing provider returned an unexpected error")),
			status: 500,
			documented: `{
  "code": "internal_error",
  "message": "billing provider returned an unexpected error",
  "details": null
}`,
		},
		{
			// Not a documented body: how field errors travel in this shape.
			name:       "fields",
			err:        errOf(Validation("name is required").WithField("name", "is required")),
			status:     400,
			documented: "{\n  \"code\": \"validation_error\",\n  \"message\": \"name is required\",\n  \"details\": {\n    \"name\": \"is required\"\n  }\n}",
		},
	})
}

func TestContractFlat(t *testing.T) {
	t.Parallel()
	runContract(t, FlatFormat(), false, []contractCase{
		{
			name:      "invalid_request",
			err:       errOf(InvalidRequest("email is required").WithField("email", "must be a valid email address")),
			requestID: "req_9f7a32b5",
			status:    400,
			documented: `{
  "code": "invalid_request",
  "message": "email is required",
  "fields": { "email": "must be a valid email address" },
  "requestId": "req_9f7a32b5"
}`,
			header: map[string]string{"X-Request-Id": "req_9f7a32b5"},
		},
		{
			name: "version_drift",
			err: func(t testing.TB) error {
				return domainErr(t, "version_drift").WithExtension("liveVersion", 8).WithExtension("proposedVersion", 7)
			},
			requestID:  "req_1",
			status:     409,
			documented: `{"code":"version_drift","message":"The environment moved on; re-propose against the new state.","requestId":"req_1","liveVersion":8,"proposedVersion":7}`,
			header:     map[string]string{"X-Request-Id": "req_1"},
		},
		{
			name: "in_use",
			err: func(t testing.TB) error {
				return domainErr(t, "in_use").WithField("referrers", "flag.checkout").WithField("referrers", "segment.beta")
			},
			requestID:  "req_2",
			status:     409,
			documented: `{"code":"in_use","message":"The resource is still referenced.","fields":{"referrers":"flag.checkout; segment.beta"},"requestId":"req_2"}`,
		},
		{
			name: "token_rate_limit",
			err: func(t testing.TB) error {
				return domainErr(t, "token_rate_limit").WithHeader("Retry-After", "17")
			},
			requestID:  "req_3",
			status:     429,
			documented: `{"code":"token_rate_limit","message":"The token's rate limit is exhausted.","requestId":"req_3"}`,
			header:     map[string]string{"Retry-After": "17", "X-Request-Id": "req_3"},
		},
		{
			name:       "internal",
			err:        errOf(Internal("")),
			requestID:  "req_4",
			status:     500,
			documented: `{"code":"internal","message":"` + defaultMessage(CodeInternal) + `","requestId":"req_4"}`,
		},
	})
}

func TestContractPrefixedUpper(t *testing.T) {
	t.Parallel()
	runContract(t, PrefixedUpperFormat(), false, []contractCase{
		{
			name:   "invalid_param",
			err:    errOf(InvalidRequest("The parameter 'title' is not valid.")),
			status: 400,
			documented: `{
  "error": "ERROR_CODE_INVALID_PARAM",
  "message": "The parameter 'title' is not valid."
}`,
		},
		{
			name: "validation",
			err: errOf(Validation("").
				WithField("title", "can't be blank").
				WithField("bucket_id", "is not a valid bucket")),
			status: 422,
			documented: `{
  "errors": {
    "title": ["can't be blank"],
    "bucket_id": ["is not a valid bucket"]
  }
}`,
		},
		{
			name:       "domain",
			err:        func(t testing.TB) error { return domainErr(t, "admin_limit_reached") },
			status:     403,
			documented: `{"error":"ERROR_CODE_ADMIN_LIMIT_REACHED","message":"Maximum admin seats reached."}`,
		},
		{
			name:       "rate_limited",
			err:        errOf(RateLimited("Rate limit exceeded.").WithHeader("Retry-After", "60")),
			status:     429,
			documented: `{"error":"ERROR_CODE_RATE_LIMITED","message":"Rate limit exceeded."}`,
			header:     map[string]string{"Retry-After": "60"},
		},
	})
}

func TestContractNested(t *testing.T) {
	t.Parallel()
	runContract(t, NestedFormat(), false, []contractCase{
		{
			name:      "validation_error",
			err:       errOf(Validation("Validation failed.").WithField("email", "Already in use.")),
			requestID: "9f2c5b4d-77b2-4f48-a4d3-8b3f01b8d8f2",
			status:    422,
			documented: `{
"error": {
"code": "validation_error",
"message": "Validation failed.",
"details": { "email": ["Already in use."] },
"request_id": "9f2c5b4d-77b2-4f48-a4d3-8b3f01b8d8f2"
}
}`,
			header: map[string]string{"X-Request-Id": "9f2c5b4d-77b2-4f48-a4d3-8b3f01b8d8f2"},
		},
		{
			name:       "authentication_failed",
			err:        errOf(Unauthorized("Bearer token missing, expired, or revoked.")),
			requestID:  "r1",
			status:     401,
			documented: `{"error":{"code":"authentication_failed","message":"Bearer token missing, expired, or revoked.","details":null,"request_id":"r1"}}`,
			header:     map[string]string{"Www-Authenticate": "Bearer"},
		},
		{
			name:       "permission_denied",
			err:        errOf(Forbidden("Authenticated, but not allowed.")),
			requestID:  "r2",
			status:     403,
			documented: `{"error":{"code":"permission_denied","message":"Authenticated, but not allowed.","details":null,"request_id":"r2"}}`,
		},
		{
			name:       "subscription_required",
			err:        func(t testing.TB) error { return domainErr(t, "subscription_required") },
			requestID:  "r3",
			status:     402,
			documented: `{"error":{"code":"subscription_required","message":"Action needs an active subscription.","details":null,"request_id":"r3"}}`,
		},
	})
}

func TestContractMessageFirst(t *testing.T) {
	t.Parallel()
	cases := []contractCase{
		{name: "validation", err: errOf(Validation("Missing required fields: key, enabled")), status: 400,
			documented: `{ "error": "Missing required fields: key, enabled", "code": "VALIDATION_ERROR"}`},
		{name: "key_format", err: errOf(Validation("Invalid key format: must match [a-z0-9][a-z0-9._-]{0,127}")), status: 400,
			documented: `{ "error": "Invalid key format: must match [a-z0-9][a-z0-9._-]{0,127}", "code": "VALIDATION_ERROR"}`},
		{name: "unauthorized", err: errOf(Unauthorized("Unauthorized")), status: 401,
			documented: `{ "error": "Unauthorized", "code": "UNAUTHORIZED"}`},
		{name: "forbidden", err: errOf(Forbidden("Insufficient permissions")), status: 403,
			documented: `{ "error": "Insufficient permissions", "code": "FORBIDDEN"}`},
		{name: "forbidden_admin", err: errOf(Forbidden("Admin permission required")), status: 403,
			documented: `{ "error": "Admin permission required", "code": "FORBIDDEN"}`},
		{name: "not_found", err: errOf(NotFound("Flag not found")), status: 404,
			documented: `{ "error": "Flag not found", "code": "NOT_FOUND"}`},
		{name: "conflict", err: errOf(Conflict("Flag already exists")), status: 409,
			documented: `{ "error": "Flag already exists", "code": "CONFLICT"}`},
		{name: "version_conflict", err: errOf(Conflict("Version conflict").WithDetails(map[string]int{"current_version": 3})), status: 409,
			documented: `{ "error": "Version conflict", "code": "CONFLICT", "details": { "current_version": 3 }}`},
		{name: "rate_limited", err: errOf(RateLimited("Rate limit exceeded").WithHeader("Retry-After", "42")), status: 429,
			documented: `{ "error": "Rate limit exceeded", "code": "RATE_LIMITED"}`,
			header:     map[string]string{"Retry-After": "42"}},
		{name: "payload_too_large", err: errOf(PayloadTooLarge("Request body too large")), status: 413,
			documented: `{ "error": "Request body too large", "code": "PAYLOAD_TOO_LARGE"}`},
		{name: "method_not_allowed", err: errOf(MethodNotAllowed("Method not allowed", "GET", "POST")), status: 405,
			documented: `{"error":"Method not allowed","code":"METHOD_NOT_ALLOWED"}`,
			header:     map[string]string{"Allow": "GET, POST"}},
		{name: "internal", err: errOf(Internal("Unexpected server error")), status: 500,
			documented: `{"error":"Unexpected server error","code":"INTERNAL_ERROR"}`},
	}
	// Every response of this contract carries a request ID header.
	for i := range cases {
		cases[i].requestID = "0b6c3f1e-5d2a-4c3b-9f8e-7a6d5c4b3a21"
		if cases[i].header == nil {
			cases[i].header = map[string]string{}
		}
		cases[i].header["X-Request-Id"] = cases[i].requestID
	}
	runContract(t, MessageFirstFormat(), false, cases)
}
