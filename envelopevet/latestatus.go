package envelopevet

import (
	"fmt"

	"golang.org/x/tools/go/analysis"
)

// LateStatus reports a status set after the response started, in
// straight-line code: a call that sets a status (w.WriteHeader,
// http.Error, envelope.Write) that runs, on every path to it, after a body
// write to the same writer, or after a WriteHeader on a writer whose static
// type is http.ResponseWriter (which sends the status at once). net/http
// ignores the second status ("superfluous response.WriteHeader call"), so
// the client gets the first one, usually 200, with an error appended to
// the body; envelope.Write, seeing the response started, writes nothing.
//
// Informational statuses (1xx) are neither origins nor targets.
var LateStatus = &analysis.Analyzer{
	Name:     "latestatus",
	Doc:      "report a status or error response written after the response started",
	URL:      "https://pkg.go.dev/github.com/apienvelope/envelope/envelopevet#LateStatus",
	Run:      runLateStatus,
	Requires: []*analysis.Analyzer{responseOps},
}

func runLateStatus(pass *analysis.Pass) (any, error) {
	res := pass.ResultOf[responseOps].(*opsResult)
	for _, f := range res.funcs {
		for _, t := range f.ops {
			if !setsStatus(t) {
				continue
			}
			for _, o := range f.ops {
				if o == t || o.writer != t.writer || !startsResponse(o) || !precedes(o, t) {
					continue
				}
				what := "the body started"
				if o.kind == opHeader {
					what = "the status was sent"
				}
				var msg string
				switch t.kind {
				case opHeader:
					msg = fmt.Sprintf("status set after %s (%s at line %d): the client gets the earlier status; decide the status before writing anything", what, o.name, line(pass, o.pos()))
				case opHTTPError:
					msg = fmt.Sprintf("%s after %s (%s at line %d): its status is lost and its text is appended to the response; send the error before anything else", t.name, what, o.name, line(pass, o.pos()))
				default:
					msg = fmt.Sprintf("%s after %s (%s at line %d): the error's status, headers and body are lost; write the error before any status or body", t.name, what, o.name, line(pass, o.pos()))
				}
				pass.Report(analysis.Diagnostic{
					Pos:      res.start(t),
					Category: "latestatus",
					Message:  msg,
				})
				break
			}
		}
	}
	return nil, nil
}

// setsStatus reports whether op sets a response status.
func setsStatus(op *respOp) bool {
	switch op.kind {
	case opHeader:
		return op.status == 0 || op.status >= 200
	case opHTTPError, opEnvelope:
		return true
	}
	return false
}

// startsResponse reports whether op surely starts the response: a body
// write that cannot fail before writing (not an encoder, which marshals
// first, nor io.Copy, which may copy nothing), or a final status on the
// plain http.ResponseWriter. Envelope writes and http.Error are
// WriteAfter's to report.
func startsResponse(op *respOp) bool {
	switch op.kind {
	case opBody:
		return !op.quiet
	case opHeader:
		return op.exactRW && op.status >= 200
	}
	return false
}
