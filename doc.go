// Package envelope gives HTTP API servers one consistent, safe way to fail.
//
// Handlers return typed errors; [Write] turns any error into a JSON error
// response with a stable machine code, the right status, a public message,
// and the request ID, while the internal cause goes to the log and never to
// the client.
//
// # Errors
//
// An [*APIError] has a [Code] (such as [CodeNotFound]), a status, a public
// message, and optionally details, field errors, extra response headers,
// extension members and an internal cause. Build one with a constructor per
// built-in code ([NotFound], [InvalidRequest], [MethodNotAllowed], ...), with
// [New] or [Wrap], and refine it with the With methods, which return copies:
//
//	return envelope.InvalidRequest("email is required").
//		WithField("email", "must be a valid email address")
//
// Every built-in code has a sentinel ([ErrNotFound], ...) for [errors.Is],
// which matches by code through fmt.Errorf("%w") and [errors.Join].
// [CodeOf] and [StatusOf] answer for any error.
//
// # Domain codes
//
// An API's own codes are registered once at start-up with [MustRegister] or
// [Register], which validate the name and status and refuse duplicates:
//
//	var ErrInUse = envelope.MustRegister(envelope.CodeInfo{
//		Code: "in_use", Status: http.StatusConflict,
//		Message: "The resource is still referenced.",
//	})
//
// # Writing responses
//
// [Write] renders with the [ErrorWriter] that the middleware placed in the
// request's context, or with the default: the flat envelope
//
//	{"code":"invalid_request","message":"email is required",
//	 "fields":{"email":"must be a valid email address"},"requestId":"..."}
//
// An [ErrorWriter] built with [NewErrorWriter] renders any [Format]: member
// names and order, nesting, code spelling, field-error layout and status.
// [HandlerFunc] lets handlers return errors; [DecodeJSON] turns request body
// problems into errors a client can act on.
//
// # Safety
//
// The body is always valid JSON and valid UTF-8, with '<', '>' and '&'
// escaped. Causes, panics and the text of unexpected errors are logged
// through log/slog and never sent. A status outside 400–599 renders as 500
// rather than panicking. Details that cannot be marshalled are left out,
// never half-written.
//
// # Performance considerations
//
// The envelope's own members are written by an append encoder with pooled,
// capped buffers; encoding/json is used only for details and extension
// values that are not simple types. Formats are compiled once, when the
// [ErrorWriter] is built. Lookups of registered codes are lock-free.
package envelope
