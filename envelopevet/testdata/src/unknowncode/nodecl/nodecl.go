// Package nodecl sees no CodeInfo at all: the table may be built where it
// cannot see it (a main package that imports it), so nothing is reported.
package nodecl

import "github.com/apienvelope/envelope"

const CodeLocked envelope.Code = "flag_locked"

func errs() []error {
	return []error{envelope.New("archived", "The flag is archived."), envelope.New(CodeLocked, "Locked.")}
}
