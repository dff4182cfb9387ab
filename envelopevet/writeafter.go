package envelopevet

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
)

// WriteAfter reports a response that goes on after it was written as an
// error: a call of envelope.Write (or an envelope writer's Write),
// http.Error or http.NotFound from which some path in the same function
// reaches another write to the same writer. That is almost always a
// missing return: the second write appends to the error body, which no
// client can parse, or tries a second status.
//
// When the error write is the last statement of an if block it suggests
// the return.
var WriteAfter = &analysis.Analyzer{
	Name:     "writeafter",
	Doc:      "report writes that can follow an error response on the same writer (a missing return)",
	URL:      "https://pkg.go.dev/github.com/apienvelope/envelope/envelopevet#WriteAfter",
	Run:      runWriteAfter,
	Requires: []*analysis.Analyzer{responseOps},
}

func runWriteAfter(pass *analysis.Pass) (any, error) {
	res := pass.ResultOf[responseOps].(*opsResult)
	for _, f := range res.funcs {
		for _, o := range f.ops {
			if o.kind != opEnvelope && o.kind != opHTTPError {
				continue
			}
			for _, t := range f.ops {
				if t == o || t.writer != o.writer || !reaches(o, t) {
					continue
				}
				d := analysis.Diagnostic{
					Pos:      res.start(o),
					Category: "writeafter",
					Message: fmt.Sprintf("the response goes on after %s: %s at line %d writes to it again and corrupts the error response; return after writing the error",
						o.name, t.name, line(pass, t.pos())),
				}
				if cur, ok := res.calls[o.pos()]; ok {
					d.SuggestedFixes = returnFix(pass, cur)
				}
				pass.Report(d)
				break
			}
		}
	}
	return nil, nil
}

// returnFix inserts a return after the call at cur when the call is the
// last statement of an if block in a function that returns nothing or
// only an error.
func returnFix(pass *analysis.Pass, cur inspector.Cursor) []analysis.SuggestedFix {
	stmt := cur.Parent()
	es, ok := stmt.Node().(*ast.ExprStmt)
	if !ok {
		return nil
	}
	block, ok := stmt.Parent().Node().(*ast.BlockStmt)
	if !ok || len(block.List) == 0 || block.List[len(block.List)-1] != es {
		return nil
	}
	if _, ok := stmt.Parent().Parent().Node().(*ast.IfStmt); !ok {
		return nil
	}
	sig, _ := innermostFunc(pass, cur)
	if sig == nil {
		return nil
	}
	ret := "return"
	switch {
	case sig.Results().Len() == 0:
	case sig.Results().Len() == 1 && types.Identical(sig.Results().At(0).Type(), types.Universe.Lookup("error").Type()):
		ret = "return nil"
	default:
		return nil
	}
	at := lineEnd(pass, es.End())
	if !at.IsValid() {
		return nil
	}
	return []analysis.SuggestedFix{{
		Message:   "Return after writing the error",
		TextEdits: []analysis.TextEdit{{Pos: at, End: at, NewText: []byte("\n" + indentOf(pass, es.Pos()) + ret)}},
	}}
}

// lineEnd returns the position of the end of pos's line, after any
// comment that follows the statement there.
func lineEnd(pass *analysis.Pass, pos token.Pos) token.Pos {
	tf := pass.Fset.File(pos)
	if tf == nil {
		return token.NoPos
	}
	src, err := pass.ReadFile(tf.Name())
	if err != nil {
		return token.NoPos
	}
	off := tf.Offset(pos)
	for off < len(src) && src[off] != '\n' {
		if src[off] == '/' && off+1 < len(src) && src[off+1] == '*' {
			return pos // a block comment: keep to the statement's end
		}
		off++
	}
	return tf.Pos(off)
}

// indentOf returns the white space that begins the line of pos.
func indentOf(pass *analysis.Pass, pos token.Pos) string {
	p := pass.Fset.Position(pos)
	src, err := pass.ReadFile(p.Filename)
	if err != nil || p.Offset > len(src) {
		return ""
	}
	start := p.Offset
	for start > 0 && src[start-1] != '\n' {
		start--
	}
	end := start
	for end < len(src) && (src[end] == ' ' || src[end] == '\t') {
		end++
	}
	return string(src[start:end])
}
