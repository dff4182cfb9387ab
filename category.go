package envelope

// Category returns the built-in code that e's code falls under: the code
// itself when it is built in, otherwise the built-in code for e's status,
// such as rate_limited for a registered token_rate_limit (429) or for an
// unknown code decoded from a 429 response. [APIError.Code] still returns
// the original code. This is how a client handles codes it does not know:
// as the closest general category, keeping the specific code for logs and
// reports. Category works on a nil receiver (internal).
func (e *APIError) Category() Code {
	c := e.Code()
	if isBuiltin(c) {
		return c
	}
	return codeForStatus(e.Status())
}
