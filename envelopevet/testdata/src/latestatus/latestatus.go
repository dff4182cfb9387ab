package latestatus

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/apienvelope/envelope"
)

func save() error { return nil }

// Positive cases: a status after the response started, on every path.

func headerAfterBody(w http.ResponseWriter, r *http.Request) {
	w.Write([]byte("partial"))
	if err := save(); err != nil {
		w.WriteHeader(http.StatusInternalServerError) // want `status set after the body started \(w.Write at line \d+\)`
	}
}

func httpErrorAfterBody(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "processing...\n")
	if err := save(); err != nil {
		http.Error(w, "failed", 500) // want `http.Error after the body started \(fmt.Fprintf at line \d+\): its status is lost`
	}
}

func envelopeAfterBody(w http.ResponseWriter, r *http.Request) {
	io.WriteString(w, "[")
	if err := save(); err != nil {
		envelope.Write(w, r, err) // want `envelope.Write after the body started \(io.WriteString at line \d+\): the error's status, headers and body are lost`
	}
}

func envelopeAfterStatus(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusOK)
	if err := save(); err != nil {
		envelope.Write(w, r, err) // want `envelope.Write after the status was sent \(w.WriteHeader at line \d+\)`
	}
}

func writerAfterStatus(ew *envelope.Writer, w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusNotFound)
	ew.Write(w, r, envelope.NotFound("gone")) // want `envelope Writer.Write after the status was sent`
}

func secondStatus(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusAccepted)
	w.WriteHeader(http.StatusConflict) // want `status set after the status was sent \(w.WriteHeader at line \d+\)`
}

// Negative cases.

func statusFirst(w http.ResponseWriter, r *http.Request) {
	if err := save(); err != nil {
		envelope.Write(w, r, err)
		return
	}
	w.WriteHeader(http.StatusCreated)
	w.Write([]byte(`{"ok":true}`))
}

func earlyHints(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Link", "</style.css>; rel=preload")
	w.WriteHeader(http.StatusEarlyHints) // 1xx: the final status follows
	w.WriteHeader(http.StatusOK)
	w.Write([]byte("ok"))
}

func onlyOnSomePaths(w http.ResponseWriter, r *http.Request, stream bool) {
	if stream {
		w.Write([]byte("chunk"))
	}
	// The write does not happen on every path to here: not straight-line.
	w.WriteHeader(http.StatusInternalServerError)
}

func encodeFailed(w http.ResponseWriter, r *http.Request, v any) {
	// An encoder marshals before it writes: when Encode fails on the
	// value, nothing was written yet.
	if err := json.NewEncoder(w).Encode(v); err != nil {
		envelope.Write(w, r, err)
	}
}

func copyFailed(w http.ResponseWriter, r *http.Request, src io.Reader) {
	if _, err := io.Copy(w, src); err != nil {
		envelope.Write(w, r, err)
	}
}

// delayed holds the status until the first body byte, as some framework
// writers do: a second WriteHeader there is not late.
type delayed interface {
	http.ResponseWriter
	Written() bool
}

func delayedWriter(w delayed) {
	w.WriteHeader(http.StatusOK)
	w.WriteHeader(http.StatusNotFound)
}

func twoWriters(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	rec.Write([]byte("buffered"))
	w.WriteHeader(http.StatusInternalServerError)
}
