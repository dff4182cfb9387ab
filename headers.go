package envelope

import (
	"net/http"
	"strings"
)

// This file is the header step of the write path: the headers of an error
// response, set so that no two responses share a value slice and, on the
// fresh map net/http gives each response, with as little map growth as the
// header count allows.

// isStale reports whether a handler may have set the response header k
// (in canonical form) for the body it meant to send, so that it would be
// false for the error body. Content-Encoding is kept: compressing
// middleware sets it and wraps the writer (golang/go#66343).
func isStale(k string) bool {
	switch k {
	case "Content-Length", "Transfer-Encoding", "Content-Range", "Content-Disposition", "Content-Language",
		"Content-Location", "Etag", "Last-Modified", "Expires", "Accept-Ranges":
		return true
	}
	return false
}

// headerArray holds the values of the headers a writer sets, one per slot,
// each header getting its own full-capacity slice of it: Content-Type,
// X-Content-Type-Options, Cache-Control, the request ID header,
// WWW-Authenticate, then Content-Language and Vary, which are filled in per
// response.
type headerArray [7]string

const (
	slotContentType = iota
	slotNosniff
	slotCacheControl
	slotRequestIDHeader
	slotChallenge
	slotContentLanguage
	slotVary
)

// assignment is one header a response sets.
type assignment struct {
	key string
	val []string
}

// headerPolicy is what the header step takes from the writer's options.
type headerPolicy struct {
	localized  bool // a Localizer was configured: Content-Language, Vary
	negotiated bool // there are alternates: Vary: Accept
	rateLimit  *rateLimiter
}

// setHeaders sets on h the headers of an error response rendered in cf
// from in, using arr, the response's own storage for header values. It
// returns the names of the error's own headers it left out (invalid, or
// not an error's to set), for the caller to log.
func setHeaders(h http.Header, p headerPolicy, cf *compiledFormat, in *renderInput, language []string, arr *headerArray) (refused []string) {
	id := in.requestID

	// The fixed headers. A Go map that holds eight entries grows into a
	// table on the next assignment, even of a key it holds already, so
	// keys the map holds already (the middleware sets X-Content-Type-
	// Options and the request ID header) are assigned before new ones.
	var fixed [5]assignment
	n := 0
	fixed[n] = assignment{"Content-Type", arr[slotContentType : slotContentType+1 : slotContentType+1]}
	n++
	fixed[n] = assignment{"X-Content-Type-Options", arr[slotNosniff : slotNosniff+1 : slotNosniff+1]}
	n++
	fixed[n] = assignment{"Cache-Control", arr[slotCacheControl : slotCacheControl+1 : slotCacheControl+1]}
	n++
	if id != "" && cf.idHeader != "" {
		fixed[n] = assignment{cf.idHeader, arr[slotRequestIDHeader : slotRequestIDHeader+1 : slotRequestIDHeader+1]}
		n++
	}
	if p.localized && len(language) > 0 {
		arr[slotContentLanguage] = language[0]
		fixed[n] = assignment{"Content-Language", arr[slotContentLanguage : slotContentLanguage+1 : slotContentLanguage+1]}
		n++
	}
	// Delete the stale headers, and learn which fixed keys h holds, in
	// one walk of h: behind the middleware it holds six entries, and a
	// walk costs less than a lookup per stale name and fixed key.
	var present [len(fixed)]bool
	for k := range h {
		if isStale(k) {
			delete(h, k)
			continue
		}
		for i := range n {
			if fixed[i].key == k {
				present[i] = true
				break
			}
		}
	}
	for i := range n {
		if present[i] {
			h[fixed[i].key] = fixed[i].val
		}
	}
	for i := range n {
		if !present[i] {
			h[fixed[i].key] = fixed[i].val
		}
	}
	if p.localized {
		addVary(h, "Accept-Language", arr[slotVary:slotVary+1:slotVary+1])
	}
	if p.negotiated {
		addVary(h, "Accept", arr[slotVary:slotVary+1:slotVary+1])
	}

	// The error's own headers, then the rate-limit headers.
	e := in.e
	for _, f := range e.header {
		if !validHeaderName(f.key) || !validHeaderValue(f.value) || refusedHeader(f.key) || f.key == cf.idHeader {
			refused = append(refused, f.key)
			continue
		}
		if f.key == "Www-Authenticate" && !hasChallenge([]string{f.value}) {
			continue // no challenge: the handler's, or the format's, stands
		}
		h[f.key] = []string{f.value}
	}
	p.rateLimit.setErrorRateLimit(h, e, in.status)

	// A 401 needs a challenge (RFC 9110 §11.6.1: at least one).
	if in.status == http.StatusUnauthorized && !hasChallenge(h["Www-Authenticate"]) {
		arr[slotChallenge] = challengeFor(cf, in)
		h["Www-Authenticate"] = arr[slotChallenge : slotChallenge+1 : slotChallenge+1]
	}
	return refused
}

// hasChallenge reports whether WWW-Authenticate values hold a challenge:
// something other than blanks and the commas of an empty list (RFC 9110
// §5.6.1 lets a recipient ignore empty list elements).
func hasChallenge(vs []string) bool {
	for _, v := range vs {
		if strings.Trim(v, " \t,") != "" {
			return true
		}
	}
	return false
}

// challengeFor returns the WWW-Authenticate value of a 401 rendered in cf.
func challengeFor(cf *compiledFormat, in *renderInput) string {
	c := cf.challenge
	if c == nil {
		return "Bearer"
	}
	v := challengeValues{message: in.message, requestID: in.requestID, status: in.status, attrs: in.entry.attrs}
	v.code = string(in.e.Code())
	if len(cf.t.codeSlots) > 0 {
		v.code = cf.wireText(in.e.Code(), 0)
	}
	return c.render(v)
}

// headerError names a header that was left out, for the log.
type headerError string

func (h headerError) Error() string { return "header " + string(h) }

// addVary adds token to h's Vary field (RFC 9110 §12.5.5) unless it is
// listed already (case-insensitively) or Vary is "*". slot is a one-element,
// full-capacity slice of the response's own header array: when h has no
// Vary yet, the token is stored there, so no two responses share the
// []string; otherwise the existing values are copied and extended, never
// appended to in place.
func addVary(h http.Header, token string, slot []string) {
	vs := h["Vary"]
	for _, v := range vs {
		for t := range strings.SplitSeq(v, ",") {
			t = strings.TrimSpace(t)
			if t == "*" || strings.EqualFold(t, token) {
				return
			}
		}
	}
	if len(vs) == 0 {
		slot[0] = token
		h["Vary"] = slot
		return
	}
	h["Vary"] = append(vs[:len(vs):len(vs)], token)
}
