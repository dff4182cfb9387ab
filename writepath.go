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

// setID sets the request ID and the header values Write will send for it.
func (st *requestState) setID(id string) {
	st.id = id
	st.values = [3]string{"nosniff", "no-store", id}
}

// headerValues returns an array holding the values of
// X-Content-Type-Options, Cache-Control and the request ID header, in that
// order. It is the request's own array when st holds one for id, so Write
// allocates nothing for them; else a new one. The array is never shared
// between requests: a handler that changes a header value in place (as in
// h["Cache-Control"][0] = "...") changes only its own response.
func headerValues(st *requestState, id string) *[3]string {
	if st != nil && st.values[0] != "" && st.values[2] == id {
		return &st.values
	}
	return &[3]string{"nosniff", "no-store", id}
}
