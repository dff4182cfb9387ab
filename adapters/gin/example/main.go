// Command example is a small gin API whose errors are envelope responses.
// Run it from the repository root (the go.work workspace finds the module):
//
//	go run ./adapters/gin/example
//
// and try, in another terminal:
//
//	curl -i localhost:8082/flags/dark-mode
//	curl -i localhost:8082/flags/nope                                  # handler's 404
//	curl -i localhost:8082/nowhere                                     # router's 404
//	curl -I localhost:8082/nowhere                                     # HEAD: same headers, no body
//	curl -i -X DELETE localhost:8082/flags/x                           # router's 405 with Allow
//	curl -i 'localhost:8082/flags?limit=abc'                           # wrong type: 400 naming limit
//	curl -i 'localhost:8082/flags?limit=500' -H 'Accept-Language: de' # rule, in German
//	curl -i -X POST localhost:8082/flags -d '{"key":"beta","enabled":"yes"}' # wrong type
//	curl -i -X POST localhost:8082/flags -d '{"key":"Beta"}'                  # field errors
//	curl -i localhost:8082/panic                                       # recovered panic, generic 500
package main

import (
	"flag"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"time"

	"github.com/apienvelope/envelope"
	envelopegin "github.com/apienvelope/envelope/adapters/gin"
	"github.com/gin-gonic/gin"
)

type flagDef struct {
	Key     string `json:"key" binding:"required,lowercase,max=64"`
	Enabled *bool  `json:"enabled" binding:"required"`
}

type listQuery struct {
	Limit int `form:"limit" binding:"omitempty,min=1,max=100"`
}

// newServer returns the API: gin behind envelope's middleware (request IDs,
// security headers, panics, gin's own 404 and 405 as envelopes), messages
// in the client's language.
func newServer() (http.Handler, error) {
	on := true
	flags := map[string]flagDef{"dark-mode": {Key: "dark-mode", Enabled: &on}}

	loc, err := envelope.NewLocalizer(envelope.LocalizerOptions{})
	if err != nil {
		return nil, err
	}
	ew, err := envelope.NewWriter(envelope.WriterOptions{Localizer: loc})
	if err != nil {
		return nil, err
	}
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew, MaxBodyBytes: 64 << 10})
	if err != nil {
		return nil, err
	}

	r := gin.New()
	r.HandleMethodNotAllowed = true // 405 with Allow, not 404, for a known path
	r.Use(envelopegin.Errors())

	r.GET("/flags", envelopegin.Handler(func(c *gin.Context) error {
		var q listQuery
		if err := envelopegin.BindQuery(c, &q); err != nil {
			return err
		}
		keys := make([]string, 0, len(flags))
		for k := range flags {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if q.Limit > 0 && q.Limit < len(keys) {
			keys = keys[:q.Limit]
		}
		c.JSON(http.StatusOK, gin.H{"keys": keys})
		return nil
	}))
	r.GET("/flags/:key", envelopegin.Handler(func(c *gin.Context) error {
		f, ok := flags[c.Param("key")]
		if !ok {
			return envelope.NotFound("Flag not found")
		}
		c.JSON(http.StatusOK, f)
		return nil
	}))
	r.POST("/flags", envelopegin.Handler(func(c *gin.Context) error {
		var f flagDef
		if err := envelopegin.BindJSON(c, &f); err != nil {
			return err // type errors and failed rules, by JSON name
		}
		if _, dup := flags[f.Key]; dup {
			return envelope.Conflict("Flag already exists")
		}
		c.JSON(http.StatusCreated, f)
		return nil
	}))
	r.GET("/panic", func(c *gin.Context) {
		panic("inventory index out of range") // the client sees a generic 500
	})
	return mw(r), nil
}

func main() {
	addr := flag.String("addr", "localhost:8082", "listen address")
	flag.Parse()
	gin.SetMode(gin.ReleaseMode)
	slog.SetDefault(slog.New(slog.NewJSONHandler(os.Stderr, nil)))
	h, err := newServer()
	if err != nil {
		slog.Error("setup", "error", err)
		os.Exit(1)
	}
	srv := &http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}
	slog.Info("listening", "addr", "http://"+*addr)
	if err := srv.ListenAndServe(); err != nil {
		slog.Error("server stopped", "error", err)
		os.Exit(1)
	}
}
