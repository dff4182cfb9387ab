package envelopeecho_test

import (
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/apienvelope/envelope"
	envelopeecho "github.com/apienvelope/envelope/adapters/echov5"
	"github.com/labstack/echo/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// setups are the two ways to serve an echo instance with this adapter:
// inside the envelope chain with ErrorHandler, and on its own with
// NewErrorHandler and a Writer. Every test of behaviour both share runs
// against both.
type setup struct {
	name    string
	chained bool
}

var setups = []setup{{"chain around echo", true}, {"echo alone", false}}

// server builds the echo instance with build, installs the adapter the
// setup's way and serves it. It returns the server and the records of the
// Writer's logger and of echo's logger.
func (s setup) server(t *testing.T, wopts envelope.WriterOptions, mopts envelope.MiddlewareOptions, build func(e *echo.Echo)) (srv *testServer) {
	t.Helper()
	return s.serverWith(t, echo.Config{}, wopts, mopts, build)
}

// serverWith is server with an echo instance built from cfg.
func (s setup) serverWith(t *testing.T, cfg echo.Config, wopts envelope.WriterOptions, mopts envelope.MiddlewareOptions, build func(e *echo.Echo)) (srv *testServer) {
	t.Helper()
	srv = &testServer{writerLog: newLogRecorder(), echoLog: newLogRecorder()}
	ew := newWriter(t, srv.writerLog, wopts)
	cfg.Logger = srv.echoLog.logger()
	e := echo.NewWithConfig(cfg)
	build(e)
	if s.chained {
		e.HTTPErrorHandler = envelopeecho.ErrorHandler
		srv.Server = serve(t, chain(t, ew, mopts, e))
	} else {
		e.HTTPErrorHandler = envelopeecho.NewErrorHandler(ew)
		srv.Server = serve(t, e)
	}
	return srv
}

type testServer struct {
	Server             *httptest.Server
	writerLog, echoLog *logRecorder
}

func TestHandlerErrorsRenderAsEnvelopes(t *testing.T) {
	t.Parallel()
	for _, s := range setups {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			srv := s.server(t, envelope.WriterOptions{}, envelope.MiddlewareOptions{}, func(e *echo.Echo) {
				e.GET("/flags/:key", func(c *echo.Context) error {
					return envelope.NotFound("Flag not found")
				})
				e.GET("/wrapped", func(c *echo.Context) error {
					return fmt.Errorf("loading: %w", envelope.Conflict("Version conflict").WithExtension("liveVersion", 7))
				})
				e.GET("/plain", func(c *echo.Context) error {
					return errors.New("db: connection refused (password=hunter2)")
				})
			})

			resp, body := do(t, srv.Server, "GET", "/flags/nope", nil, nil)
			assert.Equal(t, 404, resp.StatusCode)
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			m := jsonBody(t, body)
			assert.Equal(t, "not_found", m["code"])
			assert.Equal(t, "Flag not found", m["message"])
			if s.chained {
				assert.NotEmpty(t, m["requestId"])
				assert.Equal(t, resp.Header.Get("X-Request-Id"), m["requestId"])
				assert.Equal(t, "DENY", resp.Header.Get("X-Frame-Options"), "the chain's security headers")
			}

			resp, body = do(t, srv.Server, "GET", "/wrapped", nil, nil)
			assert.Equal(t, 409, resp.StatusCode)
			m = jsonBody(t, body)
			assert.Equal(t, "conflict", m["code"])
			assert.EqualValues(t, 7, m["liveVersion"])

			resp, body = do(t, srv.Server, "GET", "/plain", nil, nil)
			assert.Equal(t, 500, resp.StatusCode)
			assert.Equal(t, "internal", jsonBody(t, body)["code"])
			assert.NotContains(t, string(body), "hunter2")
			assert.NotContains(t, string(body), "refused")
			rec := srv.writerLog.wait(t, "unexpected error")
			assert.Contains(t, rec.attrs["error"], "connection refused", "the cause goes to the Writer's log")

			assert.Empty(t, srv.writerLog.all("found no Writer"), "no fallback warning in either setup")
		})
	}
}

// The router's own 404 and 405 come out as envelopes, the 405 with the
// Allow header echo computed, and HEAD answers like GET without a body.
func TestRouterErrors(t *testing.T) {
	t.Parallel()
	for _, s := range setups {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			srv := s.server(t, envelope.WriterOptions{}, envelope.MiddlewareOptions{}, func(e *echo.Echo) {
				e.GET("/flags/:key", func(c *echo.Context) error { return c.String(200, "ok") })
				e.PUT("/flags/:key", func(c *echo.Context) error { return c.NoContent(204) })
			})

			resp, body := do(t, srv.Server, "GET", "/nowhere", nil, nil)
			assert.Equal(t, 404, resp.StatusCode)
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			assert.Equal(t, "not_found", jsonBody(t, body)["code"])

			resp, body = do(t, srv.Server, "DELETE", "/flags/x", nil, nil)
			assert.Equal(t, 405, resp.StatusCode)
			assert.Equal(t, "method_not_allowed", jsonBody(t, body)["code"])
			assert.Equal(t, []string{"OPTIONS, GET, PUT"}, resp.Header.Values("Allow"))

			for _, path := range []string{"/nowhere", "/flags/x"} {
				method := "GET"
				if path == "/flags/x" {
					method = "POST"
				}
				get, getBody := do(t, srv.Server, method, path, nil, nil)
				head, headBody := do(t, srv.Server, "HEAD", path, nil, nil)
				require.NotEmpty(t, getBody)
				assert.Empty(t, headBody, path)
				if path == "/nowhere" {
					assert.Equal(t, get.StatusCode, head.StatusCode, path)
				} else {
					// HEAD of a GET route that echo does not auto-handle is a
					// 405 like POST's.
					assert.Equal(t, 405, head.StatusCode)
				}
				for _, h := range []string{"Content-Type", "X-Content-Type-Options", "Cache-Control", "Allow"} {
					assert.Equal(t, get.Header.Values(h), head.Header.Values(h), "%s %s", path, h)
				}
			}
		})
	}
}

// With echo's AutoHandleHEAD, HEAD runs the GET handler: its error renders
// with GET's status and headers, and no body.
func TestHEADOfAHandlerError(t *testing.T) {
	t.Parallel()
	for _, s := range setups {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			cfg := echo.Config{Router: echo.NewRouter(echo.RouterConfig{AutoHandleHEAD: true})}
			srv := s.serverWith(t, cfg, envelope.WriterOptions{}, envelope.MiddlewareOptions{}, func(e *echo.Echo) {
				e.GET("/flags/:key", func(c *echo.Context) error {
					return envelope.NotFound("Flag not found").WithHeader("X-Flag", "checked")
				})
			})
			get, getBody := do(t, srv.Server, "GET", "/flags/x", nil, nil)
			head, headBody := do(t, srv.Server, "HEAD", "/flags/x", nil, nil)
			assert.Equal(t, 404, get.StatusCode)
			assert.Equal(t, 404, head.StatusCode)
			assert.Contains(t, string(getBody), "Flag not found")
			assert.Empty(t, headBody)
			for _, h := range []string{"Content-Type", "X-Content-Type-Options", "Cache-Control", "X-Flag"} {
				assert.Equal(t, get.Header.Values(h), head.Header.Values(h), h)
			}
		})
	}
}

// echo's errors map by status; a message echo's users wrote for the client
// is kept, the status text is not a message.
func TestEchoErrorsMapByStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err     error
		status  int
		code    envelope.Code
		message string
	}{
		{echo.ErrNotFound, 404, envelope.CodeNotFound, "The requested resource was not found."},
		{echo.ErrUnauthorized, 401, envelope.CodeUnauthorized, "Authentication is required."},
		{echo.ErrStatusRequestEntityTooLarge, 413, envelope.CodePayloadTooLarge, ""},
		{echo.ErrUnsupportedMediaType, 415, envelope.CodeUnsupportedMediaType, ""},
		{echo.ErrTooManyRequests, 429, envelope.CodeRateLimited, ""},
		{echo.ErrServiceUnavailable, 503, envelope.CodeUnavailable, ""},
		{echo.ErrRequestTimeout, 408, envelope.CodeInvalidRequest, ""},
		{echo.NewHTTPError(409, "name is taken"), 409, envelope.CodeConflict, "name is taken"},
		{echo.NewHTTPError(400, "Bad Request"), 400, envelope.CodeInvalidRequest, "The request is malformed."},
		{echo.ErrForbidden.Wrap(errors.New("role=guest")), 403, envelope.CodeForbidden, ""},
		{&echo.ProblemError{Status: 422, Detail: "the plan has ended"}, 422, envelope.CodeUnprocessable, "the plan has ended"},
		{echo.NewHTTPError(302, "Found"), 500, envelope.CodeInternal, ""},
		{fmt.Errorf("in middleware: %w", echo.ErrBadGateway), 502, envelope.CodeBadGateway, ""},
	}
	srv := setups[1].server(t, envelope.WriterOptions{}, envelope.MiddlewareOptions{}, func(e *echo.Echo) {
		e.GET("/:i", func(c *echo.Context) error {
			var i int
			_, _ = fmt.Sscan(c.Param("i"), &i)
			return tests[i].err
		})
	})
	for i, tt := range tests {
		t.Run(fmt.Sprint(tt.err), func(t *testing.T) {
			resp, body := do(t, srv.Server, "GET", fmt.Sprintf("/%d", i), nil, nil)
			assert.Equal(t, tt.status, resp.StatusCode)
			m := jsonBody(t, body)
			assert.Equal(t, string(tt.code), m["code"])
			if tt.message != "" {
				assert.Equal(t, tt.message, m["message"])
			}
			assert.NotContains(t, string(body), "role=guest")
			if tt.status == 401 {
				assert.NotEmpty(t, resp.Header.Get("WWW-Authenticate"), "RFC 9110 §15.5.2")
			}
		})
	}
}

// A response a handler already sent is not corrupted by an error returned
// afterwards; the error goes to echo's log.
func TestErrorAfterCommit(t *testing.T) {
	t.Parallel()
	for _, s := range setups {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			srv := s.server(t, envelope.WriterOptions{}, envelope.MiddlewareOptions{}, func(e *echo.Echo) {
				e.GET("/", func(c *echo.Context) error {
					if err := c.String(200, "partial"); err != nil {
						return err
					}
					return errors.New("late failure")
				})
			})
			resp, body := do(t, srv.Server, "GET", "/", nil, nil)
			assert.Equal(t, 200, resp.StatusCode)
			assert.Equal(t, "partial", string(body))
			rec := srv.echoLog.wait(t, "after the response was committed")
			assert.Equal(t, "late failure", rec.attrs["error"])
			assert.Equal(t, "GET", rec.attrs["method"])
		})
	}
}

// The Writer's format, localizer and hooks apply: the handler renders in
// the Writer the chain placed in the context, or in the given one.
func TestWriterOptionsApply(t *testing.T) {
	t.Parallel()
	for _, s := range setups {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			hooked := make(chan int, 1)
			wopts := envelope.WriterOptions{
				Format:  envelope.ProblemFormat(),
				OnError: []func(*http.Request, int, *envelope.APIError){func(_ *http.Request, status int, _ *envelope.APIError) { hooked <- status }},
			}
			srv := s.server(t, wopts, envelope.MiddlewareOptions{}, func(e *echo.Echo) {
				e.GET("/x", func(c *echo.Context) error { return echo.ErrForbidden })
			})
			resp, body := do(t, srv.Server, "GET", "/x", nil, nil)
			assert.Equal(t, 403, resp.StatusCode)
			assert.Equal(t, envelope.ProblemMediaType, resp.Header.Get("Content-Type"))
			m := jsonBody(t, body)
			assert.Equal(t, "forbidden", m["code"])
			assert.Equal(t, "/x", m["instance"])
			assert.EqualValues(t, 403, m["status"])
			select {
			case status := <-hooked:
				assert.Equal(t, 403, status)
			case <-time.After(waitBound):
				t.Fatal("OnError hook not called")
			}
		})
	}
}

// ErrorHandler outside the chain renders with the default writer and says
// so; NewErrorHandler(nil) is ErrorHandler.
func TestErrorHandlerOutsideTheChainWarns(t *testing.T) {
	rec := newLogRecorder()
	// slog.SetDefault also redirects the log package's output, which
	// restoring the default logger does not undo: restore both.
	prev, out, flags := slog.Default(), log.Writer(), log.Flags()
	slog.SetDefault(rec.logger())
	defer func() {
		slog.SetDefault(prev)
		log.SetOutput(out)
		log.SetFlags(flags)
	}()
	e := newEcho(newLogRecorder())
	e.HTTPErrorHandler = envelopeecho.NewErrorHandler(nil)
	srv := serve(t, e)
	resp, body := do(t, srv, "GET", "/nowhere", nil, nil)
	assert.Equal(t, 404, resp.StatusCode)
	assert.Equal(t, "not_found", jsonBody(t, body)["code"])
	rec.wait(t, "found no Writer")
}

func TestFromErrorNil(t *testing.T) {
	t.Parallel()
	assert.NoError(t, envelopeecho.FromError(nil))
	plain := errors.New("x")
	assert.Same(t, plain, envelopeecho.FromError(plain))
	nf := envelope.NotFound("")
	assert.Same(t, nf, envelopeecho.FromError(nf))
	assert.True(t, strings.HasPrefix(envelopeecho.FromError(echo.ErrNotFound).Error(), "not_found"), envelopeecho.FromError(echo.ErrNotFound).Error())
}
