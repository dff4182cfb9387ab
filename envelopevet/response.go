package envelopevet

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"reflect"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/buildssa"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/ssa"
)

// responseOps is the shared first step of the flow checks: it finds, in
// each function of the package's SSA form, every call that writes to a
// ResponseWriter, and says which writer, what kind of write and with what
// constant status. It reports nothing itself.
var responseOps = &analysis.Analyzer{
	Name:       "envelopevetops",
	Doc:        "find the calls that write HTTP responses (shared by the envelopevet checks)",
	Run:        runResponseOps,
	Requires:   []*analysis.Analyzer{buildssa.Analyzer, inspect.Analyzer},
	ResultType: reflect.TypeFor[*opsResult](),
}

// opKind says what a call does to a response.
type opKind uint8

const (
	opHeader    opKind = iota // w.WriteHeader(status)
	opBody                    // a body write the handler composed itself
	opHTTPError               // http.Error or http.NotFound: status and a text body
	opEnvelope                // envelope.Write or an envelope writer's Write
)

// dataKind says how a write's data argument reaches the body.
type dataKind uint8

const (
	dataNone  dataKind = iota
	dataText           // a string or []byte written as is
	dataFmt            // fmt operands: data[0] is the format (nil for Print), data[1] the []any
	dataValue          // a value an encoder serializes
)

// respOp is one call that writes to a response.
type respOp struct {
	kind    opKind
	call    *ssa.Call
	index   int    // position of call in its block
	writer  string // canonical access path of the writer; equal strings, same writer
	exactRW bool   // the writer's static type is http.ResponseWriter
	status  int    // the constant status, 0 when not constant or not a status call
	// quiet is true for body writes that may write nothing when they
	// fail: an encoder marshals before it writes, io.Copy may copy nothing.
	quiet bool
	// empty is true for a body write of a constant empty text (w.Write(nil)).
	empty bool
	name  string // how the call reads in source, for messages
	data  []ssa.Value
	dk    dataKind
}

func (op *respOp) pos() token.Pos { return op.call.Pos() }

// fnOps is the response calls of one function, in block order.
type fnOps struct {
	fn  *ssa.Function
	ops []*respOp
}

// opsResult is responseOps' result.
type opsResult struct {
	env   *env
	funcs []*fnOps
	// calls maps a call's Lparen, which is what an SSA call's Pos is, to
	// the call's syntax, for suggested fixes.
	calls map[token.Pos]inspector.Cursor
}

func runResponseOps(pass *analysis.Pass) (any, error) {
	res := &opsResult{env: newEnv(pass.Pkg), calls: map[token.Pos]inspector.Cursor{}}
	if res.env.rw == nil {
		return res, nil // nothing here can see a ResponseWriter
	}
	ins := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	for c := range ins.Root().Preorder((*ast.CallExpr)(nil)) {
		res.calls[c.Node().(*ast.CallExpr).Lparen] = c
	}
	ssaRes := pass.ResultOf[buildssa.Analyzer].(*buildssa.SSA)
	funcs := ssaRes.SrcFuncs
	// Function literals in package-level variables (var h =
	// envelope.HandlerFunc(func...)) belong to the package initializer,
	// which SrcFuncs leaves out.
	if init := ssaRes.Pkg.Func("init"); init != nil {
		var add func(f *ssa.Function)
		add = func(f *ssa.Function) {
			for _, anon := range f.AnonFuncs {
				funcs = append(funcs, anon)
				add(anon)
			}
		}
		add(init)
	}
	for _, fn := range funcs {
		var f *fnOps
		for _, b := range fn.Blocks {
			for i, instr := range b.Instrs {
				call, ok := instr.(*ssa.Call)
				if !ok {
					continue
				}
				op := res.env.classify(call)
				if op == nil {
					continue
				}
				op.index = i
				if f == nil {
					f = &fnOps{fn: fn}
					res.funcs = append(res.funcs, f)
				}
				f.ops = append(f.ops, op)
			}
		}
	}
	return res, nil
}

// callee returns the function or interface method a call invokes and its
// receiver (nil for a package-level function). Calls of function values
// other than static functions and methods return nil.
func callee(c *ssa.CallCommon) (fn *types.Func, recv ssa.Value, args []ssa.Value) {
	if c.IsInvoke() {
		return c.Method, c.Value, c.Args
	}
	sf := c.StaticCallee()
	if sf == nil {
		return nil, nil, nil
	}
	if o := sf.Origin(); o != nil {
		sf = o
	}
	obj, _ := sf.Object().(*types.Func)
	if obj == nil {
		return nil, nil, nil
	}
	if obj.Type().(*types.Signature).Recv() != nil {
		if len(c.Args) == 0 {
			return nil, nil, nil
		}
		return obj, c.Args[0], c.Args[1:]
	}
	return obj, nil, c.Args
}

// classify returns what call does to a response, or nil.
func (e *env) classify(call *ssa.Call) *respOp {
	fn, recv, args := callee(call.Common())
	if fn == nil {
		return nil
	}
	op := &respOp{call: call}
	if recv != nil {
		// Methods on a ResponseWriter.
		if e.isRW(recv.Type()) {
			sig := fn.Type().(*types.Signature)
			switch {
			case fn.Name() == "WriteHeader" && len(args) == 1 && isInt(sig.Params().At(0).Type()):
				op.kind, op.status, op.data = opHeader, constStatus(args[0]), nil
			case (fn.Name() == "Write" || fn.Name() == "WriteString") && len(args) == 1 &&
				isTextType(sig.Params().At(0).Type()):
				op.kind, op.dk, op.data = opBody, dataText, args
			default:
				return nil
			}
			op.name = "w." + fn.Name()
			return e.withWriter(op, recv)
		}
		// A JSON or XML encoder made on a ResponseWriter.
		if fn.Name() == "Encode" && len(args) == 1 && fn.Pkg() != nil &&
			(fn.Pkg().Path() == "encoding/json" || fn.Pkg().Path() == "encoding/xml") {
			w := encoderWriter(recv)
			if w == nil {
				return nil
			}
			op.kind, op.dk, op.data, op.quiet = opBody, dataValue, args, true
			op.name = strings.TrimPrefix(fn.Pkg().Path(), "encoding/") + ".Encoder.Encode"
			return e.withWriter(op, w)
		}
		if e.isEnvelopeWrite(fn) && len(args) == 3 {
			op.kind, op.name = opEnvelope, "envelope Writer.Write"
			return e.withWriter(op, args[0])
		}
		return nil
	}
	switch {
	case isPkgFunc(fn, "net/http", "Error") && len(args) == 3:
		op.kind, op.status, op.dk, op.data, op.name = opHTTPError, constStatus(args[2]), dataText, args[1:2], "http.Error"
	case isPkgFunc(fn, "net/http", "NotFound") && len(args) == 2:
		op.kind, op.status, op.name = opHTTPError, 404, "http.NotFound"
	case isPkgFunc(fn, "io", "WriteString") && len(args) == 2:
		op.kind, op.dk, op.data, op.name = opBody, dataText, args[1:], "io.WriteString"
	case isPkgFunc(fn, "io", "Copy", "CopyN", "CopyBuffer") && len(args) >= 2:
		op.kind, op.name, op.quiet = opBody, "io."+fn.Name(), true
	case isPkgFunc(fn, "fmt", "Fprint", "Fprintln") && len(args) == 2:
		op.kind, op.dk, op.data, op.name = opBody, dataFmt, []ssa.Value{nil, args[1]}, "fmt."+fn.Name()
	case isPkgFunc(fn, "fmt", "Fprintf") && len(args) == 3:
		op.kind, op.dk, op.data, op.name = opBody, dataFmt, args[1:], "fmt.Fprintf"
	case e.isEnvelopeWrite(fn) && len(args) == 3:
		op.kind, op.name = opEnvelope, "envelope.Write"
	default:
		return nil
	}
	return e.withWriter(op, args[0])
}

// withWriter fills in op's writer from v, or returns nil when v is not a
// ResponseWriter once the conversions to io.Writer are peeled off.
func (e *env) withWriter(op *respOp, v ssa.Value) *respOp {
	v = peel(v)
	if v == nil || !e.isRW(v.Type()) {
		return nil
	}
	if isNilConst(v) {
		return nil
	}
	if op.kind == opBody && op.dk == dataText && isEmptyText(op.data[0]) {
		op.empty = true
	}
	op.writer = accessPath(v, 0)
	op.exactRW = e.isExactRW(v.Type())
	return op
}

// peel removes the conversions between interface types and from a
// concrete type to an interface.
func peel(v ssa.Value) ssa.Value {
	for range 16 {
		switch x := v.(type) {
		case *ssa.MakeInterface:
			v = x.X
		case *ssa.ChangeInterface:
			v = x.X
		case *ssa.ChangeType:
			v = x.X
		default:
			return v
		}
	}
	return v
}

// encoderWriter returns the writer an encoder was made on when it was made
// in this function with json.NewEncoder or xml.NewEncoder.
func encoderWriter(v ssa.Value) ssa.Value {
	call, ok := v.(*ssa.Call)
	if !ok {
		return nil
	}
	fn, recv, args := callee(call.Common())
	if recv != nil || len(args) != 1 ||
		!(isPkgFunc(fn, "encoding/json", "NewEncoder") || isPkgFunc(fn, "encoding/xml", "NewEncoder")) {
		return nil
	}
	return args[0]
}

// accessPath names the storage a writer value was read from, so that two
// reads of c.Writer, or two calls of c.Response(), name the same writer.
// Values that are not reads have their own identity.
func accessPath(v ssa.Value, depth int) string {
	if depth > 8 {
		return fmt.Sprintf("%p", v)
	}
	switch x := v.(type) {
	case *ssa.UnOp:
		if x.Op == token.MUL {
			return "*" + accessPath(x.X, depth+1)
		}
	case *ssa.FieldAddr:
		return accessPath(x.X, depth+1) + fmt.Sprintf(".&%d", x.Field)
	case *ssa.Field:
		return accessPath(x.X, depth+1) + fmt.Sprintf(".%d", x.Field)
	case *ssa.MakeInterface, *ssa.ChangeInterface, *ssa.ChangeType:
		return accessPath(peel(x), depth+1)
	case *ssa.Call:
		// An accessor: a method call with no argument but its receiver.
		fn, recv, args := callee(x.Common())
		if fn != nil && recv != nil && len(args) == 0 {
			return accessPath(recv, depth+1) + "." + fn.Name() + "()"
		}
	}
	return fmt.Sprintf("%p", v)
}

// constStatus returns v's value when it is an integer constant, else 0.
func constStatus(v ssa.Value) int {
	c, ok := v.(*ssa.Const)
	if !ok || c.Value == nil || c.Value.Kind() != constant.Int {
		return 0
	}
	n, ok := constant.Int64Val(c.Value)
	if !ok || n < 100 || n > 999 {
		return 0
	}
	return int(n)
}

func isNilConst(v ssa.Value) bool {
	c, ok := v.(*ssa.Const)
	return ok && c.IsNil()
}

func isInt(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsInteger != 0
}

// isTextType reports whether t is a string or a []byte.
func isTextType(t types.Type) bool {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Info()&types.IsString != 0
	case *types.Slice:
		b, ok := u.Elem().Underlying().(*types.Basic)
		return ok && b.Kind() == types.Byte
	}
	return false
}

func isErrorStatus(s int) bool { return s >= 400 && s <= 599 }

// precedes reports whether a runs before b on every path to b: a's block
// dominates b's, or both share a block and a comes first.
func precedes(a, b *respOp) bool {
	ab, bb := a.call.Block(), b.call.Block()
	if ab == bb {
		return a.index < b.index
	}
	return ab.Dominates(bb)
}

// reaches reports whether b can run after a: some path leads from a to b.
func reaches(a, b *respOp) bool {
	ab, bb := a.call.Block(), b.call.Block()
	if ab == bb && a.index < b.index {
		return true
	}
	seen := map[*ssa.BasicBlock]bool{}
	stack := append([]*ssa.BasicBlock(nil), ab.Succs...)
	for len(stack) > 0 {
		blk := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if blk == bb {
			return true
		}
		if seen[blk] {
			continue
		}
		seen[blk] = true
		stack = append(stack, blk.Succs...)
	}
	return false
}

// line returns pos's line, for messages that point at an earlier call.
func line(pass *analysis.Pass, pos token.Pos) int {
	return pass.Fset.Position(pos).Line
}

// callOf returns the syntax of op's call, or nil.
func (r *opsResult) callOf(op *respOp) *ast.CallExpr {
	if c, ok := r.calls[op.pos()]; ok {
		return c.Node().(*ast.CallExpr)
	}
	return nil
}

// start returns where op's call begins in the source (its Lparen when the
// syntax is not at hand).
func (r *opsResult) start(op *respOp) token.Pos {
	if c := r.callOf(op); c != nil {
		return c.Pos()
	}
	return op.pos()
}

// isEmptyText reports whether v is a constant empty string or []byte.
func isEmptyText(v ssa.Value) bool {
	if cv, ok := v.(*ssa.Convert); ok {
		v = cv.X
	}
	c, ok := v.(*ssa.Const)
	if !ok {
		return false
	}
	if c.IsNil() {
		return true
	}
	return c.Value != nil && c.Value.Kind() == constant.String && constant.StringVal(c.Value) == ""
}
