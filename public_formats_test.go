package envelope_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/apienvelope/envelope"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// publicCase is one error of a public format: what the handler returns, the
// body the API documents for it, and what a client reads back.
type publicCase struct {
	name   string
	err    *envelope.APIError
	status int
	body   string
	header map[string]string
	// wantCode is the code a client reads back, when the format spells
	// several codes alike (the Primary one) or has no code member.
	wantCode envelope.Code
}

// TestPublicFormats serves each public format's errors through a real
// server behind the middleware, compares the bodies with the documented
// ones byte for byte, and reads each back with a parser given the format:
// same code, status, field paths and request ID.
func TestPublicFormats(t *testing.T) {
	t.Parallel()
	formats := []struct {
		f     envelope.Format
		cases []publicCase
	}{
		{stripeShaped(), []publicCase{
			{name: "missing", err: envelope.NotFound("No such customer: 'cus_123'").WithField("customer", "does not exist"), status: 404,
				body: `{"error":{"code":"resource_missing","doc_url":"https://stripe.com/docs/error-codes/resource-missing","message":"No such customer: 'cus_123'","param":"customer","type":"invalid_request_error"}}`},
			{name: "api", err: envelope.Internal("Something went wrong on our end."), status: 500,
				body: `{"error":{"code":"internal","doc_url":"https://stripe.com/docs/error-codes/internal","message":"Something went wrong on our end.","type":"api_error"}}`},
		}},
		{githubShaped(), []publicCase{
			{name: "validation", err: envelope.Validation("Validation Failed").WithFields(envelope.FieldError{Field: "title", Code: "missing_field", Attrs: map[string]string{"resource": "Issue"}}), status: 422,
				body: `{"message":"Validation Failed","errors":[{"resource":"Issue","field":"title","code":"missing_field"}],"documentation_url":"https://docs.github.com/rest/issues/issues#create-an-issue","status":"422"}`},
			{name: "not_found", err: envelope.NotFound("Not Found"), status: 404, body: `{"message":"Not Found","status":"404"}`},
		}},
		{googleShaped(), []publicCase{
			{name: "invalid", err: envelope.InvalidRequest("API key not valid. Please pass a valid API key."), status: 400,
				body: `{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT"}}`},
			{name: "validation", err: envelope.Validation("Invalid book.").WithField("book.title", "must not be empty"), status: 400, wantCode: envelope.CodeInvalidRequest,
				body: `{"error":{"code":400,"message":"Invalid book.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"book.title","description":"must not be empty"}]}]}}`},
			{name: "not_found", err: envelope.NotFound("Requested entity was not found."), status: 404,
				body: `{"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND"}}`},
		}},
		{jsonAPIShaped(), []publicCase{
			{name: "attribute", err: envelope.Validation("").WithField("firstName", "First name must contain at least two characters."), status: 422,
				body: `{"errors":[{"status":"422","code":"invalid_attribute","title":"Invalid Attribute","detail":"First name must contain at least two characters.","source":{"pointer":"/data/attributes/firstName"}}]}`},
			{name: "two", err: envelope.Validation("").WithField("firstName", "is required").WithField("labels[a.b]", "is too long"), status: 422,
				body: `{"errors":[{"status":"422","code":"invalid_attribute","title":"Invalid Attribute","detail":"is required","source":{"pointer":"/data/attributes/firstName"}},{"status":"422","code":"invalid_attribute","title":"Invalid Attribute","detail":"is too long","source":{"pointer":"/data/attributes/labels/a.b"}}]}`},
			{name: "whole", err: envelope.Forbidden("Editing is not allowed."), status: 403,
				body: `{"errors":[{"status":"403","code":"forbidden","title":"Forbidden","detail":"Editing is not allowed."}]}`},
		}},
		{microsoftShaped(), []publicCase{
			{name: "details", err: envelope.Validation("Multiple errors in ContactInfo data").WithFields(
				envelope.FieldError{Field: "PhoneNumber", Code: "NullValue", Message: "Phone number must not be null"},
				envelope.FieldError{Field: "Address", Code: "MalformedValue", Message: "Address is not valid"}), status: 400,
				body: `{"error":{"code":"BadArgument","message":"Multiple errors in ContactInfo data","details":[{"code":"NullValue","target":"PhoneNumber","message":"Phone number must not be null"},{"code":"MalformedValue","target":"Address","message":"Address is not valid"}]}}`},
			{name: "not_found", err: envelope.NotFound("The resource was not found."), status: 404,
				body: `{"error":{"code":"NotFound","message":"The resource was not found."}}`},
		}},
		{oauthShaped(), []publicCase{
			{name: "token", err: envelope.Unauthorized(`The access token "abc" expired`), status: 401,
				body:   `{"error":"invalid_token","error_description":"The access token \"abc\" expired"}`,
				header: map[string]string{"Www-Authenticate": `Bearer realm="example", error="invalid_token", error_description="The access token \"abc\" expired"`}},
			{name: "scope", err: envelope.Forbidden("The request requires higher privileges."), status: 403,
				body: `{"error":"insufficient_scope","error_description":"The request requires higher privileges."}`},
			{name: "request", err: envelope.Validation("The grant_type parameter is missing."), status: 400, wantCode: envelope.CodeInvalidRequest,
				body: `{"error":"invalid_request","error_description":"The grant_type parameter is missing."}`},
		}},
		{twilioShaped(), []publicCase{
			{name: "not_found", err: envelope.NotFound("The requested resource /Calls/CA1.json was not found"), status: 404,
				body: `{"code":20404,"message":"The requested resource /Calls/CA1.json was not found","more_info":"https://www.twilio.com/docs/errors/20404","status":404}`},
			{name: "auth", err: envelope.Unauthorized("Authenticate"), status: 401,
				body: `{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}`},
		}},
		{grpcGatewayShaped(), []publicCase{
			{name: "not_found", err: envelope.NotFound("book not found"), status: 404, body: `{"code":5,"message":"book not found","details":[]}`},
			{name: "gone", err: envelope.Gone("book deleted"), status: 410, wantCode: envelope.CodeNotFound, body: `{"code":5,"message":"book deleted","details":[]}`},
			{name: "violations", err: envelope.Validation("invalid book").WithField("title", "must not be empty"), status: 400, wantCode: envelope.CodeInvalidRequest,
				body: `{"code":3,"message":"invalid book","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"title","description":"must not be empty"}]}]}`},
		}},
	}
	for _, fc := range formats {
		t.Run(fc.f.Name, func(t *testing.T) {
			t.Parallel()
			ew, err := envelope.NewWriter(envelope.WriterOptions{Format: fc.f, Logger: slog.New(slog.DiscardHandler)})
			require.NoError(t, err)
			mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew})
			require.NoError(t, err)
			byPath := map[string]*envelope.APIError{}
			for _, c := range fc.cases {
				byPath["/"+c.name] = c.err
			}
			srv := httptest.NewServer(mw(envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
				return byPath[r.URL.Path]
			})))
			t.Cleanup(srv.Close)
			parser, err := envelope.NewParser(envelope.ParserOptions{Formats: []envelope.Format{fc.f}})
			require.NoError(t, err)
			mt := fc.f.MediaType
			if mt == "" {
				mt = "application/json"
			}
			for _, c := range fc.cases {
				t.Run(c.name, func(t *testing.T) {
					req, err := http.NewRequest(http.MethodGet, srv.URL+"/"+c.name, nil)
					require.NoError(t, err)
					req.Header.Set("X-Request-Id", "req-"+c.name)
					resp, err := srv.Client().Do(req)
					require.NoError(t, err)
					body, err := io.ReadAll(resp.Body)
					require.NoError(t, err)
					require.NoError(t, resp.Body.Close())
					assert.Equal(t, c.status, resp.StatusCode)
					assert.Equal(t, c.body, string(body))
					assert.Equal(t, mt, resp.Header.Get("Content-Type"))
					for k, v := range c.header {
						assert.Equal(t, v, resp.Header.Get(k), k)
					}

					got := parser.Parse(resp.StatusCode, resp.Header, body)
					want := c.wantCode
					if want == "" {
						want = c.err.Code()
					}
					assert.Equal(t, want, got.Code(), "parsed code")
					assert.Equal(t, c.status, got.Status(), "parsed status")
					assert.Equal(t, "req-"+c.name, got.RequestID(), "parsed request ID (from the header)")
					var sentPaths, gotPaths []string
					for _, f := range c.err.Fields() {
						sentPaths = append(sentPaths, f.Field)
					}
					for _, f := range got.Fields() {
						gotPaths = append(gotPaths, f.Field)
					}
					if strings.Contains(fc.f.Body, `"param": "{{field}}"`) {
						sentPaths = sentPaths[:min(1, len(sentPaths))] // only the first field is promoted
					}
					assert.Equal(t, sentPaths, gotPaths, "parsed field paths")
				})
			}
		})
	}
}

// TestLibraryErrorsInPublicFormats: errors the library makes itself (the
// router's 404 and 405, a malformed body, a panic) render in the format
// with the format's attributes, and read back.
func TestLibraryErrorsInPublicFormats(t *testing.T) {
	t.Parallel()
	f := jsonAPIShaped()
	f.Codes[envelope.CodeNotFound] = envelope.FormatCode{Attrs: map[string]string{"title": "Resource Not Found"}}
	ew, err := envelope.NewWriter(envelope.WriterOptions{Format: f})
	require.NoError(t, err)
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew})
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("POST /articles", envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var v struct {
			Title string `json:"title"`
		}
		return envelope.DecodeRequest(r, &v)
	}))
	srv := httptest.NewServer(mw(mux))
	t.Cleanup(srv.Close)

	resp, err := srv.Client().Get(srv.URL + "/nowhere")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, 404, resp.StatusCode)
	assert.Equal(t, `{"errors":[{"status":"404","code":"not_found","title":"Resource Not Found","detail":"The requested resource was not found."}]}`, string(body))

	resp, err = srv.Client().Post(srv.URL+"/articles", "application/json", strings.NewReader(`{"title": 7}`))
	require.NoError(t, err)
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, 400, resp.StatusCode)
	assert.Equal(t, `{"errors":[{"status":"400","code":"invalid_request","title":"Bad Request","detail":"must be a string","source":{"pointer":"/data/attributes/title"}}]}`, string(body))
}
