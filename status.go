package envelope

// StatusFor returns the HTTP status of a built-in or registered code, and
// 500 for any other code.
//
// The built-in mapping is one switch with literal numbers, so that it can be
// checked against RFC 9110 §15 by eye.
func StatusFor(code Code) int {
	if s := builtinStatus(code); s != 0 {
		return s
	}
	if m := domain.Load(); m != nil {
		if info, ok := (*m)[code]; ok {
			return info.Status
		}
	}
	return 500
}

// builtinStatus returns the status of a built-in code, or 0.
func builtinStatus(code Code) int {
	switch code {
	case CodeInvalidRequest:
		return 400
	case CodeValidation:
		return 400
	case CodeUnauthorized:
		return 401
	case CodePaymentRequired:
		return 402
	case CodeForbidden:
		return 403
	case CodeNotFound:
		return 404
	case CodeMethodNotAllowed:
		return 405
	case CodeNotAcceptable:
		return 406
	case CodeConflict:
		return 409
	case CodeGone:
		return 410
	case CodePreconditionFailed:
		return 412
	case CodePayloadTooLarge:
		return 413
	case CodeUnsupportedMediaType:
		return 415
	case CodeUnprocessable:
		return 422
	case CodeRateLimited:
		return 429
	case CodeCanceled:
		return 499
	case CodeInternal:
		return 500
	case CodeNotImplemented:
		return 501
	case CodeBadGateway:
		return 502
	case CodeUnavailable:
		return 503
	case CodeTimeout:
		return 504
	}
	return 0
}

// isErrorStatus reports whether s is a status an error response may carry:
// 400 to 599. Anything else (0, 99, 204, 304, 1000) would either make
// net/http panic (golang/go#22880) or produce a response without content
// (RFC 9110 §6.4.1), so [Write] renders it as 500.
func isErrorStatus(s int) bool { return s >= 400 && s <= 599 }

// codeForStatus returns the built-in code that stands for a status, used
// when only the status is known (a non-envelope response on the client
// side). Unknown 4xx statuses become invalid_request, unknown 5xx internal.
func codeForStatus(s int) Code {
	switch s {
	case 400:
		return CodeInvalidRequest
	case 401:
		return CodeUnauthorized
	case 402:
		return CodePaymentRequired
	case 403:
		return CodeForbidden
	case 404:
		return CodeNotFound
	case 405:
		return CodeMethodNotAllowed
	case 406:
		return CodeNotAcceptable
	case 409:
		return CodeConflict
	case 410:
		return CodeGone
	case 412:
		return CodePreconditionFailed
	case 413:
		return CodePayloadTooLarge
	case 415:
		return CodeUnsupportedMediaType
	case 422:
		return CodeUnprocessable
	case 429:
		return CodeRateLimited
	case 499:
		return CodeCanceled
	case 501:
		return CodeNotImplemented
	case 502:
		return CodeBadGateway
	case 503:
		return CodeUnavailable
	case 504:
		return CodeTimeout
	}
	if s >= 400 && s < 500 {
		return CodeInvalidRequest
	}
	return CodeInternal
}
