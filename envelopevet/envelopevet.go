package envelopevet

import (
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// envelopePath is the import path of the envelope package. Every check
// matches its names by this path and by type, never by identifier alone.
const envelopePath = "github.com/apienvelope/envelope"

// Analyzers returns every check, in the order the package documentation
// lists them. The slice is new on each call; the analyzers are shared.
func Analyzers() []*analysis.Analyzer {
	return []*analysis.Analyzer{
		ErrText, DroppedWith, ErrorBody, LateStatus, WriteAfter, UnknownCode, HandlerPanic,
	}
}

// env holds the types the checks compare against, looked up once per
// package. Its fields are nil when the package cannot see them (a package
// that imports nothing of net/http has no ResponseWriter to check).
type env struct {
	rw       *types.Named // net/http.ResponseWriter
	rwIface  *types.Interface
	request  *types.Named // net/http.Request
	errIface *types.Interface
	envPkg   *types.Package // github.com/apienvelope/envelope, if imported
	apiError *types.Named   // envelope.APIError
	codeType *types.Named   // envelope.Code
}

func newEnv(pkg *types.Package) *env {
	e := &env{errIface: types.Universe.Lookup("error").Type().Underlying().(*types.Interface)}
	if pkg.Path() == envelopePath {
		e.envPkg = pkg
	}
	seen := map[*types.Package]bool{}
	var walk func(p *types.Package)
	walk = func(p *types.Package) {
		if seen[p] {
			return
		}
		seen[p] = true
		switch p.Path() {
		case "net/http":
			e.rw = namedType(p, "ResponseWriter")
			e.request = namedType(p, "Request")
			if e.rw != nil {
				e.rwIface, _ = e.rw.Underlying().(*types.Interface)
			}
		case envelopePath:
			e.envPkg = p
		}
		for _, q := range p.Imports() {
			walk(q)
		}
	}
	walk(pkg)
	if e.envPkg != nil {
		e.apiError = namedType(e.envPkg, "APIError")
		e.codeType = namedType(e.envPkg, "Code")
	}
	return e
}

func namedType(p *types.Package, name string) *types.Named {
	tn, ok := p.Scope().Lookup(name).(*types.TypeName)
	if !ok {
		return nil
	}
	n, _ := tn.Type().(*types.Named)
	return n
}

// isRW reports whether t implements http.ResponseWriter.
func (e *env) isRW(t types.Type) bool {
	if e.rwIface == nil || t == nil {
		return false
	}
	return types.Implements(t, e.rwIface)
}

// isExactRW reports whether t is the http.ResponseWriter interface itself,
// whose WriteHeader sends the status at once. Other implementations (gin's
// writer, for one) may hold the status back until the first body byte.
func (e *env) isExactRW(t types.Type) bool {
	return e.rw != nil && types.Identical(t, e.rw)
}

// isRequestPtr reports whether t is *http.Request.
func (e *env) isRequestPtr(t types.Type) bool {
	p, ok := t.(*types.Pointer)
	return ok && e.request != nil && types.Identical(p.Elem(), e.request)
}

// isError reports whether t is a non-nil type that implements error.
func (e *env) isError(t types.Type) bool {
	if t == nil {
		return false
	}
	if b, ok := t.(*types.Basic); ok && b.Kind() == types.UntypedNil {
		return false
	}
	return types.Implements(t, e.errIface)
}

// isAPIErrorPtr reports whether t is *envelope.APIError.
func (e *env) isAPIErrorPtr(t types.Type) bool {
	p, ok := t.(*types.Pointer)
	return ok && e.apiError != nil && types.Identical(p.Elem(), e.apiError)
}

// isCode reports whether t is envelope.Code.
func (e *env) isCode(t types.Type) bool {
	return e.codeType != nil && types.Identical(t, e.codeType)
}

// handlerShape reports whether sig is func(http.ResponseWriter,
// *http.Request) with no result (a net/http handler) or an error result
// (envelope.HandlerFunc's shape), and whether it returns an error.
func (e *env) handlerShape(sig *types.Signature) (ok, returnsError bool) {
	if sig == nil || sig.Params().Len() != 2 || !e.isExactRW(sig.Params().At(0).Type()) ||
		!e.isRequestPtr(sig.Params().At(1).Type()) {
		return false, false
	}
	switch sig.Results().Len() {
	case 0:
		return true, false
	case 1:
		if types.Identical(sig.Results().At(0).Type(), types.Universe.Lookup("error").Type()) {
			return true, true
		}
	}
	return false, false
}

// isPkgFunc reports whether fn is the package-level function path.name.
func isPkgFunc(fn *types.Func, path string, names ...string) bool {
	if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != path {
		return false
	}
	if sig, ok := fn.Type().(*types.Signature); !ok || sig.Recv() != nil {
		return false
	}
	for _, n := range names {
		if fn.Name() == n {
			return true
		}
	}
	return false
}

// isEnvelopeWrite reports whether fn renders an error as an envelope:
// envelope.Write, or a Write method of a type of the envelope package,
// taking (http.ResponseWriter, *http.Request, error).
func (e *env) isEnvelopeWrite(fn *types.Func) bool {
	if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != envelopePath || fn.Name() != "Write" {
		return false
	}
	sig := fn.Type().(*types.Signature)
	p := sig.Params()
	return p.Len() == 3 && e.isExactRW(p.At(0).Type()) && e.isRequestPtr(p.At(1).Type()) &&
		types.Identical(p.At(2).Type(), types.Universe.Lookup("error").Type())
}

// isWithMethod reports whether fn is a method of *envelope.APIError whose
// name starts with "With" and that returns one *envelope.APIError: a
// method that returns a changed copy and leaves its receiver alone.
func (e *env) isWithMethod(fn *types.Func) bool {
	if fn == nil || !strings.HasPrefix(fn.Name(), "With") {
		return false
	}
	sig, ok := fn.Type().(*types.Signature)
	if !ok || sig.Recv() == nil || !e.isAPIErrorPtr(sig.Recv().Type()) {
		return false
	}
	return sig.Results().Len() == 1 && e.isAPIErrorPtr(sig.Results().At(0).Type())
}
