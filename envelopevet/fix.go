package envelopevet

import (
	"bytes"
	"go/ast"
	"go/printer"
	"go/token"
	"go/types"
	"strconv"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
)

// statusCodes maps the statuses that have a built-in code to the code's
// constant and constructor, for fixes that turn a status into an envelope.
// 405 is left out on purpose: its constructor needs the allowed methods.
var statusCodes = map[int]struct{ code, ctor string }{
	400: {"CodeInvalidRequest", "InvalidRequest"},
	401: {"CodeUnauthorized", "Unauthorized"},
	402: {"CodePaymentRequired", "PaymentRequired"},
	403: {"CodeForbidden", "Forbidden"},
	404: {"CodeNotFound", "NotFound"},
	406: {"CodeNotAcceptable", "NotAcceptable"},
	409: {"CodeConflict", "Conflict"},
	410: {"CodeGone", "Gone"},
	412: {"CodePreconditionFailed", "PreconditionFailed"},
	413: {"CodePayloadTooLarge", "PayloadTooLarge"},
	415: {"CodeUnsupportedMediaType", "UnsupportedMediaType"},
	422: {"CodeUnprocessable", "Unprocessable"},
	429: {"CodeRateLimited", "RateLimited"},
	500: {"CodeInternal", "Internal"},
	501: {"CodeNotImplemented", "NotImplemented"},
	502: {"CodeBadGateway", "BadGateway"},
	503: {"CodeUnavailable", "Unavailable"},
	504: {"CodeTimeout", "Timeout"},
}

// handler is a function with the handler shape that encloses a call.
type handler struct {
	node         ast.Node // *ast.FuncDecl or *ast.FuncLit
	w, r         *types.Var
	returnsError bool
}

// enclosingHandler returns the innermost function around cur that has the
// handler shape and whose ResponseWriter parameter is what wArg names,
// walking out through function literals (a closure inside a handler still
// holds the handler's writer). It returns nil when there is none.
func enclosingHandler(pass *analysis.Pass, e *env, cur inspector.Cursor, wArg ast.Expr) *handler {
	id, ok := ast.Unparen(wArg).(*ast.Ident)
	if !ok {
		return nil
	}
	obj := pass.TypesInfo.Uses[id]
	for c := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		sig := funcSig(pass, c.Node())
		ok, retErr := e.handlerShape(sig)
		if !ok {
			continue
		}
		if sig.Params().At(0) != obj {
			continue
		}
		return &handler{node: c.Node(), w: sig.Params().At(0), r: sig.Params().At(1), returnsError: retErr}
	}
	return nil
}

// innermostFunc returns the signature and node of the function around cur.
func innermostFunc(pass *analysis.Pass, cur inspector.Cursor) (*types.Signature, ast.Node) {
	for c := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		return funcSig(pass, c.Node()), c.Node()
	}
	return nil, nil
}

func funcSig(pass *analysis.Pass, n ast.Node) *types.Signature {
	switch n := n.(type) {
	case *ast.FuncDecl:
		if fn, ok := pass.TypesInfo.Defs[n.Name].(*types.Func); ok {
			return fn.Type().(*types.Signature)
		}
	case *ast.FuncLit:
		sig, _ := pass.TypesInfo.TypeOf(n).(*types.Signature)
		return sig
	}
	return nil
}

// visibleAs reports whether name, used at pos, refers to obj.
func visibleAs(pass *analysis.Pass, pos token.Pos, name string, obj types.Object) bool {
	s := pass.Pkg.Scope().Innermost(pos)
	if s == nil {
		return false
	}
	_, o := s.LookupParent(name, pos)
	return o == obj
}

// envelopeName returns the name under which file refers to the envelope
// package at pos, and the edits that add its import when the file lacks
// one. ok is false when no safe name exists (a dot or blank import, or
// another object called envelope in scope).
func envelopeName(pass *analysis.Pass, file *ast.File, pos token.Pos) (name string, edits []analysis.TextEdit, ok bool) {
	for _, spec := range file.Imports {
		path, err := strconv.Unquote(spec.Path.Value)
		if err != nil || path != envelopePath {
			continue
		}
		var pn *types.PkgName
		if spec.Name != nil {
			pn, _ = pass.TypesInfo.Defs[spec.Name].(*types.PkgName)
		} else {
			pn, _ = pass.TypesInfo.Implicits[spec].(*types.PkgName)
		}
		if pn == nil || pn.Name() == "_" || pn.Name() == "." || !visibleAs(pass, pos, pn.Name(), pn) {
			return "", nil, false
		}
		return pn.Name(), nil, true
	}
	if s := pass.Pkg.Scope().Innermost(pos); s != nil {
		if _, o := s.LookupParent("envelope", pos); o != nil {
			return "", nil, false
		}
	}
	for _, d := range file.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			continue
		}
		if gd.Lparen.IsValid() {
			return "envelope", []analysis.TextEdit{{
				Pos: gd.Rparen, End: gd.Rparen,
				NewText: []byte("\n\t\"" + envelopePath + "\"\n"),
			}}, true
		}
		return "envelope", []analysis.TextEdit{{
			Pos: gd.End(), End: gd.End(),
			NewText: []byte("\n\nimport \"" + envelopePath + "\""),
		}}, true
	}
	return "", nil, false
}

// fileOf returns the file of pass that holds pos.
func fileOf(pass *analysis.Pass, pos token.Pos) *ast.File {
	for _, f := range pass.Files {
		if f.FileStart <= pos && pos < f.FileEnd {
			return f
		}
	}
	return nil
}

// exprText prints an expression as gofmt would.
func exprText(fset *token.FileSet, x ast.Expr) string {
	var b bytes.Buffer
	if err := printer.Fprint(&b, fset, x); err != nil {
		return ""
	}
	return b.String()
}

// errorTextOf returns X when x is X.Error() for an error X that can be
// evaluated again without side effects (a name or a field path).
func errorTextOf(pass *analysis.Pass, e *env, x ast.Expr) ast.Expr {
	call, ok := ast.Unparen(x).(*ast.CallExpr)
	if !ok || len(call.Args) != 0 {
		return nil
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Error" || !e.isError(pass.TypesInfo.TypeOf(sel.X)) || !isPath(sel.X) {
		return nil
	}
	return sel.X
}

// isPath reports whether x is a name or a chain of field selections.
func isPath(x ast.Expr) bool {
	switch x := ast.Unparen(x).(type) {
	case *ast.Ident:
		return true
	case *ast.SelectorExpr:
		return isPath(x.X)
	}
	return false
}

// httpErrorFix returns the fix that turns an http.Error or http.NotFound
// call inside handler h into envelope.Write, or nil when none is
// mechanical. leaks says whether the message carries error text: then
// only the err.Error() form has a fix, which keeps err as the cause.
func httpErrorFix(pass *analysis.Pass, e *env, op *respOp, call *ast.CallExpr, h *handler, leaks bool) []analysis.SuggestedFix {
	if h == nil || h.r.Name() == "" || h.r.Name() == "_" || !visibleAs(pass, call.Pos(), h.r.Name(), h.r) {
		return nil
	}
	file := fileOf(pass, call.Pos())
	if file == nil {
		return nil
	}
	pkg, imp, ok := envelopeName(pass, file, call.Pos())
	if !ok {
		return nil
	}
	sc, known := statusCodes[op.status]
	var arg string
	switch {
	case op.name == "http.NotFound":
		arg = pkg + ".NotFound(\"\")"
	case len(call.Args) != 3:
		return nil
	case errorTextOf(pass, e, call.Args[1]) != nil:
		x := errorTextOf(pass, e, call.Args[1])
		errX := exprText(pass.Fset, x)
		switch {
		case op.status == 500 || e.isAPIErrorPtr(pass.TypesInfo.TypeOf(x)):
			// An *APIError carries its own status.
			arg = errX
		case known:
			arg = pkg + ".Wrap(" + errX + ", " + pkg + "." + sc.code + ", \"\")"
		default:
			return nil
		}
	case leaks || !known:
		return nil
	default:
		arg = pkg + "." + sc.ctor + "(" + exprText(pass.Fset, call.Args[1]) + ")"
	}
	w := exprText(pass.Fset, call.Args[0])
	text := pkg + ".Write(" + w + ", " + h.r.Name() + ", " + arg + ")"
	edits := append([]analysis.TextEdit{{Pos: call.Pos(), End: call.End(), NewText: []byte(text)}}, imp...)
	return []analysis.SuggestedFix{{Message: "Write the error with envelope.Write", TextEdits: edits}}
}
