package envelopevet

import (
	"fmt"
	"go/ast"
	"go/token"
	"reflect"

	"golang.org/x/tools/go/analysis"
)

// ErrText reports an error's text on its way to the client.
//
// An error's Error() text is written for the programmer: it names files,
// hosts, SQL, Go types and fields. It reports the text (err.Error(),
// fmt.Sprint of an error, a %v or %s verb of one, or a string built from
// those by concatenation, strings functions, json.Marshal, or map, struct
// and slice literals) when it reaches http.Error, a ResponseWriter's Write
// or WriteString, io.WriteString, fmt.Fprint, Fprintf or Fprintln on a
// ResponseWriter, or a JSON or XML encoder made on one. Data flow is
// followed within the function, through local variables.
//
// For http.Error(w, err.Error(), status) in a handler it suggests
// envelope.Write, which logs the error and sends only its public message.
var ErrText = &analysis.Analyzer{
	Name:       "errtext",
	Doc:        "report error text (err.Error(), %v of an error) written to an HTTP response",
	URL:        "https://pkg.go.dev/github.com/apienvelope/envelope/envelopevet#ErrText",
	Run:        runErrText,
	Requires:   []*analysis.Analyzer{responseOps},
	ResultType: reflect.TypeFor[errTextResult](),
}

// errTextResult holds the http.Error calls ErrText reported, so that
// ErrorBody does not report them a second time.
type errTextResult map[token.Pos]bool

func runErrText(pass *analysis.Pass) (any, error) {
	res := pass.ResultOf[responseOps].(*opsResult)
	reported := errTextResult{}
	for _, f := range res.funcs {
		tr := newTracer(res.env)
		for _, op := range f.ops {
			var src token.Pos
			switch op.dk {
			case dataText:
				src = tr.textOf(op.data[0], 0)
			case dataFmt:
				src = tr.fmtText(op.pos(), op.data[0], op.data[1], 0)
			case dataValue:
				src = tr.deepOf(op.data[0], 0)
			}
			if !src.IsValid() {
				continue
			}
			// The message names the source's line when it is another
			// one; related information would show as separate issues in
			// some drivers, which a nolint comment on this line misses.
			from := ""
			if l := line(pass, src); l != line(pass, op.pos()) {
				from = fmt.Sprintf(" (from line %d)", l)
			}
			d := analysis.Diagnostic{
				Pos:      res.start(op),
				Category: "errtext",
				Message: "error text" + from + " reaches the client through " + op.name +
					": log the error and send a public message (envelope.Write(w, r, err) does both)",
			}
			if op.kind == opHTTPError {
				reported[op.pos()] = true
				if cur, ok := res.calls[op.pos()]; ok {
					call := cur.Node().(*ast.CallExpr)
					if len(call.Args) == 3 {
						h := enclosingHandler(pass, res.env, cur, call.Args[0])
						d.SuggestedFixes = httpErrorFix(pass, res.env, op, call, h, true)
					}
				}
			}
			pass.Report(d)
		}
	}
	return reported, nil
}
