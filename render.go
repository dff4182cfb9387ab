package envelope

import (
	"bytes"
	"encoding/json"
	"hash/maphash"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file is the render step of the write path: a compiled body template
// and one error's values in, the body's bytes out. It is reflection-free for
// the envelope's own members; only details and extension values that are
// not simple types go through encoding/json.

// maxMessageBytes caps public messages and field messages on the wire. A
// longer one is cut at a UTF-8 boundary and ends in "…".
const maxMessageBytes = 8 << 10

// renderInput is one error's values, ready to render.
type renderInput struct {
	e          *APIError
	entry      *codeEntry
	status     int
	message    string // localized
	title      string
	requestID  string
	instance   string
	fields     []FieldError // localized
	details    bool         // render details and extensions (false after a marshal failure)
	extensions []Extension  // the library's, then the error's
}

// render appends the body. It returns an error only when a user-supplied
// value (details or an extension) fails to marshal; the caller then renders
// again with in.details false.
func (cf *compiledFormat) render(dst []byte, in *renderInput) ([]byte, error) {
	// The renderer points at in, its own error and its field groups on
	// this stack; none of them escapes, as long as the error is not a
	// field of the renderer (escape analysis would then let in and the
	// groups flow out with the returned error).
	var err error
	r := renderer{in: in, field: -1, err: &err}
	if n := len(in.fields); n > 0 {
		r.field = 0 // outside sections, field placeholders are the first field's
		if cf.t.keyed {
			var short [stackFieldList]fieldLink
			if n <= len(short) {
				r.links = short[:n]
			} else {
				r.links = make([]fieldLink, n)
			}
			linkFieldGroups(in.fields, r.links)
		}
	}
	start := len(dst)
	dst, _ = r.node(dst, cf.t.root, true)
	if err != nil {
		return dst[:start], err
	}
	if cf.indent == "" {
		return dst, nil
	}
	var out bytes.Buffer
	out.Grow(2 * (len(dst) - start))
	// The compact body is valid JSON by construction, so Indent cannot fail.
	if json.Indent(&out, dst[start:], "", cf.indent) != nil {
		return dst, nil
	}
	return append(dst[:start], out.Bytes()...), nil
}

// renderer walks a template for one error.
type renderer struct {
	in    *renderInput
	field int  // the current field error, -1 for none
	group bool // in the value of a map keyed by field: field is its first error
	// links groups the fields by path, for maps keyed by field.
	links []fieldLink
	err   *error // the first value that did not marshal
}

// link returns the link of field error i.
func (r *renderer) link(i int) fieldLink { return r.links[i] }

// node appends n and reports whether it is present; an absent node's bytes
// are for the caller to drop. root says n is the body, which is always
// written.
func (r *renderer) node(dst []byte, n *node, root bool) ([]byte, bool) {
	switch n.kind {
	case nodeLiteral:
		return append(dst, n.lit...), true
	case nodeSlot:
		return r.bare(dst, n)
	case nodeString:
		return r.str(dst, n)
	case nodeObject:
		return r.object(dst, n, root)
	case nodeArray:
		return r.array(dst, n, root)
	case nodeAlt:
		mark := len(dst)
		for _, a := range n.alts {
			var ok bool
			if dst, ok = r.node(dst, a, false); ok || *r.err != nil {
				return dst, ok
			}
			dst = dst[:mark]
		}
		return dst, false
	}
	return dst, false
}

// bare appends a placeholder that is a whole JSON value.
func (r *renderer) bare(dst []byte, n *node) ([]byte, bool) {
	in := r.in
	switch n.slot {
	case slotCode:
		return append(dst, in.entry.wire[n.codeSlot]...), true
	case slotStatus:
		return strconv.AppendInt(dst, int64(in.status), 10), true
	case slotDetails:
		if in.e.details == nil || !in.details {
			return dst, false
		}
		out, err := appendValue(dst, in.e.details)
		if err != nil {
			*r.err = err
			return dst, false
		}
		return out, true
	}
	return dst, false
}

// str appends a string with a placeholder, or reports it absent.
func (r *renderer) str(dst []byte, n *node) ([]byte, bool) {
	mark := len(dst)
	dst = append(dst, '"')
	return r.strRest(append(dst, n.pre...), n, mark)
}

// strRest appends the rest of the string n, from its placeholder on, to
// dst, which holds it up to there from mark on; absent, it returns
// dst[:mark].
func (r *renderer) strRest(dst []byte, n *node, mark int) ([]byte, bool) {
	in := r.in
	switch n.slot {
	case slotCode:
		dst = append(dst, in.entry.wire[n.codeSlot]...)
	case slotStatus:
		dst = strconv.AppendInt(dst, int64(in.status), 10)
	case slotMessage:
		dst = appendJSONStringContent(dst, truncateMessage(in.message))
	case slotTitle:
		dst = appendJSONStringContent(dst, in.title)
	case slotRequestID, slotInstance, slotAttr:
		v := in.requestID
		switch n.slot {
		case slotInstance:
			v = in.instance
		case slotAttr:
			v = in.entry.attrs[n.attr]
		}
		if v == "" {
			return dst[:mark], false
		}
		dst = appendJSONStringContent(dst, v)
	default: // field placeholders
		if r.field < 0 {
			return dst[:mark], false
		}
		f := &in.fields[r.field]
		switch n.slot {
		case slotField:
			dst = appendJSONStringContent(dst, f.Field)
		case slotFieldPointer:
			dst = appendPointer(dst, f.Field, n.fragment)
		case slotFieldCode, slotFieldAttr:
			v := f.Code
			if n.slot == slotFieldAttr {
				v = f.Attrs[n.attr]
			}
			if v == "" {
				return dst[:mark], false
			}
			dst = appendJSONStringContent(dst, v)
		case slotFieldMessage:
			if r.group && r.link(r.field).next != 0 {
				dst = appendJSONStringContent(dst, truncateMessage(r.joined()))
			} else {
				dst = appendJSONStringContent(dst, truncateMessage(f.Message))
			}
		}
	}
	dst = append(dst, n.suf...)
	return append(dst, '"'), true
}

// joined returns the messages of the current group, joined with "; ".
func (r *renderer) joined() string {
	var b strings.Builder
	for k := r.field; ; k = int(r.link(k).next) {
		if k != r.field {
			b.WriteString("; ")
		}
		b.WriteString(r.in.fields[k].Message)
		if r.link(k).next == 0 {
			return b.String()
		}
	}
}

func (r *renderer) object(dst []byte, n *node, root bool) ([]byte, bool) {
	start := len(dst)
	dst = append(dst, '{')
	first := true
	present := root || !n.opt
	if n.keyed != nil {
		var ok bool
		dst, ok = r.keyed(dst, n.keyed)
		if ok {
			present = true
		}
		first = !ok
	}
	for _, m := range n.members {
		mark := len(dst)
		var ok bool
		if m.open != nil {
			if first {
				dst = append(dst, m.open...)
			} else {
				dst = append(dst, m.openNext...)
			}
			dst, ok = r.strRest(dst, m.val, mark)
		} else {
			if !first {
				dst = append(dst, ',')
			}
			dst = append(dst, m.key...)
			dst, ok = r.node(dst, m.val, false)
		}
		if !ok {
			dst = dst[:mark]
			if *r.err != nil {
				return dst, false
			}
			continue
		}
		first = false
		if m.val.dyn {
			present = true
		}
	}
	if n.extensions && r.in.details && present {
		// Extensions join an object that is present; they never make
		// one present by themselves.
		dst, _ = r.extensions(dst, n, first)
		if *r.err != nil {
			return dst[:start], false
		}
	}
	dst = append(dst, '}')
	if !present {
		return dst[:start], false
	}
	return dst, true
}

// keyed appends the members of an object keyed by field path: one per path,
// in the order the paths first appear.
func (r *renderer) keyed(dst []byte, val *node) ([]byte, bool) {
	fields := r.in.fields
	if len(fields) == 0 {
		return dst, false
	}
	saved, savedGroup := r.field, r.group
	defer func() { r.field, r.group = saved, savedGroup }()
	any := false
	for i := range fields {
		if r.link(i).follower {
			continue
		}
		mark := len(dst)
		if any {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, fields[i].Field)
		dst = append(dst, ':')
		r.field, r.group = i, true
		var ok bool
		if dst, ok = r.node(dst, val, false); !ok {
			dst = dst[:mark]
			if *r.err != nil {
				return dst, false
			}
			continue
		}
		any = true
	}
	return dst, any
}

func (r *renderer) array(dst []byte, n *node, root bool) ([]byte, bool) {
	start := len(dst)
	dst = append(dst, '[')
	present := root || !n.opt
	if n.section {
		var any bool
		dst, any = r.section(dst, n.elems[0])
		present = present || any
	} else {
		first := true
		for _, e := range n.elems {
			mark := len(dst)
			if !first {
				dst = append(dst, ',')
			}
			var ok bool
			if dst, ok = r.node(dst, e, false); !ok {
				dst = dst[:mark]
				if *r.err != nil {
					return dst, false
				}
				continue
			}
			first = false
			present = true
		}
	}
	dst = append(dst, ']')
	if !present || *r.err != nil {
		return dst[:start], false
	}
	return dst, true
}

// section appends elem once per field error: of the current group inside
// a map keyed by field, else of the error; an error without field errors
// renders it once with no field.
func (r *renderer) section(dst []byte, elem *node) ([]byte, bool) {
	saved, savedGroup := r.field, r.group
	defer func() { r.field, r.group = saved, savedGroup }()
	any := false
	emit := func(k int) bool {
		mark := len(dst)
		if any {
			dst = append(dst, ',')
		}
		r.field = k
		var ok bool
		if dst, ok = r.node(dst, elem, false); !ok {
			dst = dst[:mark]
			return *r.err == nil
		}
		any = true
		return true
	}
	switch {
	case savedGroup:
		r.group = false
		for k := saved; ; k = int(r.link(k).next) {
			if !emit(k) || r.link(k).next == 0 {
				break
			}
		}
	case len(r.in.fields) == 0:
		emit(-1)
	default:
		for k := range r.in.fields {
			if !emit(k) {
				break
			}
		}
	}
	return dst, any
}

// extensions appends the error's extension members, skipping names the
// object's own members take, empty or invalid names and repeats. first says
// whether no member precedes them.
func (r *renderer) extensions(dst []byte, n *node, first bool) ([]byte, bool) {
	xs := r.in.extensions
	wrote := false
	for i, x := range xs {
		if x.Name == "" || n.reserved[x.Name] || !utf8.ValidString(x.Name) || extensionSeen(xs[:i], x.Name) {
			continue
		}
		mark := len(dst)
		if !first {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, x.Name)
		dst = append(dst, ':')
		out, err := appendValue(dst, x.Value)
		if err != nil {
			*r.err = err
			return dst[:mark], false
		}
		dst, first, wrote = out, false, true
	}
	return dst, wrote
}

func extensionSeen(xs []Extension, name string) bool {
	for _, x := range xs {
		if x.Name == name {
			return true
		}
	}
	return false
}

func truncateMessage(s string) string {
	if len(s) <= maxMessageBytes {
		return s
	}
	return truncateUTF8(s, maxMessageBytes-len("…")) + "…"
}

// fieldLink chains the field errors that share a path: next is the index
// of the following error with the same path (0 for none: a successor always
// has a higher index than some earlier error, so never 0), and follower
// marks an error whose path appeared earlier.
type fieldLink struct {
	next     int32
	follower bool
}

// smallFieldList is the longest field list grouped by a pairwise scan
// (bounded by smallFieldList² comparisons); stackFieldList the longest
// grouped with its hash table on the stack.
const (
	smallFieldList = 8
	stackFieldList = 32
)

// fieldSeed seeds the hash that groups long field lists, so that paths a
// client chose cannot be made to collide.
var fieldSeed = maphash.MakeSeed()

// linkFieldGroups fills links (len(fields) long) so that walking from each
// non-follower through next visits one path's errors in order. Small lists
// are linked by a pairwise scan; longer ones through an open-addressing
// table of seeded hashes at most a quarter full (on the stack up to
// stackFieldList errors), so the cost stays linear.
func linkFieldGroups(fields []FieldError, links []fieldLink) {
	if len(fields) <= smallFieldList {
		for i := range fields {
			if links[i].follower {
				continue
			}
			prev := i
			for j := i + 1; j < len(fields); j++ {
				if !links[j].follower && fields[j].Field == fields[i].Field {
					links[prev].next = int32(j)
					links[j].follower = true
					prev = j
				}
			}
		}
		return
	}
	var stack [4 * stackFieldList]int32
	size := len(stack)
	for size < 4*len(fields) {
		size <<= 1
	}
	table := stack[:]
	if size > len(stack) {
		table = make([]int32, size)
	}
	mask := uint64(size - 1)
	// A slot holds 1 + the index of the last error seen with its path.
	for i := range fields {
		for h := maphash.String(fieldSeed, fields[i].Field) & mask; ; h = (h + 1) & mask {
			slot := table[h]
			if slot == 0 {
				table[h] = int32(i + 1)
				break
			}
			if last := slot - 1; fields[last].Field == fields[i].Field {
				links[last].next = int32(i)
				links[i].follower = true
				table[h] = int32(i + 1)
				break
			}
		}
	}
}

// pathTokens splits a field path into the reference tokens of its JSON
// Pointer: names separated by '.', and bracketed indexes or keys, which may
// themselves hold '.', '[' or ']': "labels[a.b].x" is labels, a.b, x. A
// bracket closes at the first ']' followed by the end, '.' or '['.
func pathTokens(path string, yield func(string)) {
	for i := 0; i < len(path); {
		switch path[i] {
		case '.':
			i++
		case '[':
			end := -1
			for j := i + 1; j < len(path); j++ {
				if path[j] == ']' && (j+1 == len(path) || path[j+1] == '.' || path[j+1] == '[') {
					end = j
					break
				}
			}
			if end < 0 { // no closing bracket: the rest is one name
				yield(path[i:])
				return
			}
			yield(path[i+1 : end])
			i = end + 1
		default:
			j := i
			for j < len(path) && path[j] != '.' && path[j] != '[' {
				j++
			}
			yield(path[i:j])
			i = j
		}
	}
}

// appendPointer appends, escaped for a JSON string, the JSON Pointer (RFC
// 6901) of a field path: "items[2].sku" is /items/2/sku and "" the whole
// document, "". '~' and '/' inside a token are escaped as "~0" and "~1"
// (RFC 6901 §3). In URI fragment form (RFC 6901 §6) bytes a fragment may
// not hold are percent-encoded too.
func appendPointer(dst []byte, path string, fragment bool) []byte {
	var buf [128]byte
	p := buf[:0]
	pathTokens(path, func(tok string) {
		p = append(p, '/')
		for i := 0; i < len(tok); i++ {
			switch c := tok[i]; {
			case c == '~':
				p = append(p, "~0"...)
			case c == '/':
				p = append(p, "~1"...)
			case !fragment || fragmentSafe(c):
				p = append(p, c)
			default:
				p = append(p, '%', upperHex[c>>4], upperHex[c&15])
			}
		}
	})
	return appendJSONStringContent(dst, string(p))
}

const upperHex = "0123456789ABCDEF"

// fragmentSafe reports whether c may appear unescaped in a URI fragment
// (RFC 3986 §3.5), other than '/', which separates pointer tokens, and '%',
// which starts an escape.
func fragmentSafe(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	switch c {
	case '-', '.', '_', '~', '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', ':', '@', '?':
		return true
	}
	return false
}
