package envelope

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// This file parses a format's body template: JSON in the shape of a
// contract's own example, with {{placeholders}} where the error's values go.
// The grammar (documented for users on [Format.Body]):
//
//	value   = primary *( "|" primary )        ; the first that is present
//	primary = object / array / string / number / true / false / null / "{{" slot "}}"
//	object  = "{" [ member *( "," member ) ] "}"
//	member  = string ":" value / "{{extensions}}"
//	array   = "[" [ value *( "," value ) ] "]"
//
// A string holds at most one placeholder, with literal text around it. A
// member name may be the placeholder {{field}}: the object is then a map
// keyed by field path. An array whose only element uses field placeholders
// repeats that element once per field error.

// nodeKind says what a node of a compiled template is.
type nodeKind uint8

const (
	nodeLiteral nodeKind = iota + 1 // JSON text without placeholders
	nodeSlot                        // a placeholder as a whole value (a number, or details)
	nodeString                      // a string with one placeholder and literal text around it
	nodeObject
	nodeArray
	nodeAlt // alternatives: the first that is present
)

// slotKind says which value a placeholder stands for.
type slotKind uint8

const (
	slotCode slotKind = iota + 1
	slotStatus
	slotMessage
	slotTitle
	slotRequestID
	slotInstance
	slotDetails
	slotAttr
	slotField // the field path
	slotFieldPointer
	slotFieldCode
	slotFieldMessage
	slotFieldAttr

	numSlotKinds // the number of kinds, for tables indexed by kind
)

// isField reports whether k stands for a value of a field error.
func (k slotKind) isField() bool { return k >= slotField }

// codeFilter is how a {{code}} placeholder spells codes that have no wire
// spelling of their own in the format.
type codeFilter uint8

const (
	filterNone   codeFilter = iota // as in Go: not_found
	filterUpper                    // NOT_FOUND
	filterPascal                   // NotFound
	filterCamel                    // notFound
	filterKebab                    // not-found
)

var filterNames = map[string]codeFilter{"upper": filterUpper, "pascal": filterPascal, "camel": filterCamel, "kebab": filterKebab}

// node is one value of a compiled template.
type node struct {
	kind nodeKind
	pos  int // byte offset in the template, for error messages

	lit []byte // nodeLiteral: compact JSON text

	slot     slotKind   // nodeSlot, nodeString
	attr     string     // slotAttr, slotFieldAttr: the attribute name
	filter   codeFilter // slotCode
	prefix   string     // nodeString: literal text before the placeholder
	suffix   string     // nodeString: literal text after it
	pre, suf []byte     // nodeString: prefix and suffix escaped for a JSON string
	fragment bool       // slotFieldPointer: in URI fragment form (the prefix starts with '#')
	codeSlot int        // slotCode: index among the template's code placeholders

	members    []*objMember // nodeObject
	keyed      *node        // nodeObject: the value of its "{{field}}" member
	extensions bool         // nodeObject: the error's extension members go here
	reserved   map[string]bool

	elems   []*node // nodeArray
	section bool    // nodeArray: elems[0] repeats once per field error

	alts []*node // nodeAlt

	dyn        bool // holds a placeholder: rendered per error, not a literal
	opt        bool // may render absent (and its member is then left out)
	fieldSlots bool // holds a field placeholder that no section binds
}

type objMember struct {
	name string
	key  []byte // `"name":`
	val  *node
	// For a string value: the bytes up to its placeholder, as the first
	// member (`"name":"pre`) and after another (`,"name":"pre`), so that
	// the renderer appends them at once.
	open, openNext []byte
}

// template is a parsed body.
type template struct {
	root      *node
	codeSlots []*node            // every {{code}} placeholder, in document order
	uses      [numSlotKinds]bool // the kinds of placeholder the body has
	attrs     []string           // attribute names of {{attr NAME}}, in document order
	keyed     bool               // some object is keyed by field path
}

// parseTemplate parses and checks a body template. Errors give the byte
// offset of the problem.
func parseTemplate(src string) (*template, error) {
	p := &tparser{src: src, t: &template{}}
	p.skip()
	if p.i >= len(src) {
		return nil, fmt.Errorf("the body template is empty")
	}
	if c := src[p.i]; c != '{' && c != '[' || strings.HasPrefix(src[p.i:], "{{") {
		return nil, p.errf(p.i, "the body must be a JSON object or array")
	}
	root, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.skip()
	if p.i < len(src) {
		return nil, p.errf(p.i, "unexpected text after the body")
	}
	if !root.dyn {
		return nil, fmt.Errorf("the body template has no placeholder")
	}
	if root.kind == nodeAlt {
		for _, a := range root.alts {
			if a.kind != nodeObject && a.kind != nodeArray {
				return nil, p.errf(a.pos, "an alternative body must be a JSON object or array")
			}
		}
		if root.opt {
			return nil, p.errf(root.pos, "the last alternative body must always be present")
		}
	}
	p.t.root = root
	if err := p.placeExtensions(); err != nil {
		return nil, err
	}
	return p.t, nil
}

type tparser struct {
	src        string
	i          int
	t          *template
	extensions *node // the object with an explicit {{extensions}}
}

func (p *tparser) errf(pos int, format string, args ...any) error {
	return fmt.Errorf("body template at byte %d: %s", pos, fmt.Sprintf(format, args...))
}

func (p *tparser) skip() {
	for p.i < len(p.src) {
		switch p.src[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// maxTemplateDepth bounds the nesting of a template.
const maxTemplateDepth = 32

// value parses alternatives: primary *( "|" primary ).
func (p *tparser) value(depth int) (*node, error) {
	if depth > maxTemplateDepth {
		return nil, p.errf(p.i, "nested more than %d levels", maxTemplateDepth)
	}
	start := p.i
	first, err := p.primary(depth)
	if err != nil {
		return nil, err
	}
	p.skip()
	if p.i >= len(p.src) || p.src[p.i] != '|' {
		return first, nil
	}
	alt := &node{kind: nodeAlt, pos: start, alts: []*node{first}}
	for p.i < len(p.src) && p.src[p.i] == '|' {
		if last := alt.alts[len(alt.alts)-1]; !last.opt {
			return nil, p.errf(p.i, "an alternative after one that is always present is never used")
		}
		p.i++
		p.skip()
		n, err := p.primary(depth)
		if err != nil {
			return nil, err
		}
		alt.alts = append(alt.alts, n)
		p.skip()
	}
	for _, a := range alt.alts {
		alt.dyn = alt.dyn || a.dyn
		alt.fieldSlots = alt.fieldSlots || a.fieldSlots
	}
	alt.opt = alt.alts[len(alt.alts)-1].opt
	return alt, nil
}

func (p *tparser) primary(depth int) (*node, error) {
	p.skip()
	if p.i >= len(p.src) {
		return nil, p.errf(p.i, "a value is missing")
	}
	start := p.i
	switch c := p.src[p.i]; {
	case strings.HasPrefix(p.src[p.i:], "{{"):
		name, err := p.placeholder()
		if err != nil {
			return nil, err
		}
		n, err := p.slotNode(start, name, false)
		if err != nil {
			return nil, err
		}
		switch n.slot {
		case slotCode, slotStatus, slotDetails:
		default:
			return nil, p.errf(start, "{{%s}} must be inside a string", name)
		}
		return n, nil
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		return p.stringNode()
	default:
		return p.scalar()
	}
}

// placeholder reads "{{...}}" and returns its trimmed content.
func (p *tparser) placeholder() (string, error) {
	start := p.i
	end := strings.Index(p.src[p.i+2:], "}}")
	if end < 0 {
		return "", p.errf(start, "unclosed placeholder")
	}
	name := strings.TrimSpace(p.src[p.i+2 : p.i+2+end])
	p.i += 2 + end + 2
	return name, nil
}

// slotNode builds the node of a placeholder. inString says whether it sits
// inside a string.
func (p *tparser) slotNode(pos int, name string, inString bool) (*node, error) {
	kind := nodeSlot
	if inString {
		kind = nodeString
	}
	n := &node{kind: kind, pos: pos, dyn: true}
	word, rest, _ := strings.Cut(name, " ")
	rest = strings.TrimSpace(rest)
	base, filter, hasFilter := strings.Cut(name, "|")
	base, filter = strings.TrimSpace(base), strings.TrimSpace(filter)
	switch {
	case base == "code":
		n.slot = slotCode
		if hasFilter {
			f, ok := filterNames[filter]
			if !ok {
				return nil, p.errf(pos, "unknown code filter %q (want upper, pascal, camel or kebab)", filter)
			}
			n.filter = f
		}
		n.codeSlot = len(p.t.codeSlots)
		p.t.codeSlots = append(p.t.codeSlots, n)
	case hasFilter:
		return nil, p.errf(pos, "only {{code}} takes a filter")
	case name == "status":
		n.slot = slotStatus
	case name == "message":
		n.slot = slotMessage
	case name == "title":
		n.slot = slotTitle
	case name == "requestId":
		n.slot = slotRequestID
	case name == "instance":
		n.slot = slotInstance
	case name == "details":
		n.slot = slotDetails
		if inString {
			return nil, p.errf(pos, "{{details}} is a JSON value and cannot be inside a string")
		}
	case word == "attr" && rest != "":
		if !validAttrName(rest) {
			return nil, p.errf(pos, "attribute name %q is not made of ASCII letters, digits, '_', '-' and '.'", rest)
		}
		n.slot, n.attr = slotAttr, rest
		p.t.attrs = append(p.t.attrs, rest)
	case name == "field":
		n.slot = slotField
	case name == "field.pointer":
		n.slot = slotFieldPointer
	case name == "field.code":
		n.slot = slotFieldCode
	case name == "field.message":
		n.slot = slotFieldMessage
	case word == "field.attr" && rest != "":
		if !validAttrName(rest) {
			return nil, p.errf(pos, "attribute name %q is not made of ASCII letters, digits, '_', '-' and '.'", rest)
		}
		n.slot, n.attr = slotFieldAttr, rest
	case name == "extensions":
		return nil, p.errf(pos, "{{extensions}} stands in place of a member, not a value")
	default:
		return nil, p.errf(pos, "unknown placeholder {{%s}}", name)
	}
	switch n.slot {
	case slotCode, slotStatus, slotMessage, slotTitle:
		// always present
	default:
		n.opt = true
	}
	n.fieldSlots = n.slot.isField()
	p.t.uses[n.slot] = true
	return n, nil
}

// rawString reads a JSON string literal and returns its raw text between
// the quotes, escapes untouched.
func (p *tparser) rawString() (string, error) {
	start := p.i
	p.i++ // the opening quote
	for p.i < len(p.src) {
		switch c := p.src[p.i]; {
		case c == '\\':
			p.i += 2
		case c == '"':
			raw := p.src[start+1 : p.i]
			p.i++
			return raw, nil
		case c < 0x20:
			return "", p.errf(p.i, "control character in a string")
		default:
			p.i++
		}
	}
	return "", p.errf(start, "unclosed string")
}

// unescape decodes the raw text of a JSON string.
func (p *tparser) unescape(pos int, raw string) (string, error) {
	var s string
	if err := json.Unmarshal([]byte(`"`+raw+`"`), &s); err != nil {
		return "", p.errf(pos, "malformed string: %v", err)
	}
	return s, nil
}

func (p *tparser) stringNode() (*node, error) {
	start := p.i
	raw, err := p.rawString()
	if err != nil {
		return nil, err
	}
	open := strings.Index(raw, "{{")
	if open < 0 {
		s, err := p.unescape(start, raw)
		if err != nil {
			return nil, err
		}
		return &node{kind: nodeLiteral, pos: start, lit: appendJSONString(nil, s)}, nil
	}
	closing := strings.Index(raw[open:], "}}")
	if closing < 0 {
		return nil, p.errf(start+1+open, "unclosed placeholder")
	}
	closing += open
	if strings.Contains(raw[closing+2:], "{{") || strings.Contains(raw[open+2:closing], "{{") {
		return nil, p.errf(start, "a string may hold one placeholder")
	}
	n, err := p.slotNode(start+1+open, strings.TrimSpace(raw[open+2:closing]), true)
	if err != nil {
		return nil, err
	}
	if n.prefix, err = p.unescape(start, raw[:open]); err != nil {
		return nil, err
	}
	if n.suffix, err = p.unescape(start, raw[closing+2:]); err != nil {
		return nil, err
	}
	n.pre = appendJSONStringContent(nil, n.prefix)
	n.suf = appendJSONStringContent(nil, n.suffix)
	n.fragment = n.slot == slotFieldPointer && strings.HasPrefix(n.prefix, "#")
	return n, nil
}

func (p *tparser) scalar() (*node, error) {
	start := p.i
	for p.i < len(p.src) && !strings.ContainsRune(" \t\r\n,]}|", rune(p.src[p.i])) {
		p.i++
	}
	text := p.src[start:p.i]
	if text == "" || !json.Valid([]byte(text)) {
		return nil, p.errf(start, "%q is not a JSON value", text)
	}
	return &node{kind: nodeLiteral, pos: start, lit: []byte(text)}, nil
}

func (p *tparser) object(depth int) (*node, error) {
	n := &node{kind: nodeObject, pos: p.i, reserved: map[string]bool{}, opt: true}
	p.i++ // '{'
	p.skip()
	if p.i < len(p.src) && p.src[p.i] == '}' {
		p.i++
		return p.literalOf(n)
	}
	for {
		p.skip()
		if p.i >= len(p.src) {
			return nil, p.errf(n.pos, "unclosed object")
		}
		mpos := p.i
		switch {
		case strings.HasPrefix(p.src[p.i:], "{{"):
			name, err := p.placeholder()
			if err != nil {
				return nil, err
			}
			if name != "extensions" {
				return nil, p.errf(mpos, "a member name must be a string; only {{extensions}} stands in place of a member")
			}
			if p.extensions != nil {
				return nil, p.errf(mpos, "{{extensions}} appears twice")
			}
			n.extensions, n.dyn = true, true
			p.extensions = n
		case p.src[p.i] == '"':
			raw, err := p.rawString()
			if err != nil {
				return nil, err
			}
			p.skip()
			if p.i >= len(p.src) || p.src[p.i] != ':' {
				return nil, p.errf(p.i, "':' expected after a member name")
			}
			p.i++
			val, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			if strings.TrimSpace(raw) == "{{field}}" {
				if n.keyed != nil || len(n.members) > 0 {
					return nil, p.errf(mpos, "an object keyed by {{field}} has that one member only")
				}
				if val.fieldSlotsIn(true) {
					return nil, p.errf(mpos, "a section inside an object keyed by {{field}} may only be an array of the field's messages")
				}
				n.keyed = val
				n.dyn = true
				p.t.keyed = true
				break
			}
			if strings.Contains(raw, "{{") {
				return nil, p.errf(mpos, "only {{field}} may stand as a member name")
			}
			name, err := p.unescape(mpos, raw)
			if err != nil {
				return nil, err
			}
			if n.reserved[name] {
				return nil, p.errf(mpos, "member %q appears twice in one object", name)
			}
			if n.keyed != nil {
				return nil, p.errf(mpos, "an object keyed by {{field}} has that one member only")
			}
			n.reserved[name] = true
			key := append(appendJSONString(nil, name), ':')
			m := &objMember{name: name, key: key, val: val}
			if val.kind == nodeString {
				m.open = append(append(append([]byte{}, key...), '"'), val.pre...)
				m.openNext = append([]byte{','}, m.open...)
			}
			n.members = append(n.members, m)
			if val.dyn {
				n.dyn = true
				n.opt = n.opt && val.opt
			}
			n.fieldSlots = n.fieldSlots || val.fieldSlots
		default:
			return nil, p.errf(p.i, "a member name (a string) expected")
		}
		p.skip()
		if p.i >= len(p.src) {
			return nil, p.errf(n.pos, "unclosed object")
		}
		switch p.src[p.i] {
		case ',':
			p.i++
			continue
		case '}':
			p.i++
			if !n.dyn {
				return p.literalOf(n)
			}
			return n, nil
		default:
			return nil, p.errf(p.i, "',' or '}' expected")
		}
	}
}

func (p *tparser) array(depth int) (*node, error) {
	n := &node{kind: nodeArray, pos: p.i, opt: true}
	p.i++ // '['
	p.skip()
	if p.i < len(p.src) && p.src[p.i] == ']' {
		p.i++
		return p.literalOf(n)
	}
	for {
		val, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.elems = append(n.elems, val)
		n.dyn = n.dyn || val.dyn
		n.opt = n.opt && val.opt // a literal element is always present
		p.skip()
		if p.i >= len(p.src) {
			return nil, p.errf(n.pos, "unclosed array")
		}
		switch p.src[p.i] {
		case ',':
			p.i++
			continue
		case ']':
			p.i++
		default:
			return nil, p.errf(p.i, "',' or ']' expected")
		}
		break
	}
	for _, e := range n.elems {
		if !e.fieldSlots {
			continue
		}
		if len(n.elems) > 1 {
			return nil, p.errf(n.pos, "an array repeated per field error has that one element only")
		}
		if e.fieldSlotsIn(false) {
			return nil, p.errf(n.pos, "a section inside an array repeated per field error")
		}
		n.section = true
	}
	if !n.dyn {
		return p.literalOf(n)
	}
	return n, nil
}

// fieldSlotsIn reports whether n holds a section of its own (an array
// repeated per field error, or an object keyed by field), which a section
// around n cannot hold, except, inside an object keyed by field (keyed is
// true), an array of the field's messages.
func (n *node) fieldSlotsIn(keyed bool) bool {
	switch n.kind {
	case nodeObject:
		if n.keyed != nil {
			return true
		}
		for _, m := range n.members {
			if m.val.fieldSlotsIn(keyed) {
				return true
			}
		}
	case nodeArray:
		if n.section && !keyed {
			return true
		}
		for _, e := range n.elems {
			if e.kind != nodeLiteral && e.fieldSlotsIn(false) {
				return true
			}
		}
	case nodeAlt:
		for _, a := range n.alts {
			if a.fieldSlotsIn(keyed) {
				return true
			}
		}
	}
	return false
}

// literalOf turns an object or array without placeholders into a literal
// node holding its compact text, escaped as the encoder escapes strings.
func (p *tparser) literalOf(n *node) (*node, error) {
	var compact, out bytes.Buffer
	if err := json.Compact(&compact, []byte(p.src[n.pos:p.i])); err != nil {
		return nil, p.errf(n.pos, "malformed JSON: %v", err)
	}
	json.HTMLEscape(&out, compact.Bytes())
	return &node{kind: nodeLiteral, pos: n.pos, lit: out.Bytes()}, nil
}

// placeExtensions marks the object that holds the error's extension
// members: the one with {{extensions}}, or else the object that holds the
// first {{message}} outside any section, or else the body when it is an
// object.
func (p *tparser) placeExtensions() error {
	if p.extensions != nil {
		if inSection(p.t.root, p.extensions, false) {
			return p.errf(p.extensions.pos, "{{extensions}} cannot be inside a section")
		}
		return nil
	}
	roots := []*node{p.t.root}
	if p.t.root.kind == nodeAlt {
		roots = p.t.root.alts
	}
	for _, root := range roots {
		if obj := holderOf(root, slotMessage); obj != nil {
			obj.extensions = true
		} else if root.kind == nodeObject {
			root.extensions = true
		}
	}
	return nil
}

// holderOf returns the innermost object, outside sections, whose own
// members hold a placeholder of kind k.
func holderOf(n *node, k slotKind) *node {
	switch n.kind {
	case nodeObject:
		for _, m := range n.members {
			v := m.val
			if v.kind == nodeAlt {
				for _, a := range v.alts {
					if (a.kind == nodeSlot || a.kind == nodeString) && a.slot == k {
						return n
					}
				}
			}
			if (v.kind == nodeSlot || v.kind == nodeString) && v.slot == k {
				return n
			}
		}
		for _, m := range n.members {
			if h := holderOf(m.val, k); h != nil {
				return h
			}
		}
	case nodeArray:
		if n.section {
			return nil
		}
		for _, e := range n.elems {
			if h := holderOf(e, k); h != nil {
				return h
			}
		}
	case nodeAlt:
		for _, a := range n.alts {
			if h := holderOf(a, k); h != nil {
				return h
			}
		}
	}
	return nil
}

// inSection reports whether target sits inside a section of n.
func inSection(n, target *node, inside bool) bool {
	if n == target {
		return inside
	}
	switch n.kind {
	case nodeObject:
		if n.keyed != nil && inSection(n.keyed, target, true) {
			return true
		}
		for _, m := range n.members {
			if inSection(m.val, target, inside) {
				return true
			}
		}
	case nodeArray:
		for _, e := range n.elems {
			if inSection(e, target, inside || n.section) {
				return true
			}
		}
	case nodeAlt:
		for _, a := range n.alts {
			if inSection(a, target, inside) {
				return true
			}
		}
	}
	return false
}
