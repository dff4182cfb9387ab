package envelopeprometheus_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/apienvelope/envelope"
	envelopeprometheus "github.com/apienvelope/envelope/adapters/prometheus"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
)

// The counter goes into the registry the application builds; its OnError
// is one entry of the writer's hooks.
func ExampleNew() {
	reg := prometheus.NewRegistry()
	metrics, err := envelopeprometheus.New(envelopeprometheus.Options{Registerer: reg})
	if err != nil {
		panic(err)
	}
	ew, _ := envelope.NewWriter(envelope.WriterOptions{
		Logger:  quiet(),
		OnError: []func(*http.Request, int, *envelope.APIError){metrics.OnError},
	})
	mw, _ := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew})
	mux := http.NewServeMux()
	mux.Handle("GET /reports/{id}", envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return errors.New("report builder: nil pointer") // a 500 internal
	}))
	h := mw(mux)
	for _, path := range []string{"/reports/1", "/reports/2", "/nope"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
	}

	families, _ := reg.Gather()
	for _, mf := range families {
		_, _ = expfmt.MetricFamilyToText(os.Stdout, mf)
	}
	// Output:
	// # HELP envelope_error_responses_total Error responses sent by envelope, by envelope code, HTTP status, route template and method.
	// # TYPE envelope_error_responses_total counter
	// envelope_error_responses_total{code="internal",method="GET",route="GET /reports/{id}",status="500"} 2
	// envelope_error_responses_total{code="not_found",method="GET",route="",status="404"} 1
}
