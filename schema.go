package envelope

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
)

// Schema returns a JSON Schema (draft 2020-12) of f's error bodies, derived
// from its Body: every member with its type and meaning, the ones always
// present required, field errors as the maps or lists the Body lays out,
// alternatives as anyOf and literals as const. It describes the shape, not
// every code: an example shows how the format spells not_found. It has no
// "$schema" or "$id", so that it can sit inside an OpenAPI 3.1 document's
// components as it is; the generated documents in docs/schemas add them.
// It fails when f is invalid (see [NewWriter]).
func (f Format) Schema() ([]byte, error) {
	cf, err := compileFormat(f, nil)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	w := schemaWriter{cf: cf, b: &b}
	b.WriteString(`{"title":`)
	w.str(cf.name + " error body")
	b.WriteString(`,"description":`)
	w.str("Error bodies of the " + cf.name + " format, served as " + cf.mediaType + ".")
	b.WriteByte(',')
	w.inner(cf.t.root)
	b.WriteByte('}')
	var out bytes.Buffer
	if err := json.Indent(&out, b.Bytes(), "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

type schemaWriter struct {
	cf *compiledFormat
	b  *bytes.Buffer
	// inField is set inside an element repeated per field error that is
	// dropped when there is no field: a field's path, pointer and message
	// are then always there.
	inField bool
}

// opt reports whether n may be absent where the writer stands.
func (w *schemaWriter) opt(n *node) bool {
	switch n.kind {
	case nodeSlot, nodeString:
		if w.inField {
			switch n.slot {
			case slotField, slotFieldPointer, slotFieldMessage:
				return false
			}
		}
		return n.opt
	case nodeAlt:
		return w.opt(n.alts[len(n.alts)-1])
	case nodeObject:
		if !n.opt {
			return false
		}
		for _, m := range n.members {
			if m.val.dyn && !w.opt(m.val) {
				return false
			}
		}
		return true
	}
	return n.opt
}

func (w *schemaWriter) str(s string) { w.b.Write(appendJSONString(nil, s)) }

// node writes the schema of n as an object.
func (w *schemaWriter) node(n *node) {
	w.b.WriteByte('{')
	w.inner(n)
	w.b.WriteByte('}')
}

// inner writes the members of n's schema, without braces.
func (w *schemaWriter) inner(n *node) {
	b := w.b
	switch n.kind {
	case nodeLiteral:
		b.WriteString(`"const":`)
		b.Write(n.lit)
	case nodeAlt:
		b.WriteString(`"anyOf":[`)
		for i, a := range n.alts {
			if i > 0 {
				b.WriteByte(',')
			}
			w.node(a)
		}
		b.WriteByte(']')
	case nodeObject:
		b.WriteString(`"type":"object"`)
		if n.keyed != nil {
			b.WriteString(`,"description":"Field errors by field path.","additionalProperties":`)
			saved := w.inField
			w.inField = true
			w.node(n.keyed)
			w.inField = saved
			return
		}
		b.WriteString(`,"properties":{`)
		var required, dynamic []string
		for i, m := range n.members {
			if i > 0 {
				b.WriteByte(',')
			}
			w.str(m.name)
			b.WriteByte(':')
			w.node(m.val)
			switch {
			case !w.opt(m.val):
				required = append(required, m.name)
			case m.val.dyn:
				dynamic = append(dynamic, m.name)
			}
		}
		b.WriteByte('}')
		if len(required) == 0 && len(dynamic) == 1 {
			// An object that is there only when its one placeholder
			// member is.
			required = dynamic
		}
		if len(required) > 0 {
			b.WriteString(`,"required":[`)
			for i, r := range required {
				if i > 0 {
					b.WriteByte(',')
				}
				w.str(r)
			}
			b.WriteByte(']')
		}
		if n.extensions {
			b.WriteString(`,"additionalProperties":{"description":"Extension members the error adds; they never take the name of a member above."}`)
		}
	case nodeArray:
		b.WriteString(`"type":"array"`)
		if n.section {
			b.WriteString(`,"description":"One item per field error.","items":`)
			saved := w.inField
			w.inField = w.opt(n.elems[0]) || w.inField
			w.node(n.elems[0])
			w.inField = saved
			return
		}
		b.WriteString(`,"prefixItems":[`)
		for i, e := range n.elems {
			if i > 0 {
				b.WriteByte(',')
			}
			w.node(e)
		}
		b.WriteByte(']')
	case nodeSlot, nodeString:
		w.slot(n)
	}
}

// slot writes the schema of a placeholder's value.
func (w *schemaWriter) slot(n *node) {
	b := w.b
	typ, desc, format, pattern := "string", "", "", ""
	switch n.slot {
	case slotCode:
		desc = "Stable machine-readable code; branch on it."
		if n.kind == nodeSlot {
			typ = "integer"
		} else {
			pattern = w.codePattern(n)
		}
	case slotStatus:
		desc = "The HTTP status of the response."
		if n.kind == nodeSlot {
			b.WriteString(`"type":"integer","minimum":400,"maximum":599,"description":`)
			w.str(desc)
			return
		}
		pattern = "^" + regexp.QuoteMeta(n.prefix) + "[45][0-9]{2}" + regexp.QuoteMeta(n.suffix) + "$"
	case slotMessage:
		desc = "Human-readable message, safe to show; may change."
	case slotTitle:
		desc = "Short summary of the problem type (RFC 9457 §3.1.3)."
	case slotRequestID:
		desc = "Request ID; quote it when reporting a problem."
	case slotInstance:
		desc, format = "The request path (RFC 9457 §3.1.5).", "uri-reference"
	case slotDetails:
		b.WriteString(`"description":"Structured details of the error: any JSON value."`)
		return
	case slotAttr:
		desc = "The code's " + strconv.Quote(n.attr) + " attribute."
		if n.attr == "type" {
			desc, format = "Problem type URI (RFC 9457 §3.1.1).", "uri-reference"
		}
	case slotField:
		desc = "The field's path as the client sent it, such as items[2].sku."
	case slotFieldPointer:
		desc = "The field as a JSON Pointer (RFC 6901)."
	case slotFieldCode:
		desc = "A machine code for the field's problem."
	case slotFieldMessage:
		desc = "The field's problem, safe to show."
	case slotFieldAttr:
		desc = "The field error's " + strconv.Quote(n.attr) + " attribute."
	}
	b.WriteString(`"type":`)
	w.str(typ)
	if format != "" && n.prefix == "" && n.suffix == "" {
		b.WriteString(`,"format":`)
		w.str(format)
	}
	if pattern != "" {
		b.WriteString(`,"pattern":`)
		w.str(pattern)
	}
	b.WriteString(`,"description":`)
	w.str(desc)
	if n.slot == slotCode {
		b.WriteString(`,"examples":[`)
		ex := w.cf.entries[CodeNotFound].wire[n.codeSlot]
		if n.kind == nodeSlot {
			b.Write(ex)
		} else {
			b.WriteByte('"')
			b.Write(n.pre)
			b.Write(ex)
			b.Write(n.suf)
			b.WriteByte('"')
		}
		b.WriteByte(']')
	}
}

// codePattern returns a pattern that every spelling of the code slot n
// matches, known codes and codes spelled by its filter alike, or "" when
// the format spells some code outside the filter's alphabet.
func (w *schemaWriter) codePattern(n *node) string {
	var word string
	switch n.filter {
	case filterNone:
		word = "[a-z][a-z0-9_]*"
	case filterUpper:
		word = "[A-Z][A-Z0-9_]*"
	case filterPascal:
		word = "[A-Z][A-Za-z0-9]*"
	case filterCamel:
		word = "[a-z][A-Za-z0-9]*"
	case filterKebab:
		word = "[a-z][a-z0-9-]*"
	}
	re := regexp.MustCompile("^" + word + "$")
	for _, info := range w.cf.codes.list {
		if !re.MatchString(w.cf.wireText(info.Code, n.codeSlot)) {
			return ""
		}
	}
	return "^" + regexp.QuoteMeta(n.prefix) + word + regexp.QuoteMeta(n.suffix) + "$"
}
