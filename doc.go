// Package envelope gives HTTP API servers one consistent, safe way to fail.
//
// Handlers return typed errors; the package turns any error into a JSON
// error response with a stable machine code, the right status, a public
// message and the request ID, while the internal cause goes to the log and
// never to the client.
//
// # Where to start
//
// Wrap the router in the middleware, let handlers return errors with
// [HandlerFunc], and return [*APIError] values from them:
//
//	mux := http.NewServeMux()
//	mux.Handle("GET /flags/{key}", envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
//		flag, ok := flags[r.PathValue("key")]
//		if !ok {
//			return envelope.NotFound("Flag not found")
//		}
//		return json.NewEncoder(w).Encode(flag)
//	}))
//	http.ListenAndServe(":8080", envelope.Protect(mux))
//
// [Protect] is the chain with its defaults; [Middleware] configures it, with
// a [Writer] built by [NewWriter] that holds the wire format, the codes, the
// logger, the localizer and the hooks. Inside the chain, [Write] renders any
// error with that writer: a handler that is not a HandlerFunc calls it
// itself.
//
// # Errors
//
// An [*APIError] has a [Code] (such as [CodeNotFound]), a public message,
// and optionally details, field errors, response headers, extension members
// and an internal cause. Build one with the constructor of its code
// ([NotFound], [InvalidRequest], [MethodNotAllowed], ...), or with [New] or
// [Wrap], and refine it with the With methods, which return copies:
//
//	return envelope.InvalidRequest("email is required").
//		WithField("email", "must be a valid email address")
//
// [CodeOf] tells the code any error renders with, and errors.Is matches two
// API errors by code.
//
// # Codes
//
// The built-in codes cover the statuses an API uses. An API declares its
// own codes once, in a [Codes] table, and gives that table to the writer,
// to a client's [Parser] and to the documents it generates:
//
//	codes, err := envelope.NewCodes(envelope.CodeInfo{
//		Code: "in_use", Status: http.StatusConflict,
//		Message: "The resource is still referenced.",
//	})
//	...
//	return envelope.New("in_use", "segment beta is used by flag alpha")
//
// There is no global registry: two APIs in one process may give one code
// different statuses.
//
// # Formats
//
// The wire shape is a [Format], whose Body is a published contract's own
// example with placeholders where the error's values go; presets reproduce
// common contracts ([FlatFormat], the default, and [ProblemFormat] for
// RFC 9457, among others). The default body is
//
//	{"code":"invalid_request","message":"email is required",
//	 "fields":{"email":"must be a valid email address"},"requestId":"..."}
//
// A [Parser] reads any of these bodies back into an [*APIError] on the
// client side, and [Format.Schema] describes them as JSON Schema.
//
// # Safety
//
// The body is always valid JSON and valid UTF-8, with '<', '>' and '&'
// escaped. Causes, panics and the text of unexpected errors are logged
// through log/slog and never sent. A status outside 400–599 renders as 500
// rather than panicking. Details that cannot be marshalled are left out,
// never half-written. Headers that would frame the body or the connection
// are not an error's to set.
//
// # Performance considerations
//
// A Format is compiled once, when the writer is built, into literal byte
// runs and value slots; the envelope's own members are written by an append
// encoder into pooled, capped buffers, and encoding/json is used only for
// details and extension values that are not simple types. The middleware
// chain costs one allocation for its per-request state, and an error
// response through it allocates no more than writing precomputed bytes
// would (see benchmarks/README.md).
package envelope
