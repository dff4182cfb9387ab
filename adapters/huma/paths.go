package envelopehuma

import (
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// pathFor returns the location mapping for the operation ctx serves: the
// user's FieldPath, or the schema-aware default.
func (a *Adapter) pathFor(ctx huma.Context) func(string) string {
	if a.fieldPath != nil {
		return a.fieldPath
	}
	var op *huma.Operation
	if ctx != nil {
		op = ctx.Operation()
	}
	body, reg := bodySchema(op)
	if body == nil {
		return FieldPath
	}
	return func(loc string) string {
		rest, ok := strings.CutPrefix(loc, "body.")
		if !ok {
			return FieldPath(loc)
		}
		var b strings.Builder
		if walk(reg, body, rest, true, &b) {
			return b.String()
		}
		return FieldPath(loc)
	}
}

// bodySchema returns the JSON request body schema of op and the registry
// that resolves its references, or nil.
func bodySchema(op *huma.Operation) (*huma.Schema, huma.Registry) {
	if op == nil || op.RequestBody == nil {
		return nil, nil
	}
	reg, _ := op.Metadata[registryKey].(huma.Registry)
	for mt, c := range op.RequestBody.Content {
		if c != nil && c.Schema != nil && jsonMediaType(mt) {
			return c.Schema, reg
		}
	}
	return nil, nil
}

// resolve follows s's reference, if any.
func resolve(reg huma.Registry, s *huma.Schema) *huma.Schema {
	for i := 0; s != nil && s.Ref != "" && i < 16; i++ {
		if reg == nil {
			return nil
		}
		s = reg.SchemaFromRef(s.Ref)
	}
	return s
}

// maxKeySplits bounds the splits walk tries for map keys that may hold
// dots, so that a hostile location costs little.
const maxKeySplits = 64

// walk writes to b the field path of rest, a huma location below the
// schema s: properties named, dotted; array indexes kept in brackets; map
// keys (huma joins them with a dot, as properties) in brackets whole, as
// the validator adapter writes them. A key may hold dots or brackets: it
// takes the shortest span after which the rest is a location in the map's
// value schema. first is true at the start of the path (no dot to write).
// walk reports false when rest is not a location below s.
func walk(reg huma.Registry, s *huma.Schema, rest string, first bool, b *strings.Builder) bool {
	for rest != "" {
		s = resolve(reg, s)
		if s == nil {
			return false
		}
		if rest[0] == '[' {
			end := strings.IndexByte(rest, ']')
			if end < 0 || s.Items == nil {
				return false
			}
			b.WriteString(rest[:end+1])
			s, rest, first = s.Items, rest[end+1:], false
			continue
		}
		if !first {
			if rest[0] != '.' {
				return false
			}
			rest = rest[1:]
		}
		name := rest
		if i := strings.IndexAny(rest, ".["); i >= 0 {
			name = rest[:i]
		}
		if p, ok := s.Properties[name]; ok && p != nil {
			if !first {
				b.WriteByte('.')
			}
			b.WriteString(name)
			s, rest, first = p, rest[len(name):], false
			continue
		}
		value, ok := s.AdditionalProperties.(*huma.Schema)
		if !ok {
			if allowed, _ := s.AdditionalProperties.(bool); !allowed {
				return false
			}
			value = nil // any value: the rest is the key
		}
		// A map: the key is the shortest span that leaves a location in
		// the value schema.
		splits := 0
		for i := 0; i <= len(rest); i++ {
			if i < len(rest) && rest[i] != '.' && rest[i] != '[' {
				continue
			}
			if i == 0 {
				continue
			}
			var sub strings.Builder
			if i == len(rest) || (value != nil && walk(reg, value, rest[i:], false, &sub)) {
				b.WriteString("[" + rest[:i] + "]")
				b.WriteString(sub.String())
				return true
			}
			if splits++; splits > maxKeySplits {
				return false
			}
		}
		return false
	}
	return true
}
