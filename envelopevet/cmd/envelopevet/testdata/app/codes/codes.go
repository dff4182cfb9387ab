// Package codes declares the API's domain codes.
package codes

import (
	"net/http"

	"github.com/apienvelope/envelope"
)

// Table is given to envelope.NewCodes.
var Table = []envelope.CodeInfo{
	{Code: "in_use", Status: http.StatusConflict, Message: "The flag is still referenced."},
}
