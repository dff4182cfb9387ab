package envelope

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wantStatus is the code catalog as documented, written out independently of
// status.go so that a change to either shows up here.
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

// constructors maps each built-in code to its constructor and sentinel.
var constructors = map[Code]struct {
	build    func(string) *APIError
	sentinel *APIError
}{
	CodeInvalidRequest:       {InvalidRequest, ErrInvalidRequest},
	CodeValidation:           {Validation, ErrValidation},
	CodeUnauthorized:         {Unauthorized, ErrUnauthorized},
	CodePaymentRequired:      {PaymentRequired, ErrPaymentRequired},
	CodeForbidden:            {Forbidden, ErrForbidden},
	CodeNotFound:             {NotFound, ErrNotFound},
	CodeMethodNotAllowed:     {func(m string) *APIError { return MethodNotAllowed(m, "GET") }, ErrMethodNotAllowed},
	CodeNotAcceptable:        {NotAcceptable, ErrNotAcceptable},
	CodeConflict:             {Conflict, ErrConflict},
	CodeGone:                 {Gone, ErrGone},
	CodePreconditionFailed:   {PreconditionFailed, ErrPreconditionFailed},
	CodePayloadTooLarge:      {PayloadTooLarge, ErrPayloadTooLarge},
	CodeUnsupportedMediaType: {UnsupportedMediaType, ErrUnsupportedMediaType},
	CodeUnprocessable:        {Unprocessable, ErrUnprocessable},
	CodeRateLimited:          {RateLimited, ErrRateLimited},
	CodeCanceled:             {Canceled, ErrCanceled},
	CodeInternal:             {Internal, ErrInternal},
	CodeNotImplemented:       {NotImplemented, ErrNotImplemented},
	CodeBadGateway:           {BadGateway, ErrBadGateway},
	CodeUnavailable:          {Unavailable, ErrUnavailable},
	CodeTimeout:              {Timeout, ErrTimeout},
}

func TestBuiltinCodesAreComplete(t *testing.T) {
	t.Parallel()
	require.Len(t, builtinCodes, len(wantStatus), "catalog and test table disagree on the number of codes")
	require.Len(t, constructors, len(wantStatus), "every built-in code needs a constructor and a sentinel")
	for _, code := range builtinCodes {
		t.Run(string(code), func(t *testing.T) {
			t.Parallel()
			status, ok := wantStatus[code]
			require.True(t, ok, "code %q is not in the documented catalog", code)
			assert.True(t, validCodeName(string(code)), "not snake_case")
			assert.Equal(t, status, StatusFor(code))

			info, ok := Lookup(code)
			require.True(t, ok)
			assert.Equal(t, code, info.Code)
			assert.Equal(t, status, info.Status)
			assert.NotEmpty(t, info.Message, "default message")
			assert.NotEmpty(t, info.Description, "description")

			c := constructors[code]
			e := c.build("")
			assert.Equal(t, code, e.Code())
			assert.Equal(t, status, e.Status())
			assert.Equal(t, info.Message, e.Message(), "an empty message means the default")
			assert.Equal(t, "custom", c.build("custom").Message())
			assert.ErrorIs(t, e, c.sentinel)
			assert.Equal(t, code, c.sentinel.Code())
			assert.Equal(t, status, c.sentinel.Status())

			text, err := code.MarshalText()
			require.NoError(t, err)
			var back Code
			require.NoError(t, back.UnmarshalText(text))
			assert.Equal(t, code, back)
		})
	}
}

func TestCodesListsBuiltinsThenDomain(t *testing.T) {
	t.Parallel()
	all := Codes()
	require.GreaterOrEqual(t, len(all), len(builtinCodes))
	for i, c := range builtinCodes {
		assert.Equal(t, c, all[i].Code)
	}
	for i := len(builtinCodes) + 1; i < len(all); i++ {
		assert.Less(t, all[i-1].Code, all[i].Code, "domain codes are sorted")
	}
}

func TestUnknownCodeRendersAs500(t *testing.T) {
	t.Parallel()
	assert.Equal(t, 500, StatusFor("no_such_code"))
	e := New("no_such_code", "")
	assert.Equal(t, 500, e.Status())
	assert.Equal(t, Code("no_such_code"), e.Code(), "the code is kept")
	assert.Equal(t, builtinMessage(CodeInternal), e.Message())
	assert.Equal(t, 418, e.WithStatus(418).Status())
}

func TestImpossibleStatusesRenderAs500(t *testing.T) {
	t.Parallel()
	for _, s := range []int{-1, 0, 99, 100, 200, 204, 304, 399, 600, 1000} {
		assert.Equal(t, 500, NotFound("").WithStatus(s).Status(), "status %d", s)
	}
	for _, s := range []int{400, 418, 499, 599} {
		assert.Equal(t, s, NotFound("").WithStatus(s).Status())
	}
}

func TestNilAndZeroErrors(t *testing.T) {
	t.Parallel()
	var nilErr *APIError
	assert.Equal(t, CodeInternal, nilErr.Code())
	assert.Equal(t, 500, nilErr.Status())
	assert.Equal(t, builtinMessage(CodeInternal), nilErr.Message())
	assert.Nil(t, nilErr.Details())
	assert.Nil(t, nilErr.Fields())
	assert.Nil(t, nilErr.Extensions())
	assert.Empty(t, nilErr.Header())
	assert.Empty(t, nilErr.RequestID())
	assert.NoError(t, nilErr.Unwrap())
	assert.Equal(t, "<nil>", nilErr.Error())
	assert.False(t, nilErr.Is(ErrInternal))
	assert.Equal(t, "x", nilErr.WithMessage("x").Message(), "With on nil builds a fresh error")

	var zero APIError
	assert.Equal(t, CodeInternal, zero.Code())
	assert.Equal(t, 500, zero.Status())
}

func TestWithMethodsReturnCopies(t *testing.T) {
	t.Parallel()
	base := NotFound("base").WithField("a", "1").WithHeader("X-A", "1").WithExtension("x", 1)
	snapshot := fmt.Sprintf("%#v", *base)
	derived := []*APIError{
		base.WithMessage("m"), base.WithMessagef("m %d", 1), base.WithStatus(410),
		base.WithDetails(map[string]int{"a": 1}), base.WithField("b", "2"),
		base.WithFieldCode("c", "required", "3"), base.WithFields(FieldError{Field: "d"}),
		base.WithRequestID("r1"), base.WithHeader("X-A", "2"), base.WithHeader("X-B", "1"),
		base.WithExtension("x", 2), base.WithExtension("y", 1), base.WithCause(io.EOF),
	}
	for _, d := range derived {
		assert.NotSame(t, base, d)
	}
	assert.Equal(t, snapshot, fmt.Sprintf("%#v", *base), "the receiver must be unchanged")
	assert.Len(t, base.Fields(), 1)
	assert.Equal(t, "1", base.Header().Get("X-A"))
	assert.Equal(t, "2", base.WithHeader("x-a", "2").Header().Get("X-A"), "WithHeader replaces, by canonical key")
	assert.Len(t, base.WithHeader("x-a", "2").Header(), 1)
	assert.Equal(t, []Extension{{"x", 2}}, base.WithExtension("x", 2).Extensions(), "WithExtension replaces")

	// Two appends on the same base never share an array.
	a, b := base.WithField("p", "a"), base.WithField("q", "b")
	assert.Equal(t, "p", a.Fields()[1].Field)
	assert.Equal(t, "q", b.Fields()[1].Field)

	// Accessors hand out copies.
	f := base.Fields()
	f[0].Message = "changed"
	assert.Equal(t, "1", base.Fields()[0].Message)
}

// TestSentinelSharedAcrossGoroutines hammers one package-level sentinel from
// many goroutines; run with -race it proves the With methods never write to
// the receiver.
func TestSentinelSharedAcrossGoroutines(t *testing.T) {
	t.Parallel()
	shared := ErrConflict.WithField("seed", "x").WithHeader("X-Seed", "1")
	before := fmt.Sprintf("%#v", *shared)
	var wg sync.WaitGroup
	for g := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				e := shared.WithField(fmt.Sprintf("f%d", g), "m").
					WithHeader("X-G", fmt.Sprint(g)).
					WithExtension("n", i).
					WithDetails(i).
					WithRequestID("r").
					WithMessage("m")
				if len(e.Fields()) != 2 || e.Fields()[1].Field != fmt.Sprintf("f%d", g) {
					t.Errorf("goroutine %d saw another's field: %+v", g, e.Fields())
					return
				}
				_ = errors.Is(e, ErrConflict)
				_ = shared.Error()
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, before, fmt.Sprintf("%#v", *shared))
}

func TestIsAndAsThroughWrapping(t *testing.T) {
	t.Parallel()
	nf := NotFound("Flag not found").WithCause(io.EOF)
	cases := map[string]error{
		"direct":      nf,
		"wrapped":     fmt.Errorf("loading flag: %w", nf),
		"twice":       fmt.Errorf("handler: %w", fmt.Errorf("loading flag: %w", nf)),
		"joined":      errors.Join(errors.New("other"), nf),
		"join+wrap":   fmt.Errorf("x: %w", errors.Join(nil, fmt.Errorf("y: %w", nf))),
		"multi-wrap%": fmt.Errorf("%w and %w", errors.New("a"), nf),
	}
	for name, err := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			assert.ErrorIs(t, err, ErrNotFound)
			assert.ErrorIs(t, err, NotFound("any message"), "matching is by code")
			assert.NotErrorIs(t, err, ErrConflict)
			assert.ErrorIs(t, err, io.EOF, "the cause stays reachable")
			var ae *APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, "Flag not found", ae.Message())
			assert.Equal(t, CodeNotFound, CodeOf(err))
			assert.Equal(t, 404, StatusOf(err))
		})
	}
}

func TestCodeOfAndStatusOf(t *testing.T) {
	t.Parallel()
	var typedNil *APIError
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var syntax *json.SyntaxError
	syntaxErr := json.Unmarshal([]byte("{"), &struct{}{})
	require.ErrorAs(t, json.Unmarshal([]byte("{,"), &struct{}{}), &syntax)
	cases := []struct {
		name   string
		err    error
		code   Code
		status int
	}{
		{"nil", nil, "", 200},
		{"typed nil", typedNil, CodeInternal, 500},
		{"typed nil wrapped", fmt.Errorf("x: %w", typedNil), CodeInternal, 500},
		{"plain", errors.New("boom"), CodeInternal, 500},
		{"max bytes", &http.MaxBytesError{Limit: 10}, CodePayloadTooLarge, 413},
		{"deadline", context.DeadlineExceeded, CodeTimeout, 504},
		{"canceled", ctx.Err(), CodeCanceled, 499},
		{"wrapped deadline", fmt.Errorf("query: %w", context.DeadlineExceeded), CodeTimeout, 504},
		{"json syntax", syntax, CodeInvalidRequest, 400},
		{"json eof", syntaxErr, CodeInvalidRequest, 400},
		{"api error wins over its cause", Wrap(context.Canceled, CodeUnavailable, ""), CodeUnavailable, 503},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.code, CodeOf(tc.err))
			assert.Equal(t, tc.status, StatusOf(tc.err))
		})
	}
}

func TestErrorTextAndLogValueCarryTheCause(t *testing.T) {
	t.Parallel()
	e := Wrap(errors.New("db: connection refused"), CodeUnavailable, "Try later").WithRequestID("r1").WithField("a", "b")
	assert.Equal(t, "service_unavailable: Try later: db: connection refused", e.Error())
	assert.Equal(t, "not_found: The requested resource was not found.", NotFound("").Error())

	var buf strings.Builder
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "err", e)
	var rec map[string]any
	require.NoError(t, json.Unmarshal([]byte(buf.String()), &rec))
	assert.Equal(t, map[string]any{
		"code": "service_unavailable", "status": 503.0, "message": "Try later",
		"requestId": "r1", "fields": 1.0, "cause": "db: connection refused",
	}, rec["err"])
}

type panickyError struct{}

func (panickyError) Error() string { panic("Error panicked") }

func TestErrorTextSurvivesHostileCauses(t *testing.T) {
	t.Parallel()
	e := Wrap(panickyError{}, CodeInternal, "x")
	assert.Contains(t, e.Error(), "Error method panicked")
	huge := Wrap(errors.New(strings.Repeat("é", 100_000)), CodeInternal, "x")
	assert.Less(t, len(huge.Error()), maxLoggedBytes+64)
}

func TestNewfFormatsOnce(t *testing.T) {
	t.Parallel()
	e := Newf(CodeNotFound, "flag %q not found", "%d%s")
	assert.Equal(t, `flag "%d%s" not found`, e.Message(), "an argument is data, never a format")
	assert.Equal(t, "x 1", Wrapf(io.EOF, CodeInternal, "x %d", 1).Message())
	assert.Equal(t, "GET, HEAD", MethodNotAllowed("", "GET", "HEAD").Header().Get("Allow"))
}
