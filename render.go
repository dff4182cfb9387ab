package envelope

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// problemAnnotation changes how one error renders in a problem format
// beyond what the error itself says: a registered problem type (RFC 9457
// §4) with its title, and extension members computed by the library.
// Library extensions come before the error's own and win over them; neither
// can override a member of the format.
type problemAnnotation struct {
	typeURI    string
	title      string
	extensions []Extension
}

// annotate fills in.problem for formats that have a type member.
//
// annotate fills in the problem type of errors that have a registered one.
// A 429 whose error carries rate-limit state renders as the
// "quota-exceeded" problem type of draft-ietf-httpapi-ratelimit-headers-11
// §6, with the "violated-policies" extension naming the policies whose
// quota was exceeded. Formats without a type member are left alone.
func (cf *compiledFormat) annotate(e *APIError, in *renderInput) {
	if !cf.hasType || in.status != 429 {
		return
	}
	if ps := violatedPolicies(e); len(ps) > 0 {
		in.problem = problemAnnotation{
			typeURI:    quotaExceededType,
			title:      quotaExceededTitle,
			extensions: []Extension{{Name: "violated-policies", Value: ps}},
		}
	}
}

// quotaExceededTitle is the title the draft registers for quotaExceededType.
const quotaExceededTitle = "Request cannot be satisfied as assigned quota has been exceeded"

// render appends the body of e, pretty-printed when the format says so.
// Like appendError it returns an error only when a user-supplied value
// fails to marshal.
func (cf *compiledFormat) render(dst []byte, e *APIError, in renderInput) ([]byte, error) {
	cf.annotate(e, &in)
	if cf.f.Indent == "" {
		return cf.appendError(dst, e, in)
	}
	start := len(dst)
	dst, err := cf.appendError(dst, e, in)
	if err != nil {
		return dst, err
	}
	var out bytes.Buffer
	out.Grow(2 * (len(dst) - start))
	// The compact body is valid JSON by construction, so Indent cannot fail.
	if json.Indent(&out, dst[start:], "", cf.f.Indent) != nil {
		return dst, nil
	}
	return append(dst[:start], out.Bytes()...), nil
}

// pick returns the format for r: the first of the writer's formats whose
// media type the request's Accept header prefers strictly over the main
// format's, or the main format. Without alternates it is the main format.
func (ew *ErrorWriter) pick(r *http.Request) *compiledFormat {
	if len(ew.alternates) == 0 || r == nil {
		return ew.format
	}
	accept := r.Header.Values("Accept")
	if len(accept) == 0 {
		return ew.format
	}
	best, bestQ := ew.format, acceptQuality(accept, ew.format.mediaType)
	for _, cf := range ew.alternates {
		if q := acceptQuality(accept, cf.mediaType); q > bestQ {
			best, bestQ = cf, q
		}
	}
	return best
}

// acceptQuality returns the quality (0 to 1000) that Accept header values
// give mediaType (RFC 9110 §12.5.1): the most specific matching range
// decides; no matching range means 0.
func acceptQuality(accept []string, mediaType string) int {
	typ, sub, _ := strings.Cut(mediaTypeBase(mediaType), "/")
	q, spec := 0, -1
	for _, line := range accept {
		for len(line) > 0 {
			var item string
			item, line, _ = strings.Cut(line, ",")
			rng, params, _ := strings.Cut(item, ";")
			rt, rs, ok := strings.Cut(strings.ToLower(strings.TrimSpace(rng)), "/")
			if !ok {
				continue
			}
			s := -1
			switch {
			case rt == typ && rs == sub:
				s = 2
			case rt == typ && rs == "*":
				s = 1
			case rt == "*" && rs == "*":
				s = 0
			}
			if s <= spec {
				continue
			}
			spec, q = s, parseQuality(params)
		}
	}
	return q
}

// parseQuality returns the q parameter of an Accept item's parameters as
// thousandths; 1000 when absent, 0 when malformed.
func parseQuality(params string) int {
	for len(params) > 0 {
		var p string
		p, params, _ = strings.Cut(params, ";")
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		if !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		v = strings.TrimSpace(v)
		if v == "" || len(v) > 5 || (v[0] != '0' && v[0] != '1') {
			return 0
		}
		n := int(v[0]-'0') * 1000
		if len(v) > 1 {
			if v[1] != '.' {
				return 0
			}
			scale := 100
			for _, c := range v[2:] {
				if c < '0' || c > '9' {
					return 0
				}
				n += int(c-'0') * scale
				scale /= 10
			}
		}
		if n > 1000 {
			return 0
		}
		return n
	}
	return 1000
}

// mediaTypeBase returns the lower-cased type/subtype of a media type,
// without parameters.
func mediaTypeBase(mt string) string {
	base, _, _ := strings.Cut(mt, ";")
	return strings.ToLower(strings.TrimSpace(base))
}

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

// compileAlternates compiles the negotiable formats of a Config.
func compileAlternates(main *compiledFormat, fs []Format) ([]*compiledFormat, error) {
	if len(fs) == 0 {
		return nil, nil
	}
	seen := map[string]bool{mediaTypeBase(main.mediaType): true}
	out := make([]*compiledFormat, 0, len(fs))
	for i, f := range fs {
		cf, err := compileFormat(f)
		if err != nil {
			return nil, fmt.Errorf("envelope: alternate format %d: %w", i, err)
		}
		mt := mediaTypeBase(cf.mediaType)
		if seen[mt] {
			return nil, fmt.Errorf("envelope: alternate format %d (%q): media type %s is already taken", i, f.Name, mt)
		}
		seen[mt] = true
		out = append(out, cf)
	}
	return out, nil
}
