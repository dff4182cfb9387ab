package envelopevet

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// DroppedWith reports a dropped result of an *envelope.APIError method
// whose name starts with With and that returns an *envelope.APIError
// (WithField, WithHeader, WithCause, ...). An APIError is immutable: the
// method returns a changed copy and leaves its receiver alone, so a call
// whose result is unused (an expression statement, an assignment to _, a
// defer or go statement) does nothing.
//
// When the chain starts at a local variable it suggests assigning the
// result back to it: e = e.WithField(...).
var DroppedWith = &analysis.Analyzer{
	Name:     "droppedwith",
	Doc:      "report a dropped result of an APIError With* method (APIError is immutable)",
	URL:      "https://pkg.go.dev/github.com/apienvelope/envelope/envelopevet#DroppedWith",
	Run:      runDroppedWith,
	Requires: []*analysis.Analyzer{inspect.Analyzer},
}

func runDroppedWith(pass *analysis.Pass) (any, error) {
	e := newEnv(pass.Pkg)
	if e.apiError == nil {
		return nil, nil
	}
	ins := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	filter := []ast.Node{(*ast.ExprStmt)(nil), (*ast.AssignStmt)(nil), (*ast.DeferStmt)(nil), (*ast.GoStmt)(nil)}
	ins.Preorder(filter, func(n ast.Node) {
		var call *ast.CallExpr
		var blank *ast.Ident // the _ of _ = e.WithX()
		switch n := n.(type) {
		case *ast.ExprStmt:
			call, _ = ast.Unparen(n.X).(*ast.CallExpr)
		case *ast.AssignStmt:
			if len(n.Lhs) != 1 || len(n.Rhs) != 1 {
				return
			}
			if id, ok := n.Lhs[0].(*ast.Ident); ok && id.Name == "_" {
				blank = id
				call, _ = ast.Unparen(n.Rhs[0]).(*ast.CallExpr)
			}
		case *ast.DeferStmt:
			call = n.Call
		case *ast.GoStmt:
			call = n.Call
		}
		if call == nil {
			return
		}
		fn, _ := typeutil.Callee(pass.TypesInfo, call).(*types.Func)
		if !e.isWithMethod(fn) {
			return
		}
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok {
			return
		}
		d := analysis.Diagnostic{
			Pos:      call.Pos(),
			End:      call.End(),
			Category: "droppedwith",
			Message: "result of " + fn.Name() + " is dropped: APIError is immutable and " + fn.Name() +
				" returns a changed copy; assign it (e = e." + fn.Name() + "(...)) or return it",
		}
		if root := withRoot(pass, e, sel.X); root != nil {
			switch n.(type) {
			case *ast.ExprStmt:
				d.SuggestedFixes = []analysis.SuggestedFix{{
					Message:   "Assign the result to " + root.Name,
					TextEdits: []analysis.TextEdit{{Pos: n.Pos(), End: n.Pos(), NewText: []byte(root.Name + " = ")}},
				}}
			case *ast.AssignStmt:
				d.SuggestedFixes = []analysis.SuggestedFix{{
					Message:   "Assign the result to " + root.Name,
					TextEdits: []analysis.TextEdit{{Pos: blank.Pos(), End: blank.End(), NewText: []byte(root.Name)}},
				}}
			}
		}
		pass.Report(d)
	})
	return nil, nil
}

// withRoot returns the local variable a chain of With* calls starts at
// (e in e.WithA(x).WithB(y)), or nil when the chain starts elsewhere (a
// field, a package variable, a call).
func withRoot(pass *analysis.Pass, e *env, x ast.Expr) *ast.Ident {
	for {
		x = ast.Unparen(x)
		call, ok := x.(*ast.CallExpr)
		if !ok {
			break
		}
		fn, _ := typeutil.Callee(pass.TypesInfo, call).(*types.Func)
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok || !e.isWithMethod(fn) {
			return nil
		}
		x = sel.X
	}
	id, ok := x.(*ast.Ident)
	if !ok {
		return nil
	}
	v, ok := pass.TypesInfo.Uses[id].(*types.Var)
	if !ok || v.IsField() || v.Parent() == nil || v.Parent() == pass.Pkg.Scope() || !e.isAPIErrorPtr(v.Type()) {
		return nil
	}
	return id
}
