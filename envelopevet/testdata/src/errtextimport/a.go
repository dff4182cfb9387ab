// Package errtextimport has no envelope import: the fix adds it.
package errtextimport

import (
	"errors"
	"net/http"
)

func handler(w http.ResponseWriter, req *http.Request) {
	if err := errors.New("disk full"); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError) // want `error text reaches the client through http.Error`
	}
}
