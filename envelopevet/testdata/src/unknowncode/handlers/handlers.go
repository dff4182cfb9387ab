// Package handlers uses codes that package codes declares: the
// declarations reach it as facts.
package handlers

import (
	"errors"

	"github.com/apienvelope/envelope"

	_ "unknowncode/codes"
)

// Positive cases.

// CodeLocked is declared nowhere.
const CodeLocked envelope.Code = "flag_locked" // want `code "flag_locked" is neither built in nor declared`

func unknown() []error {
	return []error{
		envelope.New("archived", "The flag is archived."),        // want `code "archived" is neither built in nor declared in an envelope.CodeInfo in view: declare it`
		envelope.New(envelope.Code("in_uze"), "In use."),         // want `did you mean "in_use"\?`
		envelope.Wrap(errors.New("slow"), "timout", "Too slow."), // want `did you mean "timeout"\?`
	}
}

// Negative cases.

func known(code envelope.Code) []error {
	return []error{
		envelope.New("in_use", "In use."),               // declared in package codes
		envelope.New("quota_exceeded", "Over quota."),   // declared there through a constant
		envelope.New("not_found", "No such flag."),      // built in
		envelope.New(envelope.CodeConflict, "Exists."),  // built in, by name
		envelope.New(CodeLocked, "Locked."),             // reported once, where declared
		envelope.New(code, "Whatever the caller says."), // not a constant
		envelope.Wrap(errors.New("x"), envelope.Code("in_use"), "In use."),
		envelope.New("burst_exceeded", "").WithArgs(3).WithStatus(429), // its status is given here
	}
}
