package envelope

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wantStatus is the code catalog as documented, written out independently of
// the table in codes.go so that a change to either shows up here.
var wantStatus = map[Code]int{
	"invalid_request": 400, "validation_failed": 400, "unauthorized": 401,
	"payment_required": 402, "forbidden": 403, "not_found": 404,
	"method_not_allowed": 405, "not_acceptable": 406, "conflict": 409,
	"gone": 410, "precondition_failed": 412, "payload_too_large": 413,
	"unsupported_media_type": 415, "unprocessable_entity": 422,
	"rate_limited": 429, "canceled": 499, "internal": 500,
	"not_implemented": 501, "bad_gateway": 502, "service_unavailable": 503,
	"timeout": 504,
}

// constructors maps each built-in code to its constructor.
var constructors = map[Code]func(string) *APIError{
	CodeInvalidRequest:       InvalidRequest,
	CodeValidation:           Validation,
	CodeUnauthorized:         Unauthorized,
	CodePaymentRequired:      PaymentRequired,
	CodeForbidden:            Forbidden,
	CodeNotFound:             NotFound,
	CodeMethodNotAllowed:     func(m string) *APIError { return MethodNotAllowed(m, "GET") },
	CodeNotAcceptable:        NotAcceptable,
	CodeConflict:             Conflict,
	CodeGone:                 Gone,
	CodePreconditionFailed:   PreconditionFailed,
	CodePayloadTooLarge:      PayloadTooLarge,
	CodeUnsupportedMediaType: UnsupportedMediaType,
	CodeUnprocessable:        Unprocessable,
	CodeRateLimited:          RateLimited,
	CodeCanceled:             Canceled,
	CodeInternal:             Internal,
	CodeNotImplemented:       NotImplemented,
	CodeBadGateway:           BadGateway,
	CodeUnavailable:          Unavailable,
	CodeTimeout:              Timeout,
}

// TestBuiltinTableIsComplete walks the one table of built-in codes: every
// code has its documented status, a default message, a description, a
// constructor and a status that CodeForStatus maps back, and the writer
// renders it with that status and message.
func TestBuiltinTableIsComplete(t *testing.T) {
	t.Parallel()
	require.Len(t, builtins, len(wantStatus), "catalog and test table disagree on the number of codes")
	require.Len(t, constructors, len(wantStatus), "every built-in code needs a constructor")
	var nilCodes *Codes
	seen := map[Code]bool{}
	for _, info := range builtins {
		t.Run(string(info.Code), func(t *testing.T) {
			status, ok := wantStatus[info.Code]
			require.True(t, ok, "code %q is not in the documented catalog", info.Code)
			assert.False(t, seen[info.Code], "listed twice")
			seen[info.Code] = true
			assert.True(t, validCodeName(string(info.Code)), "not snake_case")
			assert.Equal(t, status, info.Status)
			assert.NotEmpty(t, info.Message, "default message")
			assert.NotEmpty(t, info.Description, "description")
			assert.NotEqual(t, info.Message, info.Description)

			got, ok := nilCodes.Lookup(info.Code)
			require.True(t, ok, "a nil *Codes holds the built-in codes")
			assert.Equal(t, info, got)

			e := constructors[info.Code]("")
			assert.Equal(t, info.Code, e.Code())
			assert.Equal(t, status, e.Status())
			assert.Equal(t, info.Message, e.Message(), "an empty message means the default")
			assert.Equal(t, "custom", constructors[info.Code]("custom").Message())

			// CodeForStatus maps the status back to the first code with it.
			first := CodeForStatus(status)
			fi, ok := nilCodes.Lookup(first)
			require.True(t, ok)
			assert.Equal(t, status, fi.Status)

			h := http.Header{}
			st, body := quietWriter(t).Render(h, nil, e)
			assert.Equal(t, status, st)
			assert.Contains(t, string(body), `"message":`+string(appendJSONString(nil, info.Message)))
		})
	}
	assert.Equal(t, CodeInvalidRequest, CodeForStatus(400), "the first 400 code")
	assert.Equal(t, CodeInvalidRequest, CodeForStatus(418), "an unknown 4xx")
	assert.Equal(t, CodeInternal, CodeForStatus(599), "an unknown 5xx")
	assert.Equal(t, CodeInternal, CodeForStatus(200))
}

func TestNewCodesDeclaresDomainCodes(t *testing.T) {
	t.Parallel()
	codes, err := NewCodes(
		CodeInfo{Code: "in_use", Status: 409, Message: "The resource is still referenced.", Description: "Deleting a referenced segment.", Attrs: map[string]string{"doc_url": "https://example.com/in_use"}},
		CodeInfo{Code: "expired", Status: 410, Message: "Expired."},
	)
	require.NoError(t, err)
	info, ok := codes.Lookup("in_use")
	require.True(t, ok)
	assert.Equal(t, 409, info.Status)
	assert.Equal(t, "Deleting a referenced segment.", info.Description)
	info.Attrs["doc_url"] = "changed"
	again, _ := codes.Lookup("in_use")
	assert.Equal(t, "https://example.com/in_use", again.Attrs["doc_url"], "Lookup hands out copies")

	all := codes.List()
	require.Len(t, all, len(builtins)+2)
	for i := range builtins {
		assert.Equal(t, builtins[i].Code, all[i].Code, "built-ins first, in catalog order")
	}
	assert.Equal(t, []Code{"expired", "in_use"}, []Code{all[len(builtins)].Code, all[len(builtins)+1].Code}, "then domain codes by name")

	// The writer renders a domain code with its declared status and message.
	ew := newWriter(t, WriterOptions{Codes: codes})
	status, body := ew.Render(nil, nil, New("in_use", ""))
	assert.Equal(t, 409, status)
	assert.JSONEq(t, `{"code":"in_use","message":"The resource is still referenced."}`, string(body))

	// Two tables in one process give one code different statuses.
	other, err := NewCodes(CodeInfo{Code: "in_use", Status: 423, Message: "Locked."})
	require.NoError(t, err)
	status, _ = newWriter(t, WriterOptions{Codes: other}).Render(nil, nil, New("in_use", ""))
	assert.Equal(t, 423, status)
}

func TestNewCodesRefusesBadInput(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		infos []CodeInfo
		want  string
	}{
		{"duplicate", []CodeInfo{{Code: "dup", Status: 409, Message: "m"}, {Code: "dup", Status: 410, Message: "n"}}, `code "dup" is declared twice`},
		{"built in", []CodeInfo{{Code: "not_found", Status: 404, Message: "m"}}, `code "not_found" is built in`},
		{"empty", []CodeInfo{{Code: "", Status: 400, Message: "m"}}, "snake_case"},
		{"upper", []CodeInfo{{Code: "NotFound", Status: 400, Message: "m"}}, "snake_case"},
		{"dash", []CodeInfo{{Code: "in-use", Status: 400, Message: "m"}}, "snake_case"},
		{"double underscore", []CodeInfo{{Code: "in__use", Status: 400, Message: "m"}}, "snake_case"},
		{"trailing underscore", []CodeInfo{{Code: "in_use_", Status: 400, Message: "m"}}, "snake_case"},
		{"leading digit", []CodeInfo{{Code: "1x", Status: 400, Message: "m"}}, "snake_case"},
		{"too long", []CodeInfo{{Code: Code("a" + strings.Repeat("b", 64)), Status: 400, Message: "m"}}, "snake_case"},
		{"status 200", []CodeInfo{{Code: "ok", Status: 200, Message: "m"}}, "not a 4xx or 5xx"},
		{"status 0", []CodeInfo{{Code: "zero", Status: 0, Message: "m"}}, "not a 4xx or 5xx"},
		{"status 600", []CodeInfo{{Code: "s600", Status: 600, Message: "m"}}, "not a 4xx or 5xx"},
		{"no message", []CodeInfo{{Code: "nomsg", Status: 400}}, "default message"},
		{"blank message", []CodeInfo{{Code: "blank", Status: 400, Message: "  "}}, "default message"},
		{"bad attribute", []CodeInfo{{Code: "attr", Status: 400, Message: "m", Attrs: map[string]string{"a b": "x"}}}, "attribute name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := NewCodes(tc.infos...)
			assert.Nil(t, c)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// TestCodesConcurrentUse reads one table from many goroutines while writers
// built from it render; run with -race it shows the table is immutable.
func TestCodesConcurrentUse(t *testing.T) {
	t.Parallel()
	codes := testCodes(t)
	ew := newWriter(t, WriterOptions{Codes: codes})
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				if _, ok := codes.Lookup("in_use"); !ok {
					t.Error("lost a code")
					return
				}
				_ = codes.List()
				if s, _ := ew.Render(nil, nil, New("version_drift", "")); s != 409 {
					t.Errorf("status %d", s)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestCategory(t *testing.T) {
	t.Parallel()
	tests := []struct {
		e    *APIError
		want Code
	}{
		{nil, CodeInternal},
		{NotFound(""), CodeNotFound},
		{New("token_rate_limit", "").WithStatus(429), CodeRateLimited},
		{New("subscription_expired", "").WithStatus(402), CodePaymentRequired},
		{New("weird", "").WithStatus(418), CodeInvalidRequest},
		{New("never_declared", ""), CodeInternal},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.e.Category(), "%v", tt.e)
	}
}
