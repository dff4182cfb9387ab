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
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUnknownCodeRendersAs500(t *testing.T) {
	t.Parallel()
	e := New("no_such_code", "")
	assert.Equal(t, 500, e.Status())
	assert.Equal(t, Code("no_such_code"), e.Code(), "the code is kept")
	assert.Equal(t, defaultMessage(CodeInternal), e.Message())
	assert.Equal(t, 418, e.WithStatus(418).Status())
	status, body := quietWriter(t).Render(nil, nil, e)
	assert.Equal(t, 500, status)
	assert.JSONEq(t, `{"code":"no_such_code","message":"An internal error occurred."}`, string(body))
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
	assert.Equal(t, defaultMessage(CodeInternal), nilErr.Message())
	assert.Nil(t, nilErr.Details())
	assert.Nil(t, nilErr.Fields())
	assert.Nil(t, nilErr.Extensions())
	assert.Empty(t, nilErr.Header())
	assert.Empty(t, nilErr.RequestID())
	assert.NoError(t, nilErr.Unwrap())
	assert.Equal(t, "<nil>", nilErr.Error())
	assert.False(t, nilErr.Is(Internal("")), "a nil error is no error")
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
		base.WithMessage("m"), base.WithStatus(410),
		base.WithDetails(map[string]int{"a": 1}), base.WithField("b", "2"),
		base.WithFields(FieldError{Field: "c", Code: "required", Message: "3"}), base.WithFields(FieldError{Field: "d"}),
		base.WithHeader("X-A", "2"), base.WithHeader("X-B", "1"),
		base.WithExtension("x", 2), base.WithExtension("y", 1), base.WithCause(io.EOF),
		base.WithArgs(1), base.WithRateLimit(Bucket{Limit: 1}), base.WithRetryAfter(time.Second),
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

// errShared is a package-level error value, as an application declares one.
var errShared = Conflict("").WithField("seed", "x").WithHeader("X-Seed", "1")

// TestSharedErrorAcrossGoroutines hammers one package-level error from many
// goroutines; run with -race it proves the With methods never write to the
// receiver.
func TestSharedErrorAcrossGoroutines(t *testing.T) {
	t.Parallel()
	shared := errShared
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
					WithArgs(i).
					WithMessage("m")
				if len(e.Fields()) != 2 || e.Fields()[1].Field != fmt.Sprintf("f%d", g) {
					t.Errorf("goroutine %d saw another's field: %+v", g, e.Fields())
					return
				}
				_ = errors.Is(e, shared)
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
			assert.ErrorIs(t, err, NotFound("any message"), "matching is by code")
			assert.NotErrorIs(t, err, Conflict(""))
			assert.ErrorIs(t, err, io.EOF, "the cause stays reachable")
			var ae *APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, "Flag not found", ae.Message())
			assert.Equal(t, CodeNotFound, CodeOf(err))
		})
	}
}

func TestCodeOfAndTheRenderedStatus(t *testing.T) {
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
		{"nil", nil, "", 500},
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
			status, _ := quietWriter(t).Render(nil, nil, tc.err)
			assert.Equal(t, tc.status, status)
		})
	}
}

func TestErrorTextAndLogValueCarryTheCause(t *testing.T) {
	t.Parallel()
	e := Wrap(errors.New("db: connection refused"), CodeUnavailable, "Try later").WithField("a", "b")
	assert.Equal(t, "service_unavailable: Try later: db: connection refused", e.Error())
	assert.Equal(t, "not_found: The requested resource was not found.", NotFound("").Error())

	var buf strings.Builder
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "err", e)
	var rec map[string]any
	require.NoError(t, json.Unmarshal([]byte(buf.String()), &rec))
	assert.Equal(t, map[string]any{
		"code": "service_unavailable", "status": 503.0, "message": "Try later",
		"fields": 1.0, "cause": "db: connection refused",
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

func TestMethodNotAllowedListsAllow(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "GET, HEAD", MethodNotAllowed("", "GET", "HEAD").Header().Get("Allow"))
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	_, ok := NotFound("").RetryAfter()
	assert.False(t, ok)
	d, ok := Unavailable("").WithRetryAfter(90 * time.Second).RetryAfter()
	assert.True(t, ok)
	assert.Equal(t, 90*time.Second, d)
	d, ok = RateLimited("").WithHeader("Retry-After", "17").RetryAfter()
	assert.True(t, ok)
	assert.Equal(t, 17*time.Second, d)
	_, ok = RateLimited("").WithHeader("Retry-After", "soon").RetryAfter()
	assert.False(t, ok)
	d, ok = RateLimited("").WithHeader("Retry-After", "99999999999999999999").RetryAfter()
	assert.True(t, ok)
	assert.Equal(t, maxRetryAfter, d, "capped")
}

func TestPanicError(t *testing.T) {
	t.Parallel()
	inner := errors.New("inner")
	pe := &PanicError{Value: fmt.Errorf("wrapped: %w", inner)}
	assert.Equal(t, "panic: wrapped: inner", pe.Error())
	assert.ErrorIs(t, pe, inner, "an error value unwraps")
	assert.Equal(t, "panic: 42", (&PanicError{Value: 42}).Error())
	assert.Contains(t, (&PanicError{Value: secretStringer{}}).Error(), "formatting panicked")
	var nilPE *PanicError
	assert.Equal(t, "panic: <nil>", nilPE.Error())
	assert.NoError(t, nilPE.Unwrap())
}

// secretStringer is a panic value whose String panics with a secret.
type secretStringer struct{}

func (secretStringer) String() string { panic("SECRET") }
