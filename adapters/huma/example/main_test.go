package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestServer(t *testing.T) {
	t.Parallel()
	h, err := newServer("nested", slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	tests := []struct {
		name, method, path, body, accept string
		status                           int
		want                             string
	}{
		{"found", "GET", "/books/dune", "", "", 200, `"title":"Dune"`},
		{"handler error", "GET", "/books/nope", "", "", 404, `{"error":{"code":"not_found","message":"Book not found.","details":null,"request_id":"r-1"}}`},
		{"validation", "POST", "/books", `{"slug":"x","title":"X","year":3000}`, "", 422, `{"error":{"code":"validation_error","message":"One or more fields are invalid.","details":{"title":["must be at least 2 characters long"],"year":["must be at most 2100"]},"request_id":"r-1"}}`},
		{"validation, in German", "POST", "/books", `{"slug":"x","title":"X","year":1965}`, "de", 422, `"details":{"title":["muss mindestens 2 Zeichen lang sein"]}`},
		{"problem", "POST", "/books", `{}`, "application/problem+json", 400, `"code":"validation_failed","errors":[{"detail":"is required","pointer":"#/slug","code":"required"}`},
		{"conflict", "POST", "/books", `{"slug":"dune","title":"Dune","year":1965}`, "", 409, `{"error":{"code":"conflict","message":"A book with this slug exists.","details":null,"request_id":"r-1"}}`},
		{"query", "GET", "/books?limit=500", "", "", 422, `"details":{"query.limit":["must be at most 100"]}`},
		{"query of the wrong type", "GET", "/books?limit=abc", "", "application/problem+json", 400, `"errors":[{"detail":"must be an integer","pointer":"#/query/limit","code":"type"}]`},
		{"body member of the wrong type", "POST", "/books", `{"slug":"x","title":"Xy","year":"1965"}`, "application/problem+json", 400, `"errors":[{"detail":"must be an integer","pointer":"#/year","code":"type"}]`},
		{"unknown route", "GET", "/nope", "", "", 404, `{"error":{"code":"not_found",`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(tt.body))
			require.NoError(t, err)
			req.Header.Set("X-Request-Id", "r-1")
			req.Header.Set("Content-Type", "application/json")
			switch {
			case tt.accept == "de":
				req.Header.Set("Accept-Language", tt.accept)
			case tt.accept != "":
				req.Header.Set("Accept", tt.accept)
			}
			resp, err := srv.Client().Do(req)
			require.NoError(t, err)
			b, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			require.NoError(t, resp.Body.Close())
			assert.Equal(t, tt.status, resp.StatusCode)
			assert.Contains(t, string(b), tt.want)
		})
	}
	_, err = newServer("xml", nil)
	assert.Error(t, err)
}
