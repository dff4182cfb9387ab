package envelopeecho_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/apienvelope/envelope"
	envelopeecho "github.com/apienvelope/envelope/adapters/echov5"
	"github.com/labstack/echo/v5"
	"github.com/labstack/echo/v5/middleware"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hookedPanics returns Writer options whose OnError hook reports the
// *envelope.PanicError cause of each error (nil when there is none).
func hookedPanics() (envelope.WriterOptions, chan *envelope.PanicError) {
	ch := make(chan *envelope.PanicError, 4)
	return envelope.WriterOptions{OnError: []func(*http.Request, int, *envelope.APIError){
		func(_ *http.Request, _ int, e *envelope.APIError) {
			var pe *envelope.PanicError
			errors.As(e, &pe)
			ch <- pe
		},
	}}, ch
}

func waitPanic(t *testing.T, ch chan *envelope.PanicError) *envelope.PanicError {
	t.Helper()
	select {
	case pe := <-ch:
		return pe
	case <-time.After(waitBound):
		t.Fatal("OnError hook not called")
		return nil
	}
}

// A panic echo's Recover middleware recovered is a clean JSON 500: the
// generic message, never the panic value or a stack; logged once, through
// echo's logger, with its stack; reported to hooks as an
// *envelope.PanicError.
func TestEchoRecoverPanicIsAJSON500(t *testing.T) {
	t.Parallel()
	for _, s := range setups {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			wopts, panics := hookedPanics()
			srv := s.server(t, wopts, envelope.MiddlewareOptions{}, func(e *echo.Echo) {
				e.Use(middleware.RequestIDWithConfig(envelopeecho.RequestIDConfig(envelopeecho.RequestIDOptions{})))
				e.Use(middleware.Recover())
				e.GET("/panic", func(c *echo.Context) error {
					panic("inventory index out of range (secret=42)")
				})
			})
			resp, body := do(t, srv.Server, "GET", "/panic", nil, nil)
			assert.Equal(t, 500, resp.StatusCode)
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			m := jsonBody(t, body)
			assert.Equal(t, "internal", m["code"])
			assert.Equal(t, "An internal error occurred.", m["message"])
			assert.Equal(t, resp.Header.Get("X-Request-Id"), m["requestId"])
			for _, leak := range []string{"secret", "inventory", "goroutine", "PANIC"} {
				assert.NotContains(t, string(body), leak)
			}

			pe := waitPanic(t, panics)
			require.NotNil(t, pe, "the 500's cause is an *envelope.PanicError")
			assert.EqualError(t, pe.Value.(error), "inventory index out of range (secret=42)")
			assert.Contains(t, string(pe.Stack), "goroutine")

			rec := srv.echoLog.wait(t, "panic recovered")
			assert.Equal(t, "inventory index out of range (secret=42)", rec.attrs["panic"])
			assert.Contains(t, rec.attrs["stack"], "panic_test.go")
			assert.Equal(t, m["requestId"], rec.attrs["requestId"])
			assert.Equal(t, "/panic", rec.attrs["path"])
			assert.Len(t, srv.echoLog.all("panic"), 1, "logged once")
			assert.Empty(t, srv.writerLog.all("error"), "the Writer does not log the panic again")
		})
	}
}

// A panic value that is an error keeps its type for errors.As.
func TestEchoRecoverPanicErrorValue(t *testing.T) {
	t.Parallel()
	wopts, panics := hookedPanics()
	srv := setups[1].server(t, wopts, envelope.MiddlewareOptions{}, func(e *echo.Echo) {
		e.Use(middleware.Recover())
		e.GET("/", func(c *echo.Context) error { panic(errTyped{"boom"}) })
	})
	resp, _ := do(t, srv.Server, "GET", "/", nil, nil)
	assert.Equal(t, 500, resp.StatusCode)
	pe := waitPanic(t, panics)
	require.NotNil(t, pe)
	var et errTyped
	assert.True(t, errors.As(pe, &et))
}

type errTyped struct{ s string }

func (e errTyped) Error() string { return e.s }

// Without echo's Recover, the envelope chain around echo recovers the
// panic: a JSON 500 with the request ID, logged through the Writer's
// logger. Headers the handler had set for its own body are gone.
func TestChainRecoversPanicsThroughEcho(t *testing.T) {
	t.Parallel()
	wopts, panics := hookedPanics()
	srv := setups[0].server(t, wopts, envelope.MiddlewareOptions{}, func(e *echo.Echo) {
		e.GET("/panic", func(c *echo.Context) error {
			c.Response().Header().Set("Set-Cookie", "session=abc")
			c.Response().Header().Set("Content-Type", "text/csv")
			panic("boom")
		})
	})
	resp, body := do(t, srv.Server, "GET", "/panic", nil, http.Header{"X-Request-Id": {"client-id-1"}})
	assert.Equal(t, 500, resp.StatusCode)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	assert.Empty(t, resp.Header.Values("Set-Cookie"))
	m := jsonBody(t, body)
	assert.Equal(t, "internal", m["code"])
	assert.Equal(t, "client-id-1", m["requestId"])
	assert.NotContains(t, string(body), "boom")
	pe := waitPanic(t, panics)
	require.NotNil(t, pe)
	assert.Equal(t, "boom", pe.Value)
	rec := srv.writerLog.wait(t, "panic recovered")
	assert.Equal(t, "client-id-1", rec.attrs["requestId"])
}

// http.ErrAbortHandler passes through echo's Recover and the chain: the
// client sees the connection cut, not a 500.
func TestAbortHandlerPropagates(t *testing.T) {
	t.Parallel()
	srv := setups[0].server(t, envelope.WriterOptions{}, envelope.MiddlewareOptions{}, func(e *echo.Echo) {
		e.Use(middleware.Recover())
		e.GET("/", func(c *echo.Context) error { panic(http.ErrAbortHandler) })
	})
	req, err := http.NewRequest("GET", srv.Server.URL+"/", nil)
	require.NoError(t, err)
	resp, err := srv.Server.Client().Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("got a response (%d), want the connection closed", resp.StatusCode)
	}
}
