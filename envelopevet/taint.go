package envelopevet

import (
	"go/constant"
	"go/token"
	"go/types"
	"unicode/utf8"

	"golang.org/x/tools/go/ssa"
)

// tracer follows, within one function, where a value came from, to tell
// whether it may carry an error's text. It answers with the position of
// the source (the Error call or the formatting call), or token.NoPos.
type tracer struct {
	env  *env
	text map[ssa.Value]token.Pos // memo of textOf; NoPos while in progress
	deep map[ssa.Value]token.Pos // memo of deepOf
}

func newTracer(e *env) *tracer {
	return &tracer{env: e, text: map[ssa.Value]token.Pos{}, deep: map[ssa.Value]token.Pos{}}
}

// maxDepth bounds how far back a value is followed.
const maxDepth = 24

// passThrough lists the packages whose string and []byte functions carry
// their arguments' text into their results (strings.ToUpper,
// strconv.Quote, html.EscapeString, ...).
var passThrough = map[string]bool{
	"strings": true, "bytes": true, "strconv": true, "html": true,
	"html/template": true, "text/template": true, "net/url": true,
}

// textOf reports whether the string or []byte v may hold an error's text.
func (t *tracer) textOf(v ssa.Value, depth int) token.Pos {
	if v == nil || depth > maxDepth {
		return token.NoPos
	}
	if p, ok := t.text[v]; ok {
		return p
	}
	t.text[v] = token.NoPos // breaks cycles through phis
	p := t.textOf1(v, depth)
	t.text[v] = p
	return p
}

func (t *tracer) textOf1(v ssa.Value, depth int) token.Pos {
	switch x := v.(type) {
	case *ssa.Call:
		return t.callText(x, depth)
	case *ssa.Extract:
		if call, ok := x.Tuple.(*ssa.Call); ok && x.Index == 0 {
			fn, recv, args := callee(call.Common())
			if recv == nil && len(args) >= 1 && isPkgFunc(fn, "encoding/json", "Marshal", "MarshalIndent") {
				return t.deepOf(args[0], depth+1)
			}
		}
	case *ssa.BinOp:
		if x.Op == token.ADD {
			if p := t.textOf(x.X, depth+1); p.IsValid() {
				return p
			}
			return t.textOf(x.Y, depth+1)
		}
	case *ssa.Convert:
		return t.textOf(x.X, depth+1)
	case *ssa.ChangeType:
		return t.textOf(x.X, depth+1)
	case *ssa.MakeInterface:
		return t.textOf(x.X, depth+1)
	case *ssa.ChangeInterface:
		return t.textOf(x.X, depth+1)
	case *ssa.TypeAssert:
		return t.textOf(x.X, depth+1)
	case *ssa.Slice:
		if isTextType(x.X.Type()) {
			return t.textOf(x.X, depth+1)
		}
	case *ssa.Phi:
		for _, e := range x.Edges {
			if p := t.textOf(e, depth+1); p.IsValid() {
				return p
			}
		}
	case *ssa.UnOp:
		if x.Op == token.MUL {
			return t.storedText(x.X, depth+1, t.textOf)
		}
	}
	return token.NoPos
}

// callText handles a call whose result is text: an Error method, a fmt
// Sprint function, or a text function of a passThrough package.
func (t *tracer) callText(call *ssa.Call, depth int) token.Pos {
	c := call.Common()
	fn, recv, args := callee(c)
	if fn == nil {
		return token.NoPos
	}
	if recv != nil {
		if fn.Name() == "Error" && len(args) == 0 && t.env.isError(recv.Type()) {
			return call.Pos()
		}
		return token.NoPos
	}
	switch {
	case isPkgFunc(fn, "fmt", "Sprint", "Sprintln") && len(args) == 1:
		return t.fmtText(call.Pos(), nil, args[0], depth)
	case isPkgFunc(fn, "fmt", "Sprintf") && len(args) == 2:
		return t.fmtText(call.Pos(), args[0], args[1], depth)
	case isPkgFunc(fn, "fmt", "Append", "Appendln") && len(args) == 2:
		if p := t.textOf(args[0], depth+1); p.IsValid() {
			return p
		}
		return t.fmtText(call.Pos(), nil, args[1], depth)
	case isPkgFunc(fn, "fmt", "Appendf") && len(args) == 3:
		if p := t.textOf(args[0], depth+1); p.IsValid() {
			return p
		}
		return t.fmtText(call.Pos(), args[1], args[2], depth)
	case fn.Pkg() != nil && passThrough[fn.Pkg().Path()]:
		sig := fn.Type().(*types.Signature)
		if sig.Results().Len() == 0 || !isTextType(sig.Results().At(0).Type()) {
			return token.NoPos
		}
		for _, a := range args {
			if isTextType(a.Type()) {
				if p := t.textOf(a, depth+1); p.IsValid() {
					return p
				}
			}
		}
	}
	return token.NoPos
}

// storedText follows a load from addr to the stores into the same place
// (a local that a closure shares, a struct field, an array element). It
// does not order the stores: any store of error text counts.
func (t *tracer) storedText(addr ssa.Value, depth int, of func(ssa.Value, int) token.Pos) token.Pos {
	if depth > maxDepth {
		return token.NoPos
	}
	var base ssa.Value
	field := -1
	switch a := addr.(type) {
	case *ssa.Alloc:
		base = a
	case *ssa.FieldAddr:
		base, field = a.X, a.Field
	default:
		return token.NoPos
	}
	refs := base.Referrers()
	if refs == nil {
		return token.NoPos
	}
	for _, r := range *refs {
		switch r := r.(type) {
		case *ssa.Store:
			if field < 0 && r.Addr == base {
				if p := of(r.Val, depth+1); p.IsValid() {
					return p
				}
			}
		case *ssa.FieldAddr:
			if field >= 0 && r.Field == field {
				if p := t.storesInto(r, depth+1, of); p.IsValid() {
					return p
				}
			}
		}
	}
	return token.NoPos
}

// storesInto checks the values stored at exactly addr.
func (t *tracer) storesInto(addr ssa.Value, depth int, of func(ssa.Value, int) token.Pos) token.Pos {
	refs := addr.Referrers()
	if refs == nil {
		return token.NoPos
	}
	for _, r := range *refs {
		if s, ok := r.(*ssa.Store); ok && s.Addr == addr {
			if p := of(s.Val, depth+1); p.IsValid() {
				return p
			}
		}
	}
	return token.NoPos
}

// deepOf reports whether a value that an encoder serializes, or fmt
// prints, may hold an error's text anywhere inside it: a string, or a
// map, struct, slice or array built in this function with such a string
// in it. An error value itself is not text here: JSON encodes the usual
// error types as {}.
func (t *tracer) deepOf(v ssa.Value, depth int) token.Pos {
	if v == nil || depth > maxDepth {
		return token.NoPos
	}
	if p, ok := t.deep[v]; ok {
		return p
	}
	t.deep[v] = token.NoPos
	p := t.deepOf1(v, depth)
	t.deep[v] = p
	return p
}

func (t *tracer) deepOf1(v ssa.Value, depth int) token.Pos {
	if isTextType(v.Type()) {
		return t.textOf(v, depth)
	}
	switch x := v.(type) {
	case *ssa.MakeInterface:
		return t.deepOf(x.X, depth+1)
	case *ssa.ChangeInterface:
		return t.deepOf(x.X, depth+1)
	case *ssa.ChangeType:
		return t.deepOf(x.X, depth+1)
	case *ssa.Convert:
		return t.deepOf(x.X, depth+1)
	case *ssa.Phi:
		for _, e := range x.Edges {
			if p := t.deepOf(e, depth+1); p.IsValid() {
				return p
			}
		}
	case *ssa.UnOp:
		if x.Op == token.MUL {
			return t.deepAt(x.X, depth+1)
		}
	case *ssa.Alloc, *ssa.FieldAddr, *ssa.IndexAddr:
		return t.deepAt(x, depth+1)
	case *ssa.Slice:
		return t.deepAt(x.X, depth+1)
	case *ssa.MakeSlice:
		return t.deepAt(x, depth+1)
	case *ssa.MakeMap:
		if refs := x.Referrers(); refs != nil {
			for _, r := range *refs {
				if u, ok := r.(*ssa.MapUpdate); ok && u.Map == x {
					if p := t.deepOf(u.Value, depth+1); p.IsValid() {
						return p
					}
					if p := t.deepOf(u.Key, depth+1); p.IsValid() {
						return p
					}
				}
			}
		}
	}
	return token.NoPos
}

// deepAt checks everything stored at or below the address addr.
func (t *tracer) deepAt(addr ssa.Value, depth int) token.Pos {
	if depth > maxDepth {
		return token.NoPos
	}
	switch addr.(type) {
	case *ssa.Alloc, *ssa.FieldAddr, *ssa.IndexAddr, *ssa.MakeSlice:
	default:
		return token.NoPos
	}
	refs := addr.Referrers()
	if refs == nil {
		return token.NoPos
	}
	for _, r := range *refs {
		switch r := r.(type) {
		case *ssa.Store:
			if r.Addr == addr {
				if p := t.deepOf(r.Val, depth+1); p.IsValid() {
					return p
				}
			}
		case *ssa.FieldAddr:
			if p := t.deepAt(r, depth+1); p.IsValid() {
				return p
			}
		case *ssa.IndexAddr:
			if p := t.deepAt(r, depth+1); p.IsValid() {
				return p
			}
		}
	}
	return token.NoPos
}

// fmtText reports whether formatting the operands in the []any slice args
// with format (nil for the Print functions) may print an error's text: an
// operand that is error text, holds it, or is an error printed with any
// verb but %T and %p.
func (t *tracer) fmtText(pos token.Pos, format, args ssa.Value, depth int) token.Pos {
	ops := fmtOperands(args)
	if ops == nil {
		return token.NoPos
	}
	quiet := map[int]bool{} // operands printed only with %T or %p
	if format != nil {
		if c, ok := format.(*ssa.Const); ok && c.Value != nil && c.Value.Kind() == constant.String {
			quiet = quietOperands(constant.StringVal(c.Value), len(ops))
		}
	}
	for i, x := range ops {
		if x == nil || quiet[i] {
			continue
		}
		if t.env.isError(x.Type()) && !isNilConst(x) {
			return pos
		}
		if p := t.deepOf(x, depth+1); p.IsValid() {
			return p
		}
	}
	return token.NoPos
}

// fmtOperands returns the values a variadic ...any argument was built
// from, by index, with the interface conversion peeled off; nil when the
// slice was not built in place (a slice passed on with args...).
func fmtOperands(args ssa.Value) []ssa.Value {
	s, ok := args.(*ssa.Slice)
	if !ok {
		return nil
	}
	arr, ok := s.X.(*ssa.Alloc)
	if !ok {
		return nil
	}
	at, ok := arr.Type().(*types.Pointer).Elem().Underlying().(*types.Array)
	if !ok || at.Len() > 64 {
		return nil
	}
	ops := make([]ssa.Value, at.Len())
	for _, r := range *arr.Referrers() {
		ia, ok := r.(*ssa.IndexAddr)
		if !ok {
			continue
		}
		c, ok := ia.Index.(*ssa.Const)
		if !ok {
			continue
		}
		i, ok := constant.Int64Val(constant.ToInt(c.Value))
		if !ok || i < 0 || int(i) >= len(ops) {
			continue
		}
		for _, rr := range *ia.Referrers() {
			if st, ok := rr.(*ssa.Store); ok && st.Addr == ia {
				ops[i] = peel(st.Val)
			}
		}
	}
	return ops
}

// quietOperands parses a constant format and returns the operands that
// only %T or %p verbs print (their text never shows). Explicit argument
// indexes make it give up and call no operand quiet.
func quietOperands(format string, n int) map[int]bool {
	verbs := make([][]rune, n)
	arg := 0
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		// flags, width, precision
		for i < len(format) && (format[i] == '+' || format[i] == '-' || format[i] == '#' ||
			format[i] == ' ' || format[i] == '0' || format[i] == '.' || format[i] == '*' ||
			(format[i] >= '1' && format[i] <= '9')) {
			if format[i] == '*' {
				arg++ // the width or precision operand
			}
			i++
		}
		if i >= len(format) {
			break
		}
		if format[i] == '[' {
			return map[int]bool{}
		}
		r, size := utf8.DecodeRuneInString(format[i:])
		i += size - 1
		if r == '%' {
			continue
		}
		if arg < n {
			verbs[arg] = append(verbs[arg], r)
		}
		arg++
	}
	quiet := map[int]bool{}
	for i, vs := range verbs {
		if len(vs) == 0 {
			continue // an extra operand is printed as %!(EXTRA ...)
		}
		q := true
		for _, r := range vs {
			if r != 'T' && r != 'p' {
				q = false
			}
		}
		quiet[i] = q
	}
	return quiet
}
