package dynamic // want package:`codes\(; dynamic\)`

import (
	"os"

	"github.com/apienvelope/envelope"

	_ "unknowncode/codes"
)

// A code read at run time: the declared set is unknown, so nothing is
// reported.
var table = []envelope.CodeInfo{{Code: envelope.Code(os.Getenv("EXTRA_CODE")), Status: 400}}

func errs() error { return envelope.New("archived", "The flag is archived.") }
