package codes // want package:`codes\(in_use, quota_exceeded\)`

import (
	"net/http"

	"github.com/apienvelope/envelope"
)

// CodeQuota is a domain code, declared below in a CodeInfo.
const CodeQuota envelope.Code = "quota_exceeded"

// Table declares the API's domain codes.
var Table = []envelope.CodeInfo{
	{Code: "in_use", Status: http.StatusConflict, Message: "The flag is still referenced."},
	{Code: CodeQuota, Status: http.StatusTooManyRequests, Message: "Quota exceeded."},
}

func newCodes() (*envelope.Codes, error) { return envelope.NewCodes(Table...) }

// A misspelling in the declaring package itself.
func inUse() error {
	return envelope.New("in_uss", "The flag is still referenced.") // want `code "in_uss" is neither built in nor declared in an envelope.CodeInfo in view: did you mean "in_use"\?`
}
