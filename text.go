package envelope

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file holds the rules for text that comes from outside the package
// (causes, panic values, request data) on its way into logs and headers.

// Caps on text this package logs that comes from outside it.
const (
	maxLoggedBytes     = 8 << 10 // a cause's Error, a panic value
	maxLoggedPathBytes = 1 << 10 // a request's method and path
)

// safeErrorText returns err.Error(), capped at max bytes, or a placeholder
// when Error itself panics.
func safeErrorText(err error, max int) (s string) {
	defer func() {
		if recover() != nil {
			s = fmt.Sprintf("<%T: Error method panicked>", err)
		}
	}()
	s = err.Error()
	if len(s) > max {
		s = truncateUTF8(s, max) + "…"
	}
	return s
}

// safePanicText formats a recovered value, capped, surviving a value whose
// String or Error method itself panics.
func safePanicText(p any) (s string) {
	defer func() {
		if recover() != nil {
			s = fmt.Sprintf("<%T: formatting panicked>", p)
		}
	}()
	switch v := p.(type) {
	case error:
		return safeErrorText(v, maxLoggedBytes)
	case string:
		s = v
	case fmt.Stringer:
		s = v.String()
	default:
		s = fmt.Sprintf("%v", v)
	}
	if len(s) > maxLoggedBytes {
		s = truncateUTF8(s, maxLoggedBytes) + "…"
	}
	return s
}

// truncateUTF8 cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// escapeLogText caps s at max bytes and, when it holds control characters
// or invalid UTF-8, escapes it Go-style (without the quotes), so a log line
// can never be split or forged, whatever the log handler.
func escapeLogText(s string, max int) string {
	if len(s) > max {
		s = truncateUTF8(s, max) + "…"
	}
	for i := 0; i < len(s); {
		c, size := utf8.DecodeRuneInString(s[i:])
		if (c == utf8.RuneError && size == 1) || !unicode.IsPrint(c) {
			q := strconv.Quote(s)
			return q[1 : len(q)-1]
		}
		i += size
	}
	return s
}

// validHeaderName reports whether s is an RFC 9110 §5.6.2 token.
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTokenByte(s[i]) {
			return false
		}
	}
	return true
}

func isTokenByte(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	switch c {
	case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~':
		return true
	}
	return false
}

// validHeaderValue reports whether s is a valid field value (RFC 9110
// §5.5): no control characters other than horizontal tab.
func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// isDigits reports whether s is one or more ASCII digits.
func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// maxRequestIDBytes is the longest request ID accepted from outside.
const maxRequestIDBytes = 128

// ValidRequestID reports whether id is safe to accept from a client and to
// echo into headers, bodies and logs: 1 to 128 bytes of ASCII letters,
// digits and "-", "_", ".", ":", "+", "=", "/". An ID that is not must be
// replaced by a fresh one ([NewRequestID]), never cleaned: a cleaned ID
// would be a different, attacker-shaped value.
func ValidRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDBytes {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '-', c == '_', c == '.', c == ':', c == '+', c == '=', c == '/':
		default:
			return false
		}
	}
	return true
}

// refusedHeader reports whether an error may not set the header k (in
// canonical form), because it is the writer's or the connection's:
//
//   - the framing of the body: Content-Length and Transfer-Encoding (RFC
//     9112 §6), which a wrong value turns into a truncated, swallowed or
//     unparseable response, Trailer and trailer values;
//   - the hop-by-hop fields of RFC 9110 §7.6.1 (Connection, which could
//     also make a proxy strip any other field, Keep-Alive, TE, Upgrade)
//     and every Proxy-* field, which a proxy sends, never the origin
//     (RFC 9110 §11.7);
//   - what the writer says about its own body: Content-Type,
//     Content-Encoding (the body is never encoded) and
//     X-Content-Type-Options.
//
// The request ID header is the request's too; the caller checks it, as
// its name depends on the format.
func refusedHeader(k string) bool {
	switch k {
	case "Connection", "Keep-Alive", "Te", "Trailer", "Transfer-Encoding", "Upgrade",
		"Content-Length", "Content-Encoding", "Content-Type", "X-Content-Type-Options":
		return true
	}
	return strings.HasPrefix(k, http.TrailerPrefix) || strings.HasPrefix(k, "Proxy-")
}

// ownHeader reports whether the writer sets the header k (in canonical
// form) on error responses for a purpose of its own, beside those of
// [refusedHeader]: a request ID header of that name would clobber it.
func ownHeader(k string) bool {
	switch k {
	case "Cache-Control", "Vary", "Content-Language", "Www-Authenticate", "Retry-After", "Allow":
		return true
	}
	return false
}
