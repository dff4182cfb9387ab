package errorbody

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/apienvelope/envelope"
)

type flag struct {
	Key string `json:"key"`
}

// Positive cases: WriteHeader with an error status, then a hand-written body.

func notFoundText(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(404) // want `status 404 is sent with a hand-written body \(fmt.Fprintf at line \d+\)`
	fmt.Fprintf(w, "no such flag %q", r.PathValue("key"))
}

func internalJSON(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusInternalServerError) // want `status 500 is sent with a hand-written body \(json.Encoder.Encode`
	json.NewEncoder(w).Encode(map[string]string{"error": "internal"})
}

func onAPath(w http.ResponseWriter, r *http.Request, ok bool) {
	if !ok {
		w.WriteHeader(http.StatusBadRequest) // want `status 400 is sent with a hand-written body \(w.Write`
	}
	w.Write([]byte("done"))
}

func throughALocal(w http.ResponseWriter, r *http.Request) {
	status := http.StatusServiceUnavailable
	w.WriteHeader(status) // want `status 503 is sent with a hand-written body`
	w.Write([]byte("down for maintenance"))
}

type ctx struct {
	W http.ResponseWriter
	R *http.Request
}

func (c *ctx) fail() {
	c.W.WriteHeader(http.StatusConflict) // want `status 409 is sent with a hand-written body`
	c.W.Write([]byte("conflict"))
}

// Positive cases: http.Error with an error status in a handler.

func httpError(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "flag not found", http.StatusNotFound) // want `http.Error sends status 404 with a text/plain body: write an envelope instead \(envelope.Write\(w, r, envelope.NotFound\(msg\)\)\)`
}

func returnsError(w http.ResponseWriter, r *http.Request) error {
	http.Error(w, "slow down", 429) // want `http.Error sends status 429`
	return nil
}

var asHandlerFunc = envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
	http.Error(w, "no", http.StatusForbidden) // want `http.Error sends status 403`
	return nil
})

func inClosure(w http.ResponseWriter, r *http.Request) {
	fail := func() {
		http.Error(w, "bad gateway", http.StatusBadGateway) // want `http.Error sends status 502`
	}
	fail()
}

func notFound(w http.ResponseWriter, r *http.Request) {
	http.NotFound(w, r) // want `http.NotFound sends status 404`
}

func noMechanicalFix(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "use GET", http.StatusMethodNotAllowed) // want `http.Error sends status 405 with a text/plain body: write an envelope instead \(envelope.Write\(w, r, envelope.MethodNotAllowed\(msg, allowed...\)\)\)`
	http.Error(w, "short and stout", http.StatusTeapot)   // want `http.Error sends status 418`
}

func requestShadowed(w http.ResponseWriter, r *http.Request) {
	for _, r := range []string{"x"} {
		http.Error(w, r, 400) // want `http.Error sends status 400`
	}
}

// Negative cases.

func success(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(flag{Key: "dark-mode"})
}

func successWrite(w http.ResponseWriter, r *http.Request) {
	w.Write([]byte(`{"ok":true}`))
}

func envelopeBody(w http.ResponseWriter, r *http.Request) {
	envelope.Write(w, r, envelope.NotFound("flag not found"))
}

func envelopeWriter(ew *envelope.Writer) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ew.Write(w, r, envelope.Conflict("flag exists"))
	}
}

var handlerFunc = envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
	return envelope.NotFound("flag not found")
})

func redirectStatus(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "moved", http.StatusMovedPermanently)
	http.Error(w, "fine", http.StatusOK)
}

func variableStatus(w http.ResponseWriter, r *http.Request, status int) {
	http.Error(w, "failed", status)
}

// writeError is not a handler: it has no request to write an envelope for.
func writeError(w http.ResponseWriter, msg string) {
	http.Error(w, msg, http.StatusBadRequest)
}

func noBody(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodDelete {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func otherWriter(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	rec.WriteHeader(500)
	w.Write([]byte("ok"))
}

func separateBranches(w http.ResponseWriter, r *http.Request, ok bool) {
	if !ok {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	w.Write([]byte("done"))
}

func leaksReportedOnce(w http.ResponseWriter, r *http.Request) {
	// errtext reports this call; errorbody does not repeat it.
	http.Error(w, errors.New("x").Error(), 500)
}

func emptyBody(w http.ResponseWriter, r *http.Request) {
	// A bare 405 with Allow, as some routers send: no body to speak of.
	w.Header().Set("Allow", "GET")
	w.WriteHeader(http.StatusMethodNotAllowed)
	w.Write(nil)
}
