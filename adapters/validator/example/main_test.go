package main

import (
	"io"
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
		name, body string
		status     int
		want       string
	}{
		{"valid", `{"email":"a@example.com","items":[{"sku":"A1","qty":2}]}`, 201,
			`{"email":"a@example.com","items":[{"sku":"A1","qty":2}]}`},
		{"invalid", `{"email":"nope","items":[{"sku":"A1","qty":1},{"sku":"","qty":0}]}`, 400,
			`{"code":"validation_failed","message":"One or more fields are invalid.","fields":[` +
				`{"field":"email","code":"email","message":"must be a valid email address"},` +
				`{"field":"items[1].sku","code":"required","message":"is required"},` +
				`{"field":"items[1].qty","code":"gte","message":"must be at least 1"}]}`},
		{"empty list", `{"email":"a@example.com","items":[]}`, 400,
			`{"code":"validation_failed","message":"One or more fields are invalid.","fields":[` +
				`{"field":"items","code":"min","message":"must have at least 1 item"}]}`},
		{"malformed", `{"email":`, 400, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, err := srv.Client().Post(srv.URL+"/orders", "application/json", strings.NewReader(tc.body))
			require.NoError(t, err)
			defer res.Body.Close()
			b, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			assert.Equal(t, tc.status, res.StatusCode)
			if tc.want != "" {
				assert.JSONEq(t, tc.want, string(b))
			} else {
				assert.Contains(t, string(b), `"code":"invalid_request"`)
			}
		})
	}
}
