package envelopehuma_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/apienvelope/envelope"
	envelopehuma "github.com/apienvelope/envelope/adapters/huma"
	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
)

type signupInput struct {
	Body struct {
		Email string `json:"email" format:"email"`
		Name  string `json:"name" minLength:"2"`
		// Validated last (huma goes in name order): huma locates the
		// fields after a map key that holds a dot wrongly.
		Quotas map[string]int `json:"quotas,omitempty"`
	}
}

type userInput struct {
	ID string `path:"id"`
}

type userOutput struct {
	Body struct {
		ID string `json:"id"`
	}
}

// A huma API whose errors, its own validation errors included, are
// rendered in the nested format, behind the envelope middleware.
func Example() {
	ew, err := envelope.NewWriter(envelope.WriterOptions{Format: envelope.NestedFormat()})
	if err != nil {
		panic(err)
	}
	errs, err := envelopehuma.New(envelopehuma.Options{Writer: ew})
	if err != nil {
		panic(err)
	}
	cfg := huma.DefaultConfig("Users", "1.0.0")
	errs.Configure(&cfg) // before the API is created

	mux := http.NewServeMux()
	api := humago.New(mux, cfg)
	huma.Post(api, "/users", func(ctx context.Context, in *signupInput) (*userOutput, error) {
		return &userOutput{}, nil
	})
	huma.Get(api, "/users/{id}", func(ctx context.Context, in *userInput) (*userOutput, error) {
		return nil, envelope.NotFound("User not found.")
	})
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew}) // the same writer
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(mw(mux))
	defer srv.Close()

	show := func(method, path, body string) {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Request-Id", "req-1")
		resp, err := srv.Client().Do(req)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		fmt.Printf("%d %s", resp.StatusCode, b)
	}
	show("POST", "/users", `{"name":"A","quotas":{"team.a":"many"}}`)
	show("GET", "/users/42", "")
	// Output:
	// 422 {"error":{"code":"validation_error","message":"One or more fields are invalid.","details":{"email":["is required"],"name":["must be at least 2 characters long"],"quotas[team.a]":["must be an integer"]},"request_id":"req-1"}}
	// 404 {"error":{"code":"not_found","message":"User not found.","details":null,"request_id":"req-1"}}
}

// The mapping from huma's error locations to field paths without a body
// schema (the adapter's default mapping also brackets map keys).
func ExampleFieldPath() {
	for _, loc := range []string{"body.items[2].sku", "body", "query.limit", "path.id"} {
		fmt.Printf("%-18s -> %q\n", loc, envelopehuma.FieldPath(loc))
	}
	// Output:
	// body.items[2].sku  -> "items[2].sku"
	// body               -> ""
	// query.limit        -> "query.limit"
	// path.id            -> "path.id"
}
