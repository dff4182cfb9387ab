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
	// The fixed headers, one slot of arr each: want holds the slots this
	// response sets. A Go map that holds eight entries grows into a table
	// on the next assignment, even of a key it holds already, so keys the
	// map holds already (the middleware sets X-Content-Type-Options and
	// the request ID header) are assigned before new ones.
	want := uint8(1<<slotContentType | 1<<slotNosniff | 1<<slotCacheControl)
	if in.requestID != "" && cf.idHeader != "" {
		want |= 1 << slotRequestIDHeader
	}
	if p.localized && len(language) > 0 {
		arr[slotContentLanguage] = language[0]
		want |= 1 << slotContentLanguage
	}
	// Delete the stale headers, and learn which fixed keys h holds, in
	// one walk of h: behind the middleware it holds six entries, and a
	// walk costs less than a lookup per stale name and fixed key.
	var present uint8
	for k := range h {
		if isStale(k) {
			delete(h, k)
		} else if s, ok := fixedSlot(k, cf.idHeader); ok {
			present |= 1 << s
		}
	}
	present &= want
	for s := range slotContentLanguage + 1 {
		if present&(1<<s) != 0 {
			h[fixedKey(s, cf.idHeader)] = arr[s : s+1 : s+1]
		}
	}
	for s := range slotContentLanguage + 1 {
		if want&^present&(1<<s) != 0 {
			h[fixedKey(s, cf.idHeader)] = arr[s : s+1 : s+1]
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

// fixedKey returns the name of the fixed header of slot s of a
// [headerArray]; idHeader is the format's request ID header.
func fixedKey(s int, idHeader string) string {
	switch s {
	case slotContentType:
		return "Content-Type"
	case slotNosniff:
		return "X-Content-Type-Options"
	case slotCacheControl:
		return "Cache-Control"
	case slotRequestIDHeader:
		return idHeader
	}
	return "Content-Language"
}

// fixedSlot returns the slot of the fixed header k, if it is one.
func fixedSlot(k, idHeader string) (int, bool) {
	switch k {
	case "Content-Type":
		return slotContentType, true
	case "X-Content-Type-Options":
		return slotNosniff, true
	case "Cache-Control":
		return slotCacheControl, true
	case "Content-Language":
		return slotContentLanguage, true
	}
	return slotRequestIDHeader, k == idHeader
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
