package envelopevalidator

import (
	"reflect"
	"strings"

	"github.com/go-playground/validator/v10"
)

// JSONName is the default [Options.FieldName]: the name encoding/json gives
// f. It is the json tag's name when there is one, and the Go field name
// otherwise, including for `json:"-"` fields, which the client cannot send
// (their errors name the Go field); an embedded struct without a json name
// gives "", as encoding/json flattens it.
func JSONName(f reflect.StructField) string {
	tag := f.Tag.Get("json")
	if tag != "-" {
		if name, _, _ := strings.Cut(tag, ","); name != "" {
			return name
		}
		if f.Anonymous && structType(f.Type) != nil {
			return ""
		}
	}
	return f.Name
}

func (t *Translator) name(f reflect.StructField) string {
	if t.fieldName != nil {
		return t.fieldName(f)
	}
	return JSONName(f)
}

// typedPath builds the path of fe's field from root, the type of the
// validated struct, by walking fe's struct namespace (Go names). It also
// returns the struct type holding the field and that struct's path. ok is
// false when root is unknown or the namespace does not match it.
func (t *Translator) typedPath(root reflect.Type, fe validator.FieldError) (path string, parent reflect.Type, parentPath string, ok bool) {
	cur := structType(root)
	if cur == nil {
		return "", nil, "", false
	}
	segs := splitNamespace(fe.StructNamespace())
	if cur.Name() != "" {
		// The validator names a named type's root; an unnamed struct type
		// has none.
		if len(segs) < 2 || segs[0] != cur.Name() {
			return "", nil, "", false
		}
		segs = segs[1:]
	}
	if len(segs) == 0 {
		return "", nil, "", false
	}
	var b strings.Builder
	for i, seg := range segs {
		if cur == nil {
			return "", nil, "", false
		}
		name, groups := splitSegment(seg)
		f, found := cur.FieldByName(name)
		if !found {
			return "", nil, "", false
		}
		if i == len(segs)-1 {
			parent, parentPath = cur, b.String()
		}
		if n := t.name(f); n != "" {
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(n)
		}
		ft := f.Type
		for _, g := range groups {
			b.WriteString(g)
			ft = elem(ft)
		}
		cur = structType(ft)
	}
	return b.String(), parent, parentPath, true
}

// splitSegment splits a namespace segment into its field name and its
// bracketed index or key groups ("Labels[a.b]" is "Labels" and "[a.b]").
// A "]" closes a group only when followed by "[" or the end, as in
// splitNamespace.
func splitSegment(seg string) (string, []string) {
	i := strings.IndexByte(seg, '[')
	if i < 0 {
		return seg, nil
	}
	name, rest := seg[:i], seg[i:]
	var groups []string
	start := 0
	for j := 1; j < len(rest); j++ {
		if rest[j] == ']' && (j+1 == len(rest) || rest[j+1] == '[') {
			groups = append(groups, rest[start:j+1])
			start = j + 1
			j++
		}
	}
	if start < len(rest) {
		groups = append(groups, rest[start:])
	}
	return name, groups
}

// elem returns the element type of a slice, array or map (through
// pointers), or nil.
func elem(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return nil
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array, reflect.Map:
		return t.Elem()
	}
	return nil
}

// structType returns t without pointers when it is a struct type, else nil.
func structType(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	return t
}

// crossFieldTags are the rules whose parameter names another field.
var crossFieldTags = map[string]bool{
	"eqfield": true, "nefield": true, "gtfield": true, "gtefield": true, "ltfield": true, "ltefield": true,
	"eqcsfield": true, "necsfield": true, "gtcsfield": true, "gtecsfield": true, "ltcsfield": true, "ltecsfield": true,
	"fieldcontains": true, "fieldexcludes": true,
}

// otherField returns the path, as the client spells it, of the field that
// the cross-field rule of fe compares with, or "" when fe's rule is not one
// or the field cannot be found. The parameter is a Go field name, or a
// dotted path of them, looked up from parent, the struct holding the
// failed field (at parentPath), and else from the root (as eqcsfield's
// documentation puts it).
func (t *Translator) otherField(root, parent reflect.Type, parentPath string, fe validator.FieldError) string {
	if !crossFieldTags[fe.ActualTag()] || fe.Param() == "" {
		return ""
	}
	if rel, ok := t.goPath(parent, fe.Param()); ok {
		return joinPath(parentPath, rel)
	}
	if rel, ok := t.goPath(structType(root), fe.Param()); ok {
		return rel
	}
	return ""
}

// goPath turns a dotted path of Go field names from t into the path the
// client sends.
func (t *Translator) goPath(typ reflect.Type, goPath string) (string, bool) {
	var out string
	for _, name := range strings.Split(goPath, ".") {
		if typ == nil {
			return "", false
		}
		f, ok := typ.FieldByName(name)
		if !ok || !f.IsExported() {
			return "", false
		}
		// A promoted field sits under the embedded structs it comes
		// from: flattened, or nested under their names.
		for j := 1; j < len(f.Index); j++ {
			out = joinPath(out, t.name(typ.FieldByIndex(f.Index[:j])))
		}
		out = joinPath(out, t.name(f))
		typ = structType(f.Type)
	}
	return out, out != ""
}

func joinPath(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "." + b
}
