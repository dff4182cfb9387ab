package envelope

import (
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// testCodes registers the domain codes the contract tests use. Register is
// process-wide, so registration happens once per test binary and tolerates
// a code that another test registered first.
var testCodes = sync.OnceValue(func() map[Code]*APIError {
	infos := []CodeInfo{
		{Code: "version_drift", Status: 409, Message: "The environment moved on; re-propose against the new state."},
		{Code: "token_rate_limit", Status: 429, Message: "The token's rate limit is exhausted."},
		{Code: "in_use", Status: 409, Message: "The resource is still referenced."},
		{Code: "invalid_confirmation", Status: 400, Message: "The confirmation does not match."},
		{Code: "admin_limit_reached", Status: 403, Message: "Maximum admin seats reached."},
		{Code: "subscription_required", Status: 402, Message: "Action needs an active subscription."},
		{Code: "ruleset_not_cached", Status: 503, Message: "The environment has no materialized ruleset yet."},
	}
	out := make(map[Code]*APIError, len(infos))
	for _, info := range infos {
		e, err := Register(info)
		if err != nil {
			if _, ok := Lookup(info.Code); !ok || !errors.Is(err, ErrInvalidCode) {
				panic(err)
			}
			e = New(info.Code, "")
		}
		out[info.Code] = e
	}
	return out
})

// domainErr returns the sentinel of a test domain code.
func domainErr(t testing.TB, c Code) *APIError {
	t.Helper()
	e, ok := testCodes()[c]
	require.True(t, ok, "test code %q is not registered", c)
	return e
}

// errorServer serves, at each path of errs, the error stored there through
// an ErrorWriter built from cfg. A request with an X-Test-Id header gets that
// request ID, as a request ID middleware would give it.
func errorServer(t testing.TB, cfg Config, errs map[string]error) *httptest.Server {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	ew, err := NewErrorWriter(cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id := r.Header.Get("X-Test-Id"); id != "" {
			r = r.WithContext(ContextWithRequestID(r.Context(), id))
		}
		e, ok := errs[r.URL.Path]
		if !ok {
			http.Error(w, "no such test path", http.StatusTeapot)
			return
		}
		ew.Write(w, r, e)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// fp returns a pointer to f, for Config.Format.
func fp(f Format) *Format { return &f }

type httptestServer = httptest.Server
