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
//	curl -i -X DELETE localhost:8082/flags/x                           # router's 405 with Allow
//	curl -i -X POST localhost:8082/flags -d '{"key":"beta","enabled":"yes"}' # wrong type
//	curl -i -X POST localhost:8082/flags -d '{"key":"Beta"}'                  # field errors
//	curl -i localhost:8082/panic                                       # recovered panic, generic 500
package main

import (
	"flag"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/apienvelope/envelope"
	envelopegin "github.com/apienvelope/envelope/adapters/gin"
	envelopevalidator "github.com/apienvelope/envelope/adapters/validator"
	"github.com/gin-gonic/gin"
	"github.com/gin-gonic/gin/binding"
	"github.com/go-playground/validator/v10"
)

type flagDef struct {
	Key     string `json:"key" binding:"required,lowercase,max=64"`
	Enabled *bool  `json:"enabled" binding:"required"`
}

// newServer returns the API: gin with envelope's recovery, request ID,
// error rendering, and router 404/405 handlers.
func newServer() *gin.Engine {
	on := true
	flags := map[string]flagDef{"dark-mode": {Key: "dark-mode", Enabled: &on}}

	// gin validates `binding` tags with validator v10; make it report the
	// JSON names the client sent, then translate its errors per field.
	if v, ok := binding.Validator.Engine().(*validator.Validate); ok {
		envelopevalidator.RegisterJSONNames(v)
	}

	r := gin.New()
	r.HandleMethodNotAllowed = true // 405 with Allow, not 404, for a known path
	r.Use(envelopegin.Recovery(), envelopegin.RequestID(), envelopegin.Errors())
	r.NoRoute(envelopegin.NoRoute)
	r.NoMethod(envelopegin.NoMethod)

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
		if err := c.ShouldBindJSON(&f); err != nil {
			// Validation failures become field errors; JSON syntax and
			// type errors pass through as invalid_request.
			return envelopevalidator.FromError(err)
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
	return r
}

func main() {
	addr := flag.String("addr", "localhost:8082", "listen address")
	flag.Parse()
	gin.SetMode(gin.ReleaseMode)
	slog.SetDefault(slog.New(slog.NewJSONHandler(os.Stderr, nil)))
	srv := &http.Server{Addr: *addr, Handler: newServer(), ReadHeaderTimeout: 5 * time.Second}
	slog.Info("listening", "addr", "http://"+*addr)
	if err := srv.ListenAndServe(); err != nil {
		slog.Error("server stopped", "error", err)
		os.Exit(1)
	}
}
