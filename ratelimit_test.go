package envelope

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testNow has a fractional second so that rounding is exercised.
var testNow = time.Date(2026, 3, 1, 12, 0, 0, 250_000_000, time.UTC)

func fixedClock() time.Time { return testNow }

// rateLimitWriter is a writer with the rate-limit options opts, on the
// fixed clock unless opts has one.
func rateLimitWriter(t testing.TB, opts RateLimitOptions) *Writer {
	t.Helper()
	if opts.Now == nil {
		opts.Now = fixedClock
	}
	return newWriter(t, WriterOptions{RateLimit: opts})
}

// setRateLimit returns the headers Writer.SetRateLimit writes for buckets
// with opts.
func setRateLimit(t testing.TB, opts RateLimitOptions, buckets ...Bucket) http.Header {
	t.Helper()
	h := http.Header{}
	rateLimitWriter(t, opts).SetRateLimit(h, buckets...)
	return h
}

// rateLimitHeaderNames are the headers RateLimitOptions.Omit may name,
// spelled as documented.
var rateLimitHeaderNames = []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "RateLimit-Policy", "RateLimit", "Retry-After"}

func TestParseSFListRejects(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		`default;q=1`, `"a";q=-1`, `"a";q=1234567890123456`, `"a\x";q=1`, `"a";q=1,`,
		`"a";Q=1`, `"a";q`, `"a" "b"`, "\"a\x01\";q=1", `"a`,
	} {
		_, err := parseSFList(s)
		assert.Error(t, err, s)
	}
	items, err := parseSFList(`"a\"b\\c";q=10;w=60, "d";r=0`)
	require.NoError(t, err)
	require.Len(t, items, 2)
	assert.Equal(t, `a"b\c`, items[0].name)
	assert.Equal(t, map[string]int64{"q": 10, "w": 60}, items[0].params)
	assert.Equal(t, map[string]int64{"r": 0}, items[1].params)
}

// parsed is the header set read back into numbers.
type parsed struct {
	limit, remaining, reset string
	policy, ratelimit       []sfItem
	retryAfter              string
}

func readBack(t *testing.T, h http.Header) parsed {
	t.Helper()
	for _, k := range rateLimitHeaderNames {
		require.LessOrEqual(t, len(h.Values(k)), 1, "header %s duplicated", k)
	}
	p := parsed{
		limit:      h.Get("X-RateLimit-Limit"),
		remaining:  h.Get("X-RateLimit-Remaining"),
		reset:      h.Get("X-RateLimit-Reset"),
		retryAfter: h.Get("Retry-After"),
	}
	var err error
	if v := h.Get("RateLimit-Policy"); v != "" {
		p.policy, err = parseSFList(v)
		require.NoError(t, err, v)
	}
	if v := h.Get("RateLimit"); v != "" {
		p.ratelimit, err = parseSFList(v)
		require.NoError(t, err, v)
	}
	return p
}

func TestRateLimitResetStyles(t *testing.T) {
	t.Parallel()
	reset := testNow.Add(29*time.Second + 500*time.Millisecond) // 12:00:29.750
	tests := []struct {
		name  string
		style ResetStyle
		want  string
	}{
		{"delay seconds", ResetDelaySeconds, "30"},
		{"epoch seconds", ResetEpochSeconds, strconv.FormatInt(time.Date(2026, 3, 1, 12, 0, 30, 0, time.UTC).Unix(), 10)},
		{"epoch millis", ResetEpochMillis, strconv.FormatInt(time.Date(2026, 3, 1, 12, 0, 29, 0, time.UTC).Unix()*1000+750, 10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := setRateLimit(t, RateLimitOptions{Reset: tt.style}, Bucket{Policy: "per-key", Limit: 100, Window: time.Minute, Remaining: 42, Reset: reset})
			p := readBack(t, h)
			assert.Equal(t, "100", p.limit)
			assert.Equal(t, "42", p.remaining)
			assert.Equal(t, tt.want, p.reset)
			assert.Empty(t, p.retryAfter, "no Retry-After without a refusal")
			require.Len(t, p.policy, 1)
			assert.Equal(t, "per-key", p.policy[0].name)
			assert.Equal(t, []string{"q", "w"}, p.policy[0].keys)
			assert.Equal(t, int64(100), p.policy[0].params["q"])
			assert.Equal(t, int64(60), p.policy[0].params["w"])
			require.Len(t, p.ratelimit, 1)
			assert.Equal(t, map[string]int64{"r": 42, "t": 30}, p.ratelimit[0].params, "t is delay-seconds whatever the legacy style")
		})
	}
}

func TestRateLimitEdges(t *testing.T) {
	t.Parallel()
	far := time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
	tests := []struct {
		name                   string
		style                  ResetStyle
		b                      Bucket
		limit, remaining, rset string
		policy                 map[string]int64
		rate                   map[string]int64
	}{
		{"zero bucket", ResetDelaySeconds, Bucket{}, "0", "0", "0", map[string]int64{"q": 0}, map[string]int64{"r": 0, "t": 0}},
		{"zero remaining", ResetDelaySeconds, Bucket{Limit: 10, Remaining: 0, Reset: testNow.Add(time.Second)}, "10", "0", "1", map[string]int64{"q": 10}, map[string]int64{"r": 0, "t": 1}},
		{"negative values", ResetDelaySeconds, Bucket{Limit: -5, Window: -time.Second, Remaining: -3, Reset: testNow.Add(-time.Hour)}, "0", "0", "0", map[string]int64{"q": 0}, map[string]int64{"r": 0, "t": 0}},
		{"past reset epoch", ResetEpochSeconds, Bucket{Limit: 1, Reset: testNow.Add(-time.Hour)}, "1", "0", strconv.FormatInt(testNow.Unix()+1, 10), map[string]int64{"q": 1}, map[string]int64{"r": 0, "t": 0}},
		{"sub-second window", ResetDelaySeconds, Bucket{Limit: 1, Window: time.Millisecond, Remaining: 1}, "1", "1", "0", map[string]int64{"q": 1, "w": 1}, map[string]int64{"r": 1, "t": 0}},
		{"huge numbers", ResetDelaySeconds, Bucket{Limit: math.MaxInt64, Remaining: math.MaxInt64, Reset: far}, "999999999999999", "999999999999999", strconv.FormatInt(int64(time.Duration(math.MaxInt64)/time.Second)+1, 10), map[string]int64{"q": 999999999999999}, map[string]int64{"r": 999999999999999, "t": int64(time.Duration(math.MaxInt64)/time.Second) + 1}},
		{"far reset millis", ResetEpochMillis, Bucket{Limit: 1, Reset: far}, "1", "0", strconv.FormatInt(far.UnixMilli(), 10), map[string]int64{"q": 1}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := readBack(t, setRateLimit(t, RateLimitOptions{Reset: tt.style}, tt.b))
			assert.Equal(t, tt.limit, p.limit)
			assert.Equal(t, tt.remaining, p.remaining)
			assert.Equal(t, tt.rset, p.reset)
			require.Len(t, p.policy, 1)
			assert.Equal(t, "default", p.policy[0].name)
			assert.Equal(t, tt.policy, p.policy[0].params)
			require.Len(t, p.ratelimit, 1)
			if tt.rate != nil {
				assert.Equal(t, tt.rate, p.ratelimit[0].params)
			}
		})
	}
}

func TestRateLimitPolicyNames(t *testing.T) {
	t.Parallel()
	names := []string{`a"b`, `c\d`, "tab\there", "ünï", " sp ace ", ""}
	bs := make([]Bucket, len(names))
	for i, n := range names {
		bs[i] = Bucket{Policy: n, Limit: int64(i + 1), Remaining: int64(i)}
	}
	p := readBack(t, setRateLimit(t, RateLimitOptions{}, bs...))
	// Names that are not printable ASCII are left out; the others round-trip.
	want := []string{`a"b`, `c\d`, " sp ace ", "default"}
	var got, gotR []string
	for _, it := range p.policy {
		got = append(got, it.name)
	}
	for _, it := range p.ratelimit {
		gotR = append(gotR, it.name)
	}
	assert.Equal(t, want, got)
	assert.Equal(t, want, gotR)
	// The legacy fields still describe the most restrictive bucket, whatever
	// its name: remaining 0.
	assert.Equal(t, "0", p.remaining)
	assert.Equal(t, "1", p.limit)

	// Nothing representable and the legacy headers omitted: the IETF
	// fields are not written at all.
	h := setRateLimit(t, RateLimitOptions{Omit: []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"}}, Bucket{Policy: "\x00"})
	assert.Empty(t, h)
}

func TestRateLimitSeveralBuckets(t *testing.T) {
	t.Parallel()
	key := Bucket{Policy: "per-key", Limit: 100, Window: time.Minute, Remaining: 40, Reset: testNow.Add(20 * time.Second)}
	org := Bucket{Policy: "per-org", Limit: 1000, Window: time.Hour, Remaining: 40, Reset: testNow.Add(50 * time.Second)}
	low := Bucket{Policy: "low", Limit: 5, Remaining: 3, Reset: testNow.Add(time.Second)}
	tests := []struct {
		name                   string
		buckets                []Bucket
		limit, remaining, rset string
		retry                  string
	}{
		{"least remaining", []Bucket{key, low, org}, "5", "3", "1", ""},
		{"tie goes to later reset", []Bucket{key, org}, "1000", "40", "50", ""},
		{"tie goes to later reset, order swapped", []Bucket{org, key}, "1000", "40", "50", ""},
		{"exact tie goes to first", []Bucket{key, withPolicy(key, "twin")}, "100", "40", "20", ""},
		{"denied wins over fewer remaining", []Bucket{low, denied(key)}, "100", "0", "20", "20"},
		{"two denied: the longer wait", []Bucket{denied(key), denied(org), low}, "1000", "0", "50", "50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := readBack(t, setRateLimit(t, RateLimitOptions{}, tt.buckets...))
			assert.Equal(t, tt.limit, p.limit)
			assert.Equal(t, tt.remaining, p.remaining)
			assert.Equal(t, tt.rset, p.reset)
			assert.Equal(t, tt.retry, p.retryAfter)
			require.Len(t, p.policy, len(tt.buckets))
			require.Len(t, p.ratelimit, len(tt.buckets))
			for i, b := range tt.buckets {
				assert.Equal(t, b.Policy, p.policy[i].name)
				assert.Equal(t, b.Limit, p.policy[i].params["q"])
				assert.Equal(t, b.Policy, p.ratelimit[i].name)
				assert.Equal(t, max(b.Remaining, 0), p.ratelimit[i].params["r"])
				assert.Equal(t, int64(math.Ceil(b.Reset.Sub(testNow).Seconds())), p.ratelimit[i].params["t"])
			}
		})
	}
}

func denied(b Bucket) Bucket {
	b.Denied = true
	b.Remaining = 0
	return b
}

func withPolicy(b Bucket, name string) Bucket {
	b.Policy = name
	return b
}

// TestRetryAfterValue covers the value of Retry-After, in delay-seconds
// and as an HTTP-date, against MaxRetryAfter.
func TestRetryAfterValue(t *testing.T) {
	t.Parallel()
	never := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		cap   time.Duration
		reset time.Time
		want  int64 // seconds
	}{
		{"negative wait", 0, testNow.Add(-10 * time.Second), 1},
		{"zero wait", 0, testNow, 1},
		{"zero time", 0, time.Time{}, 1},
		{"sub-second", 0, testNow.Add(10 * time.Millisecond), 1},
		{"just over a second", 0, testNow.Add(time.Second + time.Nanosecond), 2},
		{"whole seconds", 0, testNow.Add(30 * time.Second), 30},
		{"fraction rounds up", 0, testNow.Add(29*time.Second + time.Millisecond), 30},
		{"long wait capped at a day", 0, testNow.Add(72 * time.Hour), 86400},
		{"effectively infinite", 0, never, 86400},
		{"custom cap", 90 * time.Second, never, 90},
		{"cap in whole seconds", 1500 * time.Millisecond, never, 1},
		{"below cap", time.Hour, testNow.Add(59 * time.Minute), 3540},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := Bucket{Policy: "p", Limit: 1, Reset: tt.reset, Denied: true}

			h := setRateLimit(t, RateLimitOptions{MaxRetryAfter: tt.cap}, b)
			secs, err := strconv.ParseInt(h.Get("Retry-After"), 10, 64)
			require.NoError(t, err, h.Get("Retry-After"))
			assert.Equal(t, tt.want, secs)

			// The date form names the same instant or, with no cap in
			// the way, the reset rounded up to the second; never in the
			// past, never earlier than the reset unless capped.
			h = setRateLimit(t, RateLimitOptions{MaxRetryAfter: tt.cap, RetryAfterDate: true}, b)
			v := h.Get("Retry-After")
			at, err := http.ParseTime(v)
			require.NoError(t, err, v)
			assert.Equal(t, v, at.Format(http.TimeFormat), "round-trips")
			assert.Zero(t, at.Nanosecond())
			assert.True(t, at.After(testNow), "%s after now", v)
			assert.LessOrEqual(t, at.Sub(testNow), time.Duration(tt.want)*time.Second+time.Second)
			assert.GreaterOrEqual(t, at.Sub(testNow), time.Duration(tt.want-1)*time.Second)
			if tt.reset.Sub(testNow) <= time.Duration(tt.want)*time.Second {
				assert.False(t, at.Before(tt.reset), "%s not before reset %s", v, tt.reset)
			}
		})
	}
}

func TestRetryAfterOnlyWhenRefused(t *testing.T) {
	t.Parallel()
	h := setRateLimit(t, RateLimitOptions{}, Bucket{Policy: "p", Limit: 1, Reset: testNow.Add(time.Hour)})
	assert.Empty(t, h.Values("Retry-After"))
	assert.NotEmpty(t, h.Values("X-Ratelimit-Limit"))
}

// TestRateLimitOmit: each header Omit names is not sent, and only those;
// names are matched case-insensitively. (It replaces v1's RateLimitFields
// families.)
func TestRateLimitOmit(t *testing.T) {
	t.Parallel()
	canonical := make([]string, len(rateLimitHeaderNames))
	for i, k := range rateLimitHeaderNames {
		canonical[i] = http.CanonicalHeaderKey(k)
	}
	without := func(omit ...int) []string {
		var out []string
		for i, k := range canonical {
			keep := true
			for _, j := range omit {
				keep = keep && i != j
			}
			if keep {
				out = append(out, k)
			}
		}
		return out
	}
	tests := []struct {
		name string
		omit []string
		want []string
	}{
		{"none", nil, canonical},
		{"legacy trio", rateLimitHeaderNames[:3], without(0, 1, 2)},
		{"IETF fields", rateLimitHeaderNames[3:5], without(3, 4)},
		{"lower case", []string{"x-ratelimit-reset", "retry-after"}, without(2, 5)},
		{"repeated", []string{"RateLimit", "RATELIMIT"}, without(4)},
		{"all", rateLimitHeaderNames, nil},
	}
	for i, k := range rateLimitHeaderNames {
		tests = append(tests, struct {
			name string
			omit []string
			want []string
		}{"only " + k, []string{k}, without(i)})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := setRateLimit(t, RateLimitOptions{Omit: tt.omit}, Bucket{Limit: 1, Denied: true, Reset: testNow.Add(time.Second)})
			var got []string
			for k := range h {
				got = append(got, k)
			}
			assert.ElementsMatch(t, tt.want, got)
		})
	}
}

// TestNewWriterValidatesRateLimit: invalid rate-limit options make
// NewWriter fail, saying why, instead of rendering nonsense later.
func TestNewWriterValidatesRateLimit(t *testing.T) {
	t.Parallel()
	bad := []struct {
		opts RateLimitOptions
		want string
	}{
		{RateLimitOptions{Reset: ResetEpochMillis + 1}, "unknown reset style 3"},
		{RateLimitOptions{MaxRetryAfter: -time.Second}, "MaxRetryAfter -1s is below one second"},
		{RateLimitOptions{MaxRetryAfter: time.Millisecond}, "MaxRetryAfter 1ms is below one second"},
		{RateLimitOptions{MaxRetryAfter: time.Second - 1}, "below one second"},
		{RateLimitOptions{Omit: []string{"X-RateLimit-Used"}}, `cannot omit "X-RateLimit-Used": not a rate-limit header`},
		{RateLimitOptions{Omit: []string{"Retry-After", "Content-Type"}}, `cannot omit "Content-Type"`},
		{RateLimitOptions{Omit: []string{""}}, `cannot omit ""`},
		{RateLimitOptions{Omit: []string{"RateLimit "}}, `cannot omit "RateLimit "`},
	}
	for _, tt := range bad {
		ew, err := NewWriter(WriterOptions{RateLimit: tt.opts})
		require.Error(t, err, "%+v", tt.opts)
		assert.Nil(t, ew)
		assert.Contains(t, err.Error(), tt.want)
		assert.Contains(t, err.Error(), "envelope: ")
	}
	for _, opts := range []RateLimitOptions{
		{}, {MaxRetryAfter: time.Second}, {Reset: ResetEpochMillis, RetryAfterDate: true},
		{Omit: []string{"ratelimit-policy", "X-RATELIMIT-LIMIT"}},
	} {
		_, err := NewWriter(WriterOptions{RateLimit: opts})
		assert.NoError(t, err, "%+v", opts)
	}
}

func TestRateLimitSetReplaces(t *testing.T) {
	t.Parallel()
	ew := rateLimitWriter(t, RateLimitOptions{})
	h := http.Header{}
	h.Add("X-RateLimit-Limit", "stale")
	h.Add("X-RateLimit-Limit", "stale2")
	h.Add("Retry-After", "999")
	h.Set("X-Other", "kept")
	b := Bucket{Policy: "p", Limit: 7, Remaining: 0, Reset: testNow.Add(3 * time.Second), Denied: true}
	ew.SetRateLimit(h, b)
	ew.SetRateLimit(h, b)
	p := readBack(t, h)
	assert.Equal(t, "7", p.limit)
	assert.Equal(t, "3", p.retryAfter)
	assert.Equal(t, "kept", h.Get("X-Other"))

	// No bucket, nil header: nothing written, no panic.
	h2 := http.Header{}
	ew.SetRateLimit(h2)
	assert.Empty(t, h2)
	assert.NotPanics(t, func() { ew.SetRateLimit(nil, b) })
}

// TestRateLimitZeroOptions: a writer built with zero options writes every
// header on the system clock, the reset in delay seconds, and caps
// Retry-After at a day. (It replaces v1's nil *RateLimitHeaders.)
func TestRateLimitZeroOptions(t *testing.T) {
	t.Parallel()
	ew := quietWriter(t)
	h := http.Header{}
	ew.SetRateLimit(h, Bucket{Policy: "p", Limit: 3, Remaining: 2, Reset: time.Now().Add(time.Hour), Denied: true})
	p := readBack(t, h)
	assert.Equal(t, "3", p.limit)
	assert.Equal(t, "2", p.remaining)
	secs, err := strconv.Atoi(p.retryAfter)
	require.NoError(t, err)
	assert.InDelta(t, 3600, secs, 1)
	reset, err := strconv.Atoi(p.reset)
	require.NoError(t, err)
	assert.InDelta(t, 3600, reset, 1, "default style is delay seconds")
	require.Len(t, p.policy, 1)

	h = http.Header{}
	ew.SetRateLimit(h, Bucket{Limit: 1, Reset: time.Now().Add(72 * time.Hour), Denied: true})
	assert.Equal(t, "86400", h.Get("Retry-After"))
}

// TestWithRateLimitCopies: the bucket state and the wait an error carries
// are copied in and out, and each With method leaves the receiver as it
// was.
func TestWithRateLimitCopies(t *testing.T) {
	t.Parallel()
	bs := []Bucket{{Policy: "a", Limit: 1}, {Policy: "b", Limit: 2}}
	base := RateLimited("slow down")
	e := base.WithRateLimit(bs...)
	bs[0].Policy = "mutated"
	assert.Nil(t, base.RateLimit(), "receiver untouched")
	assert.Equal(t, "a", e.RateLimit()[0].Policy, "buckets copied in")
	got := e.RateLimit()
	got[1].Policy = "mutated"
	assert.Equal(t, "b", e.RateLimit()[1].Policy, "buckets copied out")

	r := e.WithRetryAfter(time.Minute)
	_, ok := e.RetryAfter()
	assert.False(t, ok, "WithRetryAfter copies")
	d, ok := r.RetryAfter()
	assert.True(t, ok)
	assert.Equal(t, time.Minute, d)
	r2 := r.WithRateLimit(Bucket{Policy: "c"})
	d, _ = r2.RetryAfter()
	assert.Equal(t, time.Minute, d, "explicit wait kept")
	assert.Len(t, r.RateLimit(), 2)
	assert.Len(t, r2.RateLimit(), 1)
	cleared := r.WithRetryAfter(0)
	_, ok = cleared.RetryAfter()
	assert.False(t, ok, "d <= 0 removes the wait")
	assert.Len(t, cleared.RateLimit(), 2, "and keeps the buckets")
	assert.Nil(t, e.WithRateLimit().RateLimit(), "no buckets: no bucket state")

	var nilErr *APIError
	assert.Nil(t, nilErr.RateLimit())
	assert.Equal(t, CodeInternal, nilErr.WithRateLimit(Bucket{}).Code())

	assert.ErrorIs(t, RateLimited("").WithRateLimit(Bucket{}), RateLimited(""), "matching is by code")
	assert.Equal(t, http.StatusTooManyRequests, RateLimited("").WithRateLimit().Status())
}

// TestWithRateLimitConcurrent derives and renders errors from one shared
// error in many goroutines; run with -race it proves neither the With
// methods nor rendering write to the shared state.
func TestWithRateLimitConcurrent(t *testing.T) {
	t.Parallel()
	ew := rateLimitWriter(t, RateLimitOptions{})
	base := RateLimited("").WithRateLimit(Bucket{Policy: "base", Limit: 1, Denied: true})
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 100 {
				name := strconv.Itoa(i*1000 + j)
				e := base.WithRateLimit(Bucket{Policy: name, Denied: true}).WithRetryAfter(time.Duration(j) * time.Second)
				if got := e.RateLimit()[0].Policy; got != name {
					t.Errorf("got %q", got)
					return
				}
				h := http.Header{}
				status, _ := ew.Render(h, nil, e)
				if status != http.StatusTooManyRequests || h.Get("Retry-After") != strconv.Itoa(max(j, 1)) || h.Get("RateLimit") != `"`+name+`";r=0;t=0` {
					t.Errorf("%d: Retry-After %q, RateLimit %q", status, h.Get("Retry-After"), h.Get("RateLimit"))
					return
				}
			}
		}()
	}
	wg.Wait()
	require.Len(t, base.RateLimit(), 1)
	assert.Equal(t, "base", base.RateLimit()[0].Policy)
	_, ok := base.RetryAfter()
	assert.False(t, ok)
}

func TestViolatedPolicies(t *testing.T) {
	t.Parallel()
	u, err := url.Parse(quotaExceededType)
	require.NoError(t, err)
	assert.Equal(t, "iana.org", u.Host)
	assert.Equal(t, "quota-exceeded", u.Fragment)

	tests := []struct {
		name string
		e    *APIError
		want []string
	}{
		{"no state", RateLimited(""), nil},
		{"nil", nil, nil},
		{"explicit wait only", RateLimited("").WithRetryAfter(time.Second), nil},
		{"denying buckets", RateLimited("").WithRateLimit(Bucket{Policy: "a", Denied: true}, Bucket{Policy: "b", Remaining: 0}, Bucket{Denied: true}), []string{"a", "default"}},
		{"none marked: most restrictive", RateLimited("").WithRateLimit(Bucket{Policy: "a", Remaining: 5}, Bucket{Policy: "b", Remaining: 1}), []string{"b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, violatedPolicies(tt.e))
		})
	}
}

// TestRateLimitErrorHook covers which status gets what from an error's
// state, through Render; the wire is covered by TestRateLimitOverHTTP.
func TestRateLimitErrorHook(t *testing.T) {
	t.Parallel()
	plain := Bucket{Policy: "p", Limit: 10, Remaining: 2, Reset: testNow.Add(5 * time.Second)}
	tests := []struct {
		name  string
		e     *APIError
		retry string
		limit string
	}{
		{"429, none marked denied: most restrictive", RateLimited("").WithRateLimit(plain, Bucket{Policy: "q", Limit: 9, Remaining: 4, Reset: testNow.Add(time.Hour)}), "5", "10"},
		{"429, explicit wait longer than reset", RateLimited("").WithRateLimit(plain).WithRetryAfter(time.Minute), "60", "10"},
		{"429, explicit wait only", RateLimited("").WithRetryAfter(1500 * time.Millisecond), "2", ""},
		{"429 of a domain code", New("token_rate_limit", "").WithRateLimit(plain), "5", "10"},
		{"503, explicit wait", Unavailable("").WithRetryAfter(2 * time.Minute), "120", ""},
		{"503, state but no refusal", Unavailable("").WithRateLimit(plain), "", "10"},
		{"503, denying bucket", Unavailable("").WithRateLimit(denied(plain)), "5", "10"},
		{"503, denying bucket and a longer wait", Unavailable("").WithRateLimit(denied(plain)).WithRetryAfter(time.Minute), "60", "10"},
		{"403, denied bucket: no Retry-After", Forbidden("").WithRateLimit(denied(plain)).WithRetryAfter(time.Minute), "", "10"},
		{"413, explicit wait: a temporary condition (RFC 9110 §15.5.14)", PayloadTooLarge("").WithRetryAfter(time.Minute), "60", ""},
		{"404, explicit wait: nothing", NotFound("").WithRetryAfter(time.Minute), "", ""},
		{"no state", RateLimited(""), "", ""},
	}
	ew := newWriter(t, WriterOptions{Codes: testCodes(t), RateLimit: RateLimitOptions{Now: fixedClock}})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			ew.Render(h, nil, tt.e)
			p := readBack(t, h)
			assert.Equal(t, tt.retry, p.retryAfter)
			assert.Equal(t, tt.limit, p.limit)
		})
	}
}

// TestRateLimitOverHTTP checks the headers on the wire through a real
// server: on a 200 and a 304 written by the handler with SetRateLimit, and
// on the 429 envelope (GET and HEAD) written by Write from the error's
// state.
func TestRateLimitOverHTTP(t *testing.T) {
	t.Parallel()
	ew := rateLimitWriter(t, RateLimitOptions{Reset: ResetEpochMillis})
	key := Bucket{Policy: "per-token", Limit: 60, Window: time.Minute, Remaining: 0, Reset: testNow.Add(42 * time.Second), Denied: true}
	org := Bucket{Policy: "per-org", Limit: 600, Window: time.Minute, Remaining: 100, Reset: testNow.Add(10 * time.Second)}
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A stale value from an outer layer must be replaced, not joined.
		w.Header().Add("X-RateLimit-Limit", "1")
		switch r.URL.Path {
		case "/ok":
			ew.SetRateLimit(w.Header(), org, withRemaining(key, 5))
			_, _ = io.WriteString(w, "ok")
		case "/cached":
			ew.SetRateLimit(w.Header(), org, withRemaining(key, 5))
			w.WriteHeader(http.StatusNotModified)
		case "/limited":
			ew.Write(w, r, fmt.Errorf("handler: %w", RateLimited("").WithRateLimit(org, key)))
		}
	}))
	resetMillis := func(b Bucket) string { return strconv.FormatInt(b.Reset.UnixMilli(), 10) }

	for _, path := range []string{"/ok", "/cached"} {
		resp, _ := do(t, srv, http.MethodGet, path, nil, nil)
		p := readBack(t, resp.Header)
		assert.Equal(t, "60", p.limit, path)
		assert.Equal(t, "5", p.remaining, path)
		assert.Equal(t, resetMillis(key), p.reset, path)
		assert.Empty(t, p.retryAfter, path)
		require.Len(t, p.policy, 2, path)
		assert.Equal(t, "per-org", p.policy[0].name)
		assert.Equal(t, int64(600), p.policy[0].params["q"])
		assert.Equal(t, int64(60), p.policy[0].params["w"])
		require.Len(t, p.ratelimit, 2, path)
		assert.Equal(t, int64(5), p.ratelimit[1].params["r"])
		assert.Equal(t, int64(42), p.ratelimit[1].params["t"])
	}

	for _, method := range []string{http.MethodGet, http.MethodHead} {
		resp, body := do(t, srv, method, "/limited", nil, nil)
		assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
		p := readBack(t, resp.Header)
		assert.Equal(t, "60", p.limit, "the bucket that denied, not the one with fewer remaining")
		assert.Equal(t, "0", p.remaining)
		assert.Equal(t, resetMillis(key), p.reset)
		assert.Equal(t, "42", p.retryAfter)
		require.Len(t, p.ratelimit, 2)
		assert.Equal(t, map[string]int64{"r": 100, "t": 10}, p.ratelimit[0].params)
		if method == http.MethodHead {
			assert.Empty(t, body)
			continue
		}
		assert.Equal(t, string(CodeRateLimited), decodeBody(t, body)["code"], string(body))
	}
}

func withRemaining(b Bucket, n int64) Bucket {
	b.Remaining = n
	b.Denied = false
	return b
}

// TestRateLimitDefaultWriter: behind Protect, the package-level Write
// renders an error's rate-limit state with the default writer's options.
func TestRateLimitDefaultWriter(t *testing.T) {
	t.Parallel()
	srv := serve(t, Protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Write(w, r, RateLimited("").WithRateLimit(Bucket{Policy: "p", Limit: 5, Reset: time.Now().Add(90 * time.Second), Denied: true}))
	})))
	resp, _ := do(t, srv, http.MethodGet, "/", nil, nil)
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	p := readBack(t, resp.Header)
	assert.Equal(t, "5", p.limit)
	secs, err := strconv.Atoi(p.retryAfter)
	require.NoError(t, err)
	assert.InDelta(t, 90, secs, 1)
	require.Len(t, p.policy, 1)
}

// TestRetryAfterUsesRetryAt: a token bucket refuses until its next token,
// not until it is full, so Retry-After follows RetryAt when it is set, and
// Reset otherwise; with several denying buckets, the latest wins.
func TestRetryAfterUsesRetryAt(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ew := rateLimitWriter(t, RateLimitOptions{Now: func() time.Time { return now }})
	tokens := Bucket{Policy: "tokens", Limit: 5, Window: 10 * time.Second, Reset: now.Add(10 * time.Second), RetryAt: now.Add(2 * time.Second), Denied: true}
	window := Bucket{Policy: "window", Limit: 5, Window: time.Minute, Reset: now.Add(30 * time.Second), Denied: true}
	cases := []struct {
		name    string
		buckets []Bucket
		want    string
	}{
		{"token bucket", []Bucket{tokens}, "2"},
		{"fixed window", []Bucket{window}, "30"},
		{"both deny: the later", []Bucket{tokens, window}, "30"},
		{"past RetryAt: at least 1", []Bucket{{Policy: "p", Limit: 1, Reset: now.Add(5 * time.Second), RetryAt: now.Add(-time.Second), Denied: true}}, "1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			ew.SetRateLimit(h, tc.buckets...)
			assert.Equal(t, tc.want, h.Get("Retry-After"))
			assert.Equal(t, ceilSecondsString(tc.buckets, now), h.Get("X-RateLimit-Reset"), "the reset itself still reports a full refill")
		})
	}
}

// ceilSecondsString is the expected X-RateLimit-Reset (delay seconds) of
// the bucket the legacy headers describe: among denying buckets, the one
// with the latest Reset.
func ceilSecondsString(bs []Bucket, now time.Time) string {
	var latest time.Time
	for _, b := range bs {
		if b.Reset.After(latest) {
			latest = b.Reset
		}
	}
	return strconv.FormatInt(int64(max(0, latest.Sub(now)+time.Second-1)/time.Second), 10)
}

// TestRateLimitOptionsOverHTTP: every RateLimitOptions setting, on the
// headers of errors carrying bucket state or a wait (WithRateLimit,
// WithRetryAfter), through a real server.
func TestRateLimitOptionsOverHTTP(t *testing.T) {
	t.Parallel()
	key := Bucket{Policy: "per-key", Limit: 60, Window: time.Minute, Remaining: 0, Reset: testNow.Add(42 * time.Second), Denied: true}
	org := Bucket{Policy: "per-org", Limit: 600, Window: time.Hour, Remaining: 100, Reset: testNow.Add(10 * time.Minute)}
	limited := RateLimited("").WithRateLimit(key, org)
	all := map[string]string{
		"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "42",
		"RateLimit-Policy": `"per-key";q=60;w=60, "per-org";q=600;w=3600`,
		"RateLimit":        `"per-key";r=0;t=42, "per-org";r=100;t=600`,
		"Retry-After":      "42",
	}
	with := func(changes ...string) map[string]string {
		out := make(map[string]string, len(all))
		for k, v := range all {
			out[k] = v
		}
		for i := 0; i+1 < len(changes); i += 2 {
			out[changes[i]] = changes[i+1]
		}
		return out
	}
	type tcase struct {
		name string
		opts RateLimitOptions
		err  error
		want map[string]string // "" for absent
	}
	tests := []tcase{
		{"zero options", RateLimitOptions{}, limited, all},
		{"reset in epoch seconds", RateLimitOptions{Reset: ResetEpochSeconds}, limited,
			with("X-RateLimit-Reset", strconv.FormatInt(testNow.Unix()+43, 10))},
		{"reset in epoch millis", RateLimitOptions{Reset: ResetEpochMillis}, limited,
			with("X-RateLimit-Reset", strconv.FormatInt(testNow.Add(42*time.Second).UnixMilli(), 10))},
		{"Retry-After as a date", RateLimitOptions{RetryAfterDate: true}, limited,
			with("Retry-After", "Sun, 01 Mar 2026 12:00:43 GMT")},
		{"Retry-After capped", RateLimitOptions{MaxRetryAfter: 10 * time.Second}, limited,
			with("Retry-After", "10")},
		{"Retry-After date capped", RateLimitOptions{MaxRetryAfter: 10 * time.Second, RetryAfterDate: true}, limited,
			with("Retry-After", "Sun, 01 Mar 2026 12:00:11 GMT")},
		{"explicit wait longer than the bucket's", RateLimitOptions{}, limited.WithRetryAfter(2 * time.Minute),
			with("Retry-After", "120")},
		{"explicit wait only, 503", RateLimitOptions{}, Unavailable("").WithRetryAfter(90 * time.Second),
			map[string]string{"Retry-After": "90"}},
		{"explicit wait only, as a date", RateLimitOptions{RetryAfterDate: true}, Unavailable("").WithRetryAfter(90 * time.Second),
			map[string]string{"Retry-After": "Sun, 01 Mar 2026 12:01:31 GMT"}},
		{"explicit wait, Retry-After omitted", RateLimitOptions{Omit: []string{"Retry-After"}}, RateLimited("").WithRetryAfter(time.Minute),
			map[string]string{}},
		{"legacy trio omitted", RateLimitOptions{Omit: []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"}}, limited,
			with("X-RateLimit-Limit", "", "X-RateLimit-Remaining", "", "X-RateLimit-Reset", "")},
	}
	for _, k := range rateLimitHeaderNames {
		tests = append(tests, tcase{"omit " + k, RateLimitOptions{Omit: []string{k}}, limited, with(k, "")})
	}
	errs := map[string]error{}
	writers := map[string]*Writer{}
	for i, tt := range tests {
		path := "/" + strconv.Itoa(i)
		errs[path] = tt.err
		writers[path] = rateLimitWriter(t, tt.opts)
	}
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writers[r.URL.Path].Write(w, r, errs[r.URL.Path])
	}))
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, method := range []string{http.MethodGet, http.MethodHead} {
				resp, _ := do(t, srv, method, "/"+strconv.Itoa(i), nil, nil)
				readBack(t, resp.Header) // well-formed, never duplicated
				for _, k := range rateLimitHeaderNames {
					assert.Equal(t, tt.want[k], resp.Header.Get(k), "%s %s", method, k)
				}
				if v := resp.Header.Get("Retry-After"); tt.opts.RetryAfterDate && v != "" {
					_, err := http.ParseTime(v)
					assert.NoError(t, err, v)
				}
			}
		})
	}
}

// TestQuotaExceededProblem: in the problem format, a 429 whose error
// carries bucket state is the quota-exceeded problem type of
// draft-ietf-httpapi-ratelimit-headers-11 §6, with the registered title
// and "violated-policies" naming the policies that refused; a 429 without
// state, any other status and formats without a problem type are left
// alone.
func TestQuotaExceededProblem(t *testing.T) {
	t.Parallel()
	key := Bucket{Policy: "per-key", Limit: 60, Window: time.Minute, Remaining: 0, Reset: testNow.Add(42 * time.Second), Denied: true}
	org := Bucket{Policy: "org", Limit: 1000, Window: time.Minute, Remaining: 500, Reset: testNow.Add(10 * time.Second)}
	errs := map[string]error{
		"/limited":       RateLimited("").WithRateLimit(key, org),
		"/two-denied":    RateLimited("").WithRateLimit(key, denied(withPolicy(org, "org"))),
		"/none-marked":   RateLimited("").WithRateLimit(withRemaining(key, 5), org),
		"/own-extension": RateLimited("Slow down.").WithRateLimit(key).WithExtension("violated-policies", "mine").WithExtension("extra", 1),
		"/domain":        New("token_rate_limit", "").WithRateLimit(key),
		"/plain":         RateLimited(""),
		"/wait-only":     RateLimited("").WithRetryAfter(time.Minute),
		"/503":           Unavailable("").WithRateLimit(key),
	}
	opts := WriterOptions{Format: ProblemFormat(), RateLimit: RateLimitOptions{Now: fixedClock}}
	srv := errorServer(t, opts, errs)
	const quota = `"type":"https://iana.org/assignments/http-problem-types#quota-exceeded",
		"title":"Request cannot be satisfied as assigned quota has been exceeded","status":429`
	tests := []struct {
		path, body, retryAfter string
	}{
		{"/limited", `{` + quota + `,"detail":"Too many requests. Try again later.","instance":"/limited","code":"rate_limited","violated-policies":["per-key"]}`, "42"},
		{"/two-denied", `{` + quota + `,"detail":"Too many requests. Try again later.","instance":"/two-denied","code":"rate_limited","violated-policies":["per-key","org"]}`, "42"},
		{"/none-marked", `{` + quota + `,"detail":"Too many requests. Try again later.","instance":"/none-marked","code":"rate_limited","violated-policies":["per-key"]}`, "42"},
		{"/own-extension", `{` + quota + `,"detail":"Slow down.","instance":"/own-extension","code":"rate_limited","violated-policies":["per-key"],"extra":1}`, "42"},
		{"/domain", `{` + quota + `,"detail":"The token's rate limit is exhausted.","instance":"/domain","code":"token_rate_limit","violated-policies":["per-key"]}`, "42"},
		{"/plain", `{"type":"about:blank","title":"Too Many Requests","status":429,"detail":"Too many requests. Try again later.","instance":"/plain","code":"rate_limited"}`, ""},
		{"/wait-only", `{"type":"about:blank","title":"Too Many Requests","status":429,"detail":"Too many requests. Try again later.","instance":"/wait-only","code":"rate_limited"}`, "60"},
		{"/503", `{"type":"about:blank","title":"Service Unavailable","status":503,"detail":"The service is temporarily unavailable. Try again later.","instance":"/503","code":"service_unavailable"}`, "42"},
	}
	for _, tt := range tests {
		resp, body := do(t, srv, http.MethodGet, tt.path, nil, nil)
		assert.Equal(t, ProblemMediaType, resp.Header.Get("Content-Type"), tt.path)
		assert.JSONEq(t, tt.body, string(body), tt.path)
		assert.Equal(t, tt.retryAfter, resp.Header.Get("Retry-After"), tt.path)
	}
	_, body := do(t, srv, http.MethodHead, "/limited", nil, nil)
	assert.Empty(t, body)

	// The flat format has no problem type: nothing is added.
	flat := errorServer(t, WriterOptions{RateLimit: RateLimitOptions{Now: fixedClock}}, errs)
	_, body = do(t, flat, http.MethodGet, "/limited", nil, nil)
	assert.JSONEq(t, `{"code":"rate_limited","message":"Too many requests. Try again later."}`, string(body))

	// As an alternate the client asks for, and with a localized detail:
	// the registered title stays as the draft registers it.
	neg := errorServer(t, WriterOptions{Alternates: []Format{ProblemFormat()}, Localizer: testLocalizer(), RateLimit: RateLimitOptions{Now: fixedClock}}, errs)
	resp, body := do(t, neg, http.MethodGet, "/limited", http.Header{"Accept": {ProblemMediaType}, "Accept-Language": {"de"}}, nil)
	assert.Equal(t, ProblemMediaType, resp.Header.Get("Content-Type"))
	assert.Equal(t, "de", resp.Header.Get("Content-Language"))
	assert.JSONEq(t, `{`+quota+`,"detail":"Zu viele Anfragen. Bitte versuchen Sie es später erneut.","instance":"/limited","code":"rate_limited","violated-policies":["per-key"]}`, string(body))
}

func benchBuckets(n int) []Bucket {
	bs := []Bucket{
		{Policy: "per-key", Limit: 100, Window: time.Minute, Remaining: 42, Reset: testNow.Add(17 * time.Second)},
		{Policy: "per-org", Limit: 10000, Window: time.Hour, Remaining: 9000, Reset: testNow.Add(30 * time.Minute)},
		{Policy: "daily", Limit: 100000, Window: 24 * time.Hour, Remaining: 50000, Reset: testNow.Add(5 * time.Hour)},
	}
	return bs[:n]
}

// BenchmarkRateLimitSet measures SetRateLimit on a fresh header map per
// response, as net/http gives each response.
func BenchmarkRateLimitSet(b *testing.B) {
	for _, n := range []int{1, 3} {
		b.Run(fmt.Sprintf("buckets=%d", n), func(b *testing.B) {
			ew := rateLimitWriter(b, RateLimitOptions{})
			bs := benchBuckets(n)
			b.ReportAllocs()
			for b.Loop() {
				ew.SetRateLimit(make(http.Header), bs...)
			}
		})
	}
}

// BenchmarkRateLimitWrite429 measures writing a 429 that carries bucket
// state, on a fresh header map per response.
func BenchmarkRateLimitWrite429(b *testing.B) {
	for _, n := range []int{1, 3} {
		b.Run(fmt.Sprintf("buckets=%d", n), func(b *testing.B) {
			ew := rateLimitWriter(b, RateLimitOptions{})
			bs := benchBuckets(n)
			bs[0].Denied = true
			e := RateLimited("").WithRateLimit(bs...)
			r, err := http.NewRequest(http.MethodGet, "/x", nil)
			require.NoError(b, err)
			b.ReportAllocs()
			for b.Loop() {
				ew.Write(newDiscardWriter(), r, e)
			}
		})
	}
}
