// Package handlers holds the API's handlers.
package handlers

import (
	"errors"
	"net/http"

	"github.com/apienvelope/envelope"

	_ "app/codes"
)

func load() error { return errors.New("pq: connection refused") }

// Get sends an error's text and builds an error it then changes in vain.
func Get(w http.ResponseWriter, r *http.Request) {
	if err := load(); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	e := envelope.New("in_usee", "The flag is still referenced.")
	e.WithField("key", "referenced")
	envelope.Write(w, r, e)
}

// NotFound answers with a text/plain 404.
func NotFound(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "no such flag", http.StatusNotFound)
}

// Late sets an error status after the body started.
func Late(w http.ResponseWriter, r *http.Request) {
	w.Write([]byte("["))
	w.WriteHeader(http.StatusInternalServerError)
}

// GoesOn forgets to return after writing the error.
func GoesOn(w http.ResponseWriter, r *http.Request) {
	if err := load(); err != nil {
		envelope.Write(w, r, err)
	}
	w.Write([]byte("ok"))
}

// Panics panics where it could return.
func Panics(w http.ResponseWriter, r *http.Request) error {
	if err := load(); err != nil {
		panic(err)
	}
	return nil
}
