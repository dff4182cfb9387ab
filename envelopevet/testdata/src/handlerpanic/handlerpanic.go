package handlerpanic

import (
	"errors"
	"net/http"

	"github.com/apienvelope/envelope"
)

func load() (string, error) { return "", errors.New("db down") }

// Positive cases.

func get(w http.ResponseWriter, r *http.Request) error {
	v, err := load()
	if err != nil {
		panic(err) // want `panic with an error in a handler that returns one: return the error`
	}
	_, err = w.Write([]byte(v))
	return err
}

var asHandlerFunc = envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
	panic(envelope.Internal("not done")) // want `panic with an error in a handler`
})

// Negative cases.

func abort(w http.ResponseWriter, r *http.Request) error {
	panic(http.ErrAbortHandler) // aborts the response on purpose
}

func plainHandler(w http.ResponseWriter, r *http.Request) {
	// No error to return: recovery middleware renders the 500.
	if _, err := load(); err != nil {
		panic(err)
	}
}

func notAnError(w http.ResponseWriter, r *http.Request) error {
	panic("unreachable state")
}

func inGoroutine(w http.ResponseWriter, r *http.Request) error {
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := load(); err != nil {
			panic(err) // a goroutine cannot return the handler's error
		}
	}()
	<-done
	return nil
}

func mustLoad() string {
	v, err := load()
	if err != nil {
		panic(err) // not a handler
	}
	return v
}
