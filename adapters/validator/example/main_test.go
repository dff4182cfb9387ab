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

func TestExampleServer(t *testing.T) {
	t.Parallel()
	h, err := newServer()
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cases := []struct {
		name, lang, body string
		status           int
		want             string
	}{
		{"valid", "", `{"email":"a@example.com","confirm_email":"a@example.com","items":[{"sku":"A1","qty":2}]}`, 201,
			`{"email":"a@example.com","confirm_email":"a@example.com","items":[{"sku":"A1","qty":2}]}`},
		{"invalid", "", `{"email":"nope","confirm_email":"nope","items":[{"sku":"A1","qty":1},{"sku":"","qty":0}]}`, 400,
			`{"code":"validation_failed","message":"One or more fields are invalid.","requestId":"req-1","fields":[` +
				`{"field":"email","code":"email","message":"must be a valid email address"},` +
				`{"field":"items[1].sku","code":"required","message":"is required"},` +
				`{"field":"items[1].qty","code":"min","message":"must be at least 1"}]}`},
		{"empty list, in German", "de", `{"email":"a@example.com","confirm_email":"b@example.com","items":[]}`, 400,
			`{"code":"validation_failed","message":"Ein oder mehrere Felder sind ungültig.","requestId":"req-1","fields":[` +
				`{"field":"items","code":"min_items","message":"muss mindestens einen Eintrag enthalten"},` +
				`{"field":"confirm_email","code":"eqfield","message":"must equal the field email"}]}`},
		{"malformed", "", `{"email":`, 400, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(http.MethodPost, srv.URL+"/orders", strings.NewReader(tc.body))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Request-Id", "req-1")
			if tc.lang != "" {
				req.Header.Set("Accept-Language", tc.lang)
			}
			res, err := srv.Client().Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			b, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			assert.Equal(t, tc.status, res.StatusCode)
			if tc.lang != "" {
				assert.Equal(t, tc.lang, res.Header.Get("Content-Language"))
			}
			if tc.want != "" {
				assert.JSONEq(t, tc.want, string(b))
			} else {
				assert.Contains(t, string(b), `"code":"invalid_request"`)
			}
		})
	}
}
