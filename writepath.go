package envelope

import "net/http"

// This file holds the helpers that keep Write's per-request path short; see
// envelope_bench_test.go and the benchmarks module for what they buy.

// deleteStaleHeaders deletes the staleHeaders from h. When h holds fewer
// entries than there are stale names (the common case: a handler that set
// few or no headers) it walks h instead of hashing every stale name.
func deleteStaleHeaders(h http.Header) {
	switch {
	case len(h) == 0:
		return // not even a map iterator
	case len(h) >= len(staleHeaders):
		for _, k := range staleHeaders {
			delete(h, k)
		}
		return
	}
	for k := range h {
		if isStaleHeader(k) {
			delete(h, k)
		}
	}
}

func isStaleHeader(k string) bool {
	switch k {
	case "Content-Length", "Content-Range", "Content-Disposition", "Content-Language",
		"Content-Location", "Etag", "Last-Modified", "Expires", "Accept-Ranges":
		return true
	}
	return false
}

// rendersInstance reports whether the format has an instance member, so
// that Write escapes the request path only for formats that send it.
func (cf *compiledFormat) rendersInstance() bool {
	for i := range cf.members {
		if cf.members[i].Kind == MemberInstance {
			return true
		}
	}
	return false
}

// setValues records in st the header values Write will send for st's ID
// and writer, or the default writer when st has none (see headerValues). Call it once st.id and st.writer are set,
// before the state is shared.
func (st *requestState) setValues() {
	ew := st.writer
	if ew == nil {
		ew = defaultWriter() // what the package-level Write will use
	}
	st.values = headerArray{ew.format.mediaType, "nosniff", "no-store", st.id, ew.challenge}
}

// headerArray holds the values of the headers Write sets, one per slot:
// Content-Type, X-Content-Type-Options, Cache-Control, the request ID
// header, WWW-Authenticate, then Content-Language and Vary, which Write
// fills in per response.
type headerArray [7]string

const (
	slotContentLanguage = 5
	slotVary            = 6
)

// headerValues returns a headerArray holding the values of Content-Type,
// X-Content-Type-Options, Cache-Control, the request ID header and
// WWW-Authenticate, in that order. It is the request's own array when st
// holds those values (the common case: the writer's own format and the
// request's ID), so Write allocates nothing for them; else a new one. The
// array is never shared between requests: a handler that changes a header
// value in place (as in h["Cache-Control"][0] = "...") changes only its
// own response.
func headerValues(st *requestState, mediaType, id, challenge string) *headerArray {
	if st != nil && st.values[1] != "" && st.values[0] == mediaType && st.values[3] == id && st.values[4] == challenge {
		return &st.values
	}
	return &headerArray{mediaType, "nosniff", "no-store", id, challenge}
}
