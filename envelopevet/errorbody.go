package envelopevet

import (
	"fmt"
	"go/ast"

	"golang.org/x/tools/go/analysis"
)

// ErrorBody reports an error status sent with a body the handler wrote
// itself, which no client of the API can parse as an envelope:
//
//   - w.WriteHeader with a constant 4xx or 5xx status (a literal or an
//     http.Status constant) followed, on some path in the same function,
//     by a body write to the same writer that is not an envelope
//     (w.Write, io.WriteString, fmt.Fprint*, io.Copy, an encoder);
//   - http.Error or http.NotFound with a 4xx or 5xx status on a handler's
//     own writer, in a func(http.ResponseWriter, *http.Request) or an
//     envelope.HandlerFunc-shaped function (or a closure inside one).
//
// For http.Error it suggests envelope.Write with the constructor of the
// status's built-in code (envelope.NotFound(msg) for 404), or
// envelope.Write(w, r, err) for http.Error(w, err.Error(), 500).
// http.Error calls that ErrText reports are not reported again.
var ErrorBody = &analysis.Analyzer{
	Name:     "errorbody",
	Doc:      "report an error status sent with a hand-written body instead of an envelope",
	URL:      "https://pkg.go.dev/github.com/apienvelope/envelope/envelopevet#ErrorBody",
	Run:      runErrorBody,
	Requires: []*analysis.Analyzer{responseOps, ErrText},
}

func runErrorBody(pass *analysis.Pass) (any, error) {
	res := pass.ResultOf[responseOps].(*opsResult)
	leaked := pass.ResultOf[ErrText].(errTextResult)
	for _, f := range res.funcs {
		for _, op := range f.ops {
			switch {
			case op.kind == opHeader && isErrorStatus(op.status):
				for _, body := range f.ops {
					if body.kind != opBody || body.empty || body.writer != op.writer || !reaches(op, body) {
						continue
					}
					pass.Report(analysis.Diagnostic{
						Pos:      res.start(op),
						Category: "errorbody",
						Message: fmt.Sprintf("status %d is sent with a hand-written body (%s at line %d): write the error with envelope.Write(w, r, err), which sets the status, headers and body",
							op.status, body.name, line(pass, body.pos())),
					})
					break
				}
			case op.kind == opHTTPError && isErrorStatus(op.status) && !leaked[op.pos()]:
				cur, ok := res.calls[op.pos()]
				if !ok {
					continue
				}
				call := cur.Node().(*ast.CallExpr)
				if len(call.Args) < 1 {
					continue
				}
				h := enclosingHandler(pass, res.env, cur, call.Args[0])
				if h == nil {
					continue
				}
				pass.Report(analysis.Diagnostic{
					Pos:      call.Pos(),
					End:      call.End(),
					Category: "errorbody",
					Message: fmt.Sprintf("%s sends status %d with a text/plain body: write an envelope instead (envelope.Write(w, r, %s))",
						op.name, op.status, suggestedError(op.status)),
					SuggestedFixes: httpErrorFix(pass, res.env, op, call, h, false),
				})
			}
		}
	}
	return nil, nil
}

// suggestedError names the error to write for a status in a message.
func suggestedError(status int) string {
	if status == 405 {
		return "envelope.MethodNotAllowed(msg, allowed...)"
	}
	if sc, ok := statusCodes[status]; ok {
		return "envelope." + sc.ctor + "(msg)"
	}
	return "envelope.New(code, msg)"
}
