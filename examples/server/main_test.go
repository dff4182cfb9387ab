package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestServerErrors(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(newServer())
	t.Cleanup(srv.Close)
	cases := []struct {
		name, method, path, body string
		status                   int
		want                     string
	}{
		{"found", "GET", "/flags/dark-mode", "", 200, `{"key":"dark-mode","enabled":true}`},
		{"not found", "GET", "/flags/nope", "", 404, `{"code":"not_found","message":"Flag not found"}`},
		{"validation", "POST", "/flags", `{"key":"BAD KEY!"}`, 400,
			`{"code":"invalid_request","message":"The flag is invalid.","fields":{"key":"must match [a-z0-9][a-z0-9._-]{0,127}","enabled":"is required"}}`},
		{"wrong type", "POST", "/flags", `{"key":"beta","enabled":"yes"}`, 400,
			`{"code":"invalid_request","message":"A field of the request body has the wrong type.","fields":{"enabled":"must be a boolean"}}`},
		{"created", "POST", "/flags", `{"key":"beta","enabled":true}`, 201, `{"key":"beta","enabled":true}`},
		{"in use", "DELETE", "/flags/dark-mode", "", 409,
			`{"code":"in_use","message":"The flag is still referenced.","fields":{"dependents":"flag.new-nav"}}`},
		{"internal", "GET", "/billing", "", 500, `{"code":"internal","message":"billing provider returned an unexpected error"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
			require.NoError(t, err)
			resp, err := srv.Client().Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, tc.status, resp.StatusCode)
			assert.JSONEq(t, tc.want, string(body))
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
		})
	}
}
