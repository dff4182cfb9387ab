package envelope

import "strings"

// This file is the content negotiation of the write path: which of a
// writer's formats a request's Accept header prefers (see [Writer.pick]).

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
