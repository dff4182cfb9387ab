package envelopevet

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
)

// HandlerPanic reports panic(err), for an error err, directly inside a
// handler that returns an error: a func(http.ResponseWriter,
// *http.Request) error, the shape of envelope.HandlerFunc. Returning the
// error renders it as its envelope (its code, status and public message);
// a panic turns it into a generic 500 at best, and with no recovery
// middleware, into a dropped connection. panic(http.ErrAbortHandler),
// which aborts a response on purpose, is not reported, nor are panics in
// closures inside the handler (a goroutine cannot return the handler's
// error).
//
// It suggests return err in place of the panic.
var HandlerPanic = &analysis.Analyzer{
	Name:     "handlerpanic",
	Doc:      "report panic(err) in a handler that can return the error instead",
	URL:      "https://pkg.go.dev/github.com/apienvelope/envelope/envelopevet#HandlerPanic",
	Run:      runHandlerPanic,
	Requires: []*analysis.Analyzer{inspect.Analyzer},
}

func runHandlerPanic(pass *analysis.Pass) (any, error) {
	e := newEnv(pass.Pkg)
	if e.rw == nil {
		return nil, nil
	}
	ins := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	for c := range ins.Root().Preorder((*ast.CallExpr)(nil)) {
		call := c.Node().(*ast.CallExpr)
		id, ok := ast.Unparen(call.Fun).(*ast.Ident)
		if !ok || len(call.Args) != 1 {
			continue
		}
		if b, ok := pass.TypesInfo.Uses[id].(*types.Builtin); !ok || b.Name() != "panic" {
			continue
		}
		arg := call.Args[0]
		if !e.isError(pass.TypesInfo.TypeOf(arg)) || isAbortHandler(pass, arg) {
			continue
		}
		sig, _ := innermostFunc(pass, c)
		if ok, retErr := e.handlerShape(sig); !ok || !retErr {
			continue
		}
		d := analysis.Diagnostic{
			Pos:      call.Pos(),
			End:      call.End(),
			Category: "handlerpanic",
			Message:  "panic with an error in a handler that returns one: return the error, so that it renders as its envelope",
		}
		if _, ok := c.Parent().Node().(*ast.ExprStmt); ok {
			d.SuggestedFixes = []analysis.SuggestedFix{{
				Message: "Return the error",
				TextEdits: []analysis.TextEdit{{
					Pos: call.Pos(), End: call.End(),
					NewText: []byte("return " + exprText(pass.Fset, arg)),
				}},
			}}
		}
		pass.Report(d)
	}
	return nil, nil
}

// isAbortHandler reports whether x names http.ErrAbortHandler.
func isAbortHandler(pass *analysis.Pass, x ast.Expr) bool {
	var id *ast.Ident
	switch x := ast.Unparen(x).(type) {
	case *ast.Ident:
		id = x
	case *ast.SelectorExpr:
		id = x.Sel
	default:
		return false
	}
	v, ok := pass.TypesInfo.Uses[id].(*types.Var)
	return ok && v.Pkg() != nil && v.Pkg().Path() == "net/http" && v.Name() == "ErrAbortHandler"
}
