package errtext

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/apienvelope/envelope"
)

var errDB = errors.New("pq: relation \"users\" does not exist")

func load() error { return errDB }

// Positive cases: the text of an error reaches the client.

func direct(w http.ResponseWriter, r *http.Request) {
	if err := load(); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError) // want `error text reaches the client through http.Error`
		return
	}
}

func badRequest(w http.ResponseWriter, r *http.Request) {
	err := load()
	http.Error(w, err.Error(), 400) // want `error text reaches the client through http.Error`
}

func throughLocals(w http.ResponseWriter, r *http.Request) {
	err := load()
	msg := err.Error()
	full := "loading failed: " + msg
	w.WriteHeader(500)
	w.Write([]byte(full)) // want `error text \(from line 35\) reaches the client through w.Write`
}

func sprintf(w http.ResponseWriter, r *http.Request) {
	err := load()
	s := fmt.Sprintf("failed: %v", err)
	io.WriteString(w, s) // want `error text \(from line 43\) reaches the client through io.WriteString`
}

func fprintf(w http.ResponseWriter, r *http.Request) {
	err := load()
	fmt.Fprintf(w, "failed: %s\n", err) // want `error text reaches the client through fmt.Fprintf`
}

func fprintln(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintln(w, "failed:", load()) // want `error text reaches the client through fmt.Fprintln`
}

func sprint(w http.ResponseWriter, r *http.Request) {
	msg := fmt.Sprint(load())
	w.Write([]byte(strings.ToUpper(msg))) // want `error text \(from line 57\) reaches the client through w.Write`
}

func encoder(w http.ResponseWriter, r *http.Request) {
	err := load()
	w.WriteHeader(500)
	json.NewEncoder(w).Encode(map[string]string{"error": err.Error()}) // want `error text reaches the client through json.Encoder.Encode`
}

type body struct {
	Code  string `json:"code"`
	Error string `json:"error"`
}

func encoderStruct(w http.ResponseWriter, r *http.Request) {
	err := load()
	enc := json.NewEncoder(w)
	enc.Encode(body{Code: "internal", Error: err.Error()}) // want `error text reaches the client through json.Encoder.Encode`
}

func marshal(w http.ResponseWriter, r *http.Request) {
	err := load()
	b, _ := json.Marshal(&body{Error: "db: " + err.Error()})
	w.Write(b) // want `error text \(from line 80\) reaches the client through w.Write`
}

func branches(w http.ResponseWriter, r *http.Request, verbose bool) {
	msg := "internal error"
	if err := load(); err != nil && verbose {
		msg = err.Error()
	}
	http.Error(w, msg, 500) // want `error text \(from line 87\) reaches the client through http.Error`
}

func apiErrorText(w http.ResponseWriter, r *http.Request) {
	e := envelope.Wrap(load(), envelope.CodeInternal, "try again")
	http.Error(w, e.Error(), 503) // want `error text reaches the client through http.Error`
}

func notAHandler(w http.ResponseWriter, err error) {
	http.Error(w, err.Error(), 500) // want `error text reaches the client through http.Error`
}

func recorder(err error) {
	rec := httptest.NewRecorder()
	rec.WriteString(err.Error()) // want `error text reaches the client through w.WriteString`
}

// Negative cases.

func successBody(w http.ResponseWriter, r *http.Request) {
	w.Write([]byte(`{"ok":true}`))
	json.NewEncoder(w).Encode(map[string]string{"status": "ok"})
}

func publicMessage(w http.ResponseWriter, r *http.Request) {
	if err := load(); err != nil {
		http.Error(w, "internal error", 500)
		return
	}
}

func envelopeBody(w http.ResponseWriter, r *http.Request) {
	if err := load(); err != nil {
		envelope.Write(w, r, err)
	}
}

func typeOnly(w http.ResponseWriter, r *http.Request) {
	err := load()
	fmt.Fprintf(w, "error of type %T", err)
}

func reassigned(w http.ResponseWriter, r *http.Request) {
	msg := load().Error()
	msg = "internal error"
	http.Error(w, msg, 500)
}

func notAResponse(sb *strings.Builder, err error) {
	sb.WriteString(err.Error())
	fmt.Fprintf(sb, "%v", err)
}

func logOnly(w http.ResponseWriter, r *http.Request) {
	err := load()
	fmt.Println(err.Error())
	w.Write([]byte(http.StatusText(500)))
}

func errorValueInJSON(w http.ResponseWriter, r *http.Request) {
	// encoding/json renders the usual error types as {}.
	json.NewEncoder(w).Encode(map[string]any{"error": load()})
}

func unknownWriter(out io.Writer, err error) {
	// Not known to be a response.
	fmt.Fprintf(out, "%v", err)
}
