package envelopevet

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// UnknownCode reports a code constant that is neither one of the envelope
// package's built-in codes nor declared in any envelope.CodeInfo literal
// that the package can see (its own, or those of the packages it imports,
// directly or not, carried as facts). Such a code renders as a 500, or
// fails the table's lookup, at run time; most often it is a misspelling.
//
// It looks at the code argument of envelope.New and envelope.Wrap (unless
// a WithStatus in the same chain gives the error its status), at
// conversions envelope.Code("..."), and at declarations of constants of
// type envelope.Code. It stays silent when the value is not a constant,
// when no package in view declares any domain code (the table may be
// built where this package cannot see it, such as in a main package that
// imports it), and when some CodeInfo in view has a Code that is not a
// constant. When one declared code is close in spelling, it suggests it.
var UnknownCode = &analysis.Analyzer{
	Name:      "unknowncode",
	Doc:       "report a code string that is neither built in nor declared in an envelope.CodeInfo",
	URL:       "https://pkg.go.dev/github.com/apienvelope/envelope/envelopevet#UnknownCode",
	Run:       runUnknownCode,
	Requires:  []*analysis.Analyzer{inspect.Analyzer},
	FactTypes: []analysis.Fact{(*DeclaredCodes)(nil)},
}

// DeclaredCodes is the fact UnknownCode exports for a package that holds
// envelope.CodeInfo literals: the constant codes they declare, and whether
// one of them has a Code that is not a constant. Tools that drive the
// analysis store it between packages; it is not meant to be built by hand.
type DeclaredCodes struct {
	Codes   []string
	Dynamic bool
}

// AFact marks DeclaredCodes as an analysis fact.
func (*DeclaredCodes) AFact() {}

// String lists the codes, for tests and debugging.
func (d *DeclaredCodes) String() string {
	s := "codes(" + strings.Join(d.Codes, ", ")
	if d.Dynamic {
		s += "; dynamic"
	}
	return s + ")"
}

func runUnknownCode(pass *analysis.Pass) (any, error) {
	e := newEnv(pass.Pkg)
	if e.envPkg == nil || e.codeType == nil || pass.Pkg.Path() == envelopePath {
		return nil, nil
	}
	codeInfo := namedType(e.envPkg, "CodeInfo")
	ins := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)

	// The declarations: CodeInfo literals, and their Code values (which
	// are then not use sites themselves).
	own := &DeclaredCodes{}
	declaring := map[ast.Expr]bool{}
	for c := range ins.Root().Preorder((*ast.CompositeLit)(nil)) {
		lit := c.Node().(*ast.CompositeLit)
		if codeInfo == nil || !types.Identical(pass.TypesInfo.TypeOf(lit), codeInfo) {
			continue
		}
		v := codeField(lit)
		if v == nil {
			continue
		}
		declaring[ast.Unparen(v)] = true
		if s, ok := constString(pass, v); ok {
			own.Codes = append(own.Codes, s)
		} else {
			own.Dynamic = true
		}
	}
	if len(own.Codes) > 0 || own.Dynamic {
		slices.Sort(own.Codes)
		own.Codes = slices.Compact(own.Codes)
		pass.ExportPackageFact(own)
	}

	builtin := map[string]bool{}
	for _, name := range e.envPkg.Scope().Names() {
		if c, ok := e.envPkg.Scope().Lookup(name).(*types.Const); ok && e.isCode(c.Type()) &&
			c.Val().Kind() == constant.String {
			builtin[constant.StringVal(c.Val())] = true
		}
	}
	declared := map[string]bool{}
	dynamic := own.Dynamic
	add := func(d *DeclaredCodes) {
		dynamic = dynamic || d.Dynamic
		for _, s := range d.Codes {
			if !builtin[s] {
				declared[s] = true
			}
		}
	}
	add(own)
	for _, f := range pass.AllPackageFacts() {
		if d, ok := f.Fact.(*DeclaredCodes); ok {
			add(d)
		}
	}
	if dynamic || len(declared) == 0 {
		return nil, nil
	}

	// check reports value at at; lit, when not nil, is the string literal
	// a fix can respell.
	check := func(at, lit ast.Expr, value string) {
		if value == "" || builtin[value] || declared[value] {
			return
		}
		d := analysis.Diagnostic{
			Pos:      at.Pos(),
			End:      at.End(),
			Category: "unknowncode",
			Message:  fmt.Sprintf("code %q is neither built in nor declared in an envelope.CodeInfo in view: declare it in the table given to envelope.NewCodes, or fix its spelling", value),
		}
		if near := nearest(value, declared, builtin); near != "" {
			d.Message = fmt.Sprintf("code %q is neither built in nor declared in an envelope.CodeInfo in view: did you mean %q?", value, near)
			if lit, ok := stringLit(lit); ok {
				d.SuggestedFixes = []analysis.SuggestedFix{{
					Message:   "Use the declared code " + strconv.Quote(near),
					TextEdits: []analysis.TextEdit{{Pos: lit.Pos(), End: lit.End(), NewText: []byte(strconv.Quote(near))}},
				}}
			}
		}
		pass.Report(d)
	}

	for c := range ins.Root().Preorder((*ast.CallExpr)(nil), (*ast.ValueSpec)(nil)) {
		switch n := c.Node().(type) {
		case *ast.ValueSpec:
			// const X envelope.Code = "x" (a var is not a constant).
			for i, name := range n.Names {
				k, ok := pass.TypesInfo.Defs[name].(*types.Const)
				if !ok || !e.isCode(k.Type()) || k.Val().Kind() != constant.String {
					continue
				}
				var lit ast.Expr
				if i < len(n.Values) {
					if declaring[ast.Unparen(n.Values[i])] {
						continue
					}
					lit = n.Values[i]
				}
				check(name, lit, constant.StringVal(k.Val()))
			}
		case *ast.CallExpr:
			if declaring[n] {
				continue
			}
			// envelope.Code("x"), outside const declarations (checked above).
			if tv, ok := pass.TypesInfo.Types[n.Fun]; ok && tv.IsType() {
				if len(n.Args) == 1 && e.isCode(tv.Type) && !inConstSpec(c) {
					if s, ok := constString(pass, n); ok {
						check(n, n.Args[0], s)
					}
				}
				continue
			}
			// envelope.New(code, ...), envelope.Wrap(cause, code, ...).
			fn, _ := typeutil.Callee(pass.TypesInfo, n).(*types.Func)
			idx := -1
			switch {
			case isPkgFunc(fn, envelopePath, "New", "Newf"):
				idx = 0
			case isPkgFunc(fn, envelopePath, "Wrap", "Wrapf"):
				idx = 1
			}
			if idx < 0 || idx >= len(n.Args) || namesConst(pass, n.Args[idx]) || isCodeConversion(pass, e, n.Args[idx]) ||
				givenStatus(pass, e, c) {
				continue
			}
			if s, ok := constString(pass, n.Args[idx]); ok {
				check(n.Args[idx], n.Args[idx], s)
			}
		}
	}
	return nil, nil
}

// givenStatus reports whether the error built at cur gets its status
// right there, in a chain of With* calls that includes WithStatus: a code
// used once with an explicit status, which needs no declaration.
func givenStatus(pass *analysis.Pass, e *env, cur inspector.Cursor) bool {
	for {
		sel, ok := cur.Parent().Node().(*ast.SelectorExpr)
		if !ok || sel.X != cur.Node() {
			return false
		}
		call, ok := cur.Parent().Parent().Node().(*ast.CallExpr)
		if !ok || call.Fun != sel {
			return false
		}
		fn, _ := typeutil.Callee(pass.TypesInfo, call).(*types.Func)
		if !e.isWithMethod(fn) {
			return false
		}
		if fn.Name() == "WithStatus" {
			return true
		}
		cur = cur.Parent().Parent()
	}
}

// codeField returns the Code value of a CodeInfo literal, or nil.
func codeField(lit *ast.CompositeLit) ast.Expr {
	for i, elt := range lit.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if !ok {
			if i == 0 {
				return elt // positional: Code is the first field
			}
			return nil
		}
		if id, ok := kv.Key.(*ast.Ident); ok && id.Name == "Code" {
			return kv.Value
		}
	}
	return nil
}

// constString returns x's value when it is a string constant.
func constString(pass *analysis.Pass, x ast.Expr) (string, bool) {
	tv, ok := pass.TypesInfo.Types[x]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.String {
		return "", false
	}
	return constant.StringVal(tv.Value), true
}

// namesConst reports whether x is a name (or pkg.Name) of a constant:
// that constant is checked where it is declared.
func namesConst(pass *analysis.Pass, x ast.Expr) bool {
	var id *ast.Ident
	switch x := ast.Unparen(x).(type) {
	case *ast.Ident:
		id = x
	case *ast.SelectorExpr:
		id = x.Sel
	default:
		return false
	}
	_, ok := pass.TypesInfo.Uses[id].(*types.Const)
	return ok
}

// isCodeConversion reports whether x is envelope.Code(...), which is
// checked as a conversion.
func isCodeConversion(pass *analysis.Pass, e *env, x ast.Expr) bool {
	call, ok := ast.Unparen(x).(*ast.CallExpr)
	if !ok {
		return false
	}
	tv, ok := pass.TypesInfo.Types[call.Fun]
	return ok && tv.IsType() && e.isCode(tv.Type)
}

// inConstSpec reports whether cur is inside a constant declaration.
func inConstSpec(cur inspector.Cursor) bool {
	for c := range cur.Enclosing((*ast.GenDecl)(nil)) {
		return c.Node().(*ast.GenDecl).Tok == token.CONST
	}
	return false
}

// nearest returns the one known code within edit distance 2 of s, or ""
// when there is none or more than one.
func nearest(s string, known ...map[string]bool) string {
	best, n := "", 0
	for _, m := range known {
		for d := range m {
			if editDistance(s, d) <= 2 {
				best, n = d, n+1
			}
		}
	}
	if n != 1 {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// stringLit returns x as a string literal, looking through parentheses and
// one conversion (envelope.Code("x")).
func stringLit(x ast.Expr) (*ast.BasicLit, bool) {
	if x == nil {
		return nil, false
	}
	x = ast.Unparen(x)
	if call, ok := x.(*ast.CallExpr); ok && len(call.Args) == 1 {
		x = ast.Unparen(call.Args[0])
	}
	lit, ok := x.(*ast.BasicLit)
	return lit, ok && lit.Kind == token.STRING
}
