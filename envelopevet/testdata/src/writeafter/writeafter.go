package writeafter

import (
	"encoding/json"
	"net/http"

	"github.com/apienvelope/envelope"
)

type flag struct {
	Key string `json:"key"`
}

func find(key string) (flag, error) { return flag{Key: key}, nil }

// Positive cases: the response goes on after the error was written.

func missingReturn(w http.ResponseWriter, r *http.Request) {
	f, err := find(r.PathValue("key"))
	if err != nil {
		envelope.Write(w, r, err) // want `the response goes on after envelope.Write: json.Encoder.Encode at line \d+ writes to it again`
	}
	json.NewEncoder(w).Encode(f)
}

func missingReturnHTTPError(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		http.Error(w, "use GET", http.StatusMethodNotAllowed) // want `the response goes on after http.Error: w.WriteHeader at line \d+`
	}
	w.WriteHeader(http.StatusOK)
	w.Write([]byte("ok"))
}

func inHandlerFunc(w http.ResponseWriter, r *http.Request) error {
	if _, err := find("x"); err != nil {
		envelope.Write(w, r, err) // want `the response goes on after envelope.Write`
	}
	w.Write([]byte("ok"))
	return nil
}

func twice(ew *envelope.Writer, w http.ResponseWriter, r *http.Request, err error) {
	ew.Write(w, r, err) // want `the response goes on after envelope Writer.Write: envelope.Write at line \d+`
	envelope.Write(w, r, err)
}

func inLoop(w http.ResponseWriter, r *http.Request, keys []string) {
	for _, k := range keys {
		f, err := find(k)
		if err != nil {
			envelope.Write(w, r, err) // want `the response goes on after envelope.Write`
			continue
		}
		json.NewEncoder(w).Encode(f)
	}
}

// Negative cases.

func withReturn(w http.ResponseWriter, r *http.Request) {
	f, err := find(r.PathValue("key"))
	if err != nil {
		envelope.Write(w, r, err)
		return
	}
	json.NewEncoder(w).Encode(f)
}

func elseBranch(w http.ResponseWriter, r *http.Request) {
	if f, err := find("x"); err != nil {
		http.Error(w, "not found", http.StatusNotFound)
	} else {
		json.NewEncoder(w).Encode(f)
	}
}

func otherWriter(w http.ResponseWriter, r *http.Request, log http.ResponseWriter) {
	envelope.Write(w, r, nil)
	log.Write([]byte("written"))
}

func errorLast(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Trace", "1")
	envelope.Write(w, r, envelope.NotFound("no flag"))
}
