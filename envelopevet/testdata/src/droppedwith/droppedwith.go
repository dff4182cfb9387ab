package droppedwith

import (
	"errors"
	"net/http"
	"time"

	"github.com/apienvelope/envelope"
)

var errBase = envelope.Conflict("flag in use")

type holder struct{ err *envelope.APIError }

// Positive cases: the result of a With* method is dropped.

func dropped(key string) error {
	e := envelope.Validation("invalid flag")
	if key == "" {
		e.WithField("key", "required") // want `result of WithField is dropped: APIError is immutable`
	}
	return e
}

func chained(cause error) error {
	e := envelope.Internal("try again")
	e.WithCause(cause).WithHeader("Retry-After", "5") // want `result of WithHeader is dropped`
	return e
}

func blank() *envelope.APIError {
	e := envelope.Unavailable("maintenance")
	_ = e.WithRetryAfter(time.Minute) // want `result of WithRetryAfter is dropped`
	return e
}

func deferred(e *envelope.APIError) {
	defer e.WithDetails("late") // want `result of WithDetails is dropped`
}

func notALocal(h *holder) {
	// No fix: the chain starts at a field, which may be shared.
	h.err.WithMessage("changed") // want `result of WithMessage is dropped`
	errBase.WithArgs("x")        // want `result of WithArgs is dropped`
}

// Negative cases: the result is used.

func assigned(key string) error {
	e := envelope.Validation("invalid flag")
	if key == "" {
		e = e.WithField("key", "required")
	}
	return e
}

func returned() error {
	return errBase.WithArgs("dark-mode").WithField("dependents", "flag.new-nav")
}

func passed(w http.ResponseWriter, r *http.Request) {
	envelope.Write(w, r, envelope.NotFound("no flag").WithHeader("Cache-Control", "no-store"))
}

func inLiteral() []error {
	return []error{envelope.Gone("expired").WithExtension("expiredAt", "2026-01-01")}
}

func notAWithMethod(e *envelope.APIError) {
	e.Within(time.Second) // returns bool, not an *APIError
	e.Error()
}

type other struct{}

func (other) WithField(field, message string) *other { return nil }

func otherType(o other) {
	o.WithField("a", "b") // not an envelope.APIError
	_ = errors.New("x")
}
