package envelope

import (
	"bytes"
	"encoding/json"
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
			w.node(n.keyed)
			return
		}
		b.WriteString(`,"properties":{`)
		var required []string
		for i, m := range n.members {
			if i > 0 {
				b.WriteByte(',')
			}
			w.str(m.name)
			b.WriteByte(':')
			w.node(m.val)
			if !m.val.opt {
				required = append(required, m.name)
			}
		}
		b.WriteByte('}')
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
			w.node(n.elems[0])
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
	typ, desc, format := "string", "", ""
	switch n.slot {
	case slotCode:
		desc = "Stable machine-readable code; branch on it."
		if n.kind == nodeSlot {
			typ = "integer"
		}
	case slotStatus:
		desc = "The HTTP status of the response."
		if n.kind == nodeSlot {
			b.WriteString(`"type":"integer","minimum":400,"maximum":599,"description":`)
			w.str(desc)
			return
		}
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
