package validate

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/apienvelope/envelope"
)

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// serve renders err through a real server and returns the body.
func serve(t *testing.T, ew *envelope.Writer, err error) []byte {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ew.Write(w, r, err)
	}))
	defer srv.Close()
	resp, gerr := srv.Client().Get(srv.URL + "/x")
	require.NoError(t, gerr)
	defer resp.Body.Close()
	b, rerr := io.ReadAll(resp.Body)
	require.NoError(t, rerr)
	return b
}
