package envelope

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
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

func newRL(t testing.TB, cfg RateLimitConfig) *RateLimitHeaders {
	t.Helper()
	if cfg.Now == nil {
		cfg.Now = fixedClock
	}
	rl, err := NewRateLimitHeaders(cfg)
	require.NoError(t, err)
	return rl
}

// sfItem is one parsed RFC 9651 list member with a string bare item and
// integer parameters, the only shapes this package emits.
type sfItem struct {
	name   string
	params map[string]int64
	keys   []string
}

// parseSFList strictly parses an RFC 9651 §4.2.1 list whose members are
// sf-strings with integer parameters. It rejects anything else, including
// negative or over-long integers, bad escapes and non-printable bytes.
func parseSFList(s string) ([]sfItem, error) {
	var items []sfItem
	i := 0
	skipSP := func() {
		for i < len(s) && s[i] == ' ' {
			i++
		}
	}
	skipOWS := func() {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
	}
	skipSP()
	for i < len(s) {
		if s[i] != '"' {
			return nil, fmt.Errorf("at %d: want sf-string", i)
		}
		i++
		var name []byte
		closed := false
		for i < len(s) {
			c := s[i]
			i++
			if c == '\\' {
				if i >= len(s) || (s[i] != '"' && s[i] != '\\') {
					return nil, fmt.Errorf("at %d: bad escape", i)
				}
				name = append(name, s[i])
				i++
				continue
			}
			if c == '"' {
				closed = true
				break
			}
			if c < 0x20 || c > 0x7e {
				return nil, fmt.Errorf("at %d: byte %#x in string", i, c)
			}
			name = append(name, c)
		}
		if !closed {
			return nil, fmt.Errorf("unterminated string")
		}
		it := sfItem{name: string(name), params: map[string]int64{}}
		for i < len(s) && s[i] == ';' {
			i++
			skipSP()
			st := i
			if i >= len(s) || !(s[i] >= 'a' && s[i] <= 'z' || s[i] == '*') {
				return nil, fmt.Errorf("at %d: bad key", i)
			}
			for i < len(s) && (s[i] >= 'a' && s[i] <= 'z' || s[i] >= '0' && s[i] <= '9' || s[i] == '_' || s[i] == '-' || s[i] == '.' || s[i] == '*') {
				i++
			}
			key := s[st:i]
			if i >= len(s) || s[i] != '=' {
				return nil, fmt.Errorf("at %d: parameter %q has no integer", i, key)
			}
			i++
			st = i
			for i < len(s) && s[i] >= '0' && s[i] <= '9' {
				i++
			}
			if i == st || i-st > 15 {
				return nil, fmt.Errorf("at %d: want 1 to 15 digits, got %q", st, s[st:i])
			}
			v, err := strconv.ParseInt(s[st:i], 10, 64)
			if err != nil {
				return nil, err
			}
			if _, dup := it.params[key]; dup {
				return nil, fmt.Errorf("duplicate parameter %q", key)
			}
			it.params[key] = v
			it.keys = append(it.keys, key)
		}
		items = append(items, it)
		skipOWS()
		if i >= len(s) {
			break
		}
		if s[i] != ',' {
			return nil, fmt.Errorf("at %d: want comma", i)
		}
		i++
		skipOWS()
		if i >= len(s) {
			return nil, fmt.Errorf("trailing comma")
		}
	}
	return items, nil
}

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
	for _, k := range []string{"X-Ratelimit-Limit", "X-Ratelimit-Remaining", "X-Ratelimit-Reset", "Ratelimit-Policy", "Ratelimit", "Retry-After"} {
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
		style ResetStyle
		want  string
	}{
		{ResetDelaySeconds, "30"},
		{ResetEpochSeconds, strconv.FormatInt(time.Date(2026, 3, 1, 12, 0, 30, 0, time.UTC).Unix(), 10)},
		{ResetEpochMillis, strconv.FormatInt(time.Date(2026, 3, 1, 12, 0, 29, 0, time.UTC).Unix()*1000+750, 10)},
	}
	for _, tt := range tests {
		t.Run(tt.style.String(), func(t *testing.T) {
			t.Parallel()
			rl := newRL(t, RateLimitConfig{Reset: tt.style})
			h := http.Header{}
			rl.Set(h, Bucket{Policy: "per-key", Limit: 100, Window: time.Minute, Remaining: 42, Reset: reset})
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
			assert.Equal(t, map[string]int64{"r": 42, "t": 30}, p.ratelimit[0].params)
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
			h := http.Header{}
			newRL(t, RateLimitConfig{Reset: tt.style}).Set(h, tt.b)
			p := readBack(t, h)
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
	h := http.Header{}
	names := []string{`a"b`, `c\d`, "tab\there", "ünï", " sp ace ", ""}
	bs := make([]Bucket, len(names))
	for i, n := range names {
		bs[i] = Bucket{Policy: n, Limit: int64(i + 1), Remaining: int64(i)}
	}
	newRL(t, RateLimitConfig{}).Set(h, bs...)
	p := readBack(t, h)
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

	// Nothing representable: the IETF fields are not written at all.
	h = http.Header{}
	newRL(t, RateLimitConfig{Fields: RateLimitIETF}).Set(h, Bucket{Policy: "\x00"})
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
			h := http.Header{}
			newRL(t, RateLimitConfig{}).Set(h, tt.buckets...)
			p := readBack(t, h)
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

func TestRetryAfter(t *testing.T) {
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

			h := http.Header{}
			newRL(t, RateLimitConfig{MaxRetryAfter: tt.cap}).Set(h, b)
			secs, err := strconv.ParseInt(h.Get("Retry-After"), 10, 64)
			require.NoError(t, err, h.Get("Retry-After"))
			assert.Equal(t, tt.want, secs)

			// The date form names the same instant or, with no cap in
			// the way, the reset rounded up to the second; never in the
			// past, never earlier than the reset unless capped.
			h = http.Header{}
			newRL(t, RateLimitConfig{MaxRetryAfter: tt.cap, RetryAfter: RetryAfterDate}).Set(h, b)
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
	rl := newRL(t, RateLimitConfig{})
	h := http.Header{}
	rl.Set(h, Bucket{Policy: "p", Limit: 1, Reset: testNow.Add(time.Hour)})
	assert.Empty(t, h.Values("Retry-After"))
	assert.NotEmpty(t, h.Values("X-Ratelimit-Limit"))
}

func TestRateLimitFieldsSelection(t *testing.T) {
	t.Parallel()
	all := []string{"X-Ratelimit-Limit", "X-Ratelimit-Remaining", "X-Ratelimit-Reset", "Ratelimit-Policy", "Ratelimit", "Retry-After"}
	tests := []struct {
		fields RateLimitFields
		want   []string
	}{
		{0, all},
		{DefaultRateLimitFields, all},
		{RateLimitLegacy, all[:3]},
		{RateLimitIETF, all[3:5]},
		{RateLimitRetryAfter, all[5:]},
		{RateLimitLegacy | RateLimitRetryAfter, []string{all[0], all[1], all[2], all[5]}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(uint8(tt.fields)), func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			newRL(t, RateLimitConfig{Fields: tt.fields}).Set(h, Bucket{Limit: 1, Denied: true, Reset: testNow.Add(time.Second)})
			var got []string
			for k := range h {
				got = append(got, k)
			}
			assert.ElementsMatch(t, tt.want, got)
		})
	}
}

func TestRateLimitSetReplaces(t *testing.T) {
	t.Parallel()
	rl := newRL(t, RateLimitConfig{})
	h := http.Header{}
	h.Add("X-RateLimit-Limit", "stale")
	h.Add("X-RateLimit-Limit", "stale2")
	h.Add("Retry-After", "999")
	h.Set("X-Other", "kept")
	b := Bucket{Policy: "p", Limit: 7, Remaining: 0, Reset: testNow.Add(3 * time.Second), Denied: true}
	rl.Set(h, b)
	rl.Set(h, b)
	p := readBack(t, h)
	assert.Equal(t, "7", p.limit)
	assert.Equal(t, "3", p.retryAfter)
	assert.Equal(t, "kept", h.Get("X-Other"))

	// No bucket, nil header: nothing written, no panic.
	h2 := http.Header{}
	rl.Set(h2)
	assert.Empty(t, h2)
	rl.Set(nil, b)
}

func TestRateLimitNilReceiverIsDefault(t *testing.T) {
	t.Parallel()
	var rl *RateLimitHeaders
	h := http.Header{}
	rl.Set(h, Bucket{Policy: "p", Limit: 3, Remaining: 2, Reset: time.Now().Add(time.Hour), Denied: true})
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
}

func TestNewRateLimitHeadersValidates(t *testing.T) {
	t.Parallel()
	bad := []RateLimitConfig{
		{Fields: 1 << 5},
		{Reset: ResetEpochMillis + 1},
		{RetryAfter: RetryAfterDate + 1},
		{MaxRetryAfter: -time.Second},
		{MaxRetryAfter: time.Millisecond},
	}
	for i, cfg := range bad {
		_, err := NewRateLimitHeaders(cfg)
		assert.Error(t, err, "config %d", i)
	}
	_, err := NewRateLimitHeaders(RateLimitConfig{})
	assert.NoError(t, err)
}

func TestBucketValidate(t *testing.T) {
	t.Parallel()
	assert.NoError(t, Bucket{}.Validate())
	assert.NoError(t, Bucket{Policy: `q"uo\te`, Limit: 1, Window: time.Second}.Validate())
	assert.Error(t, Bucket{Policy: "é"}.Validate())
	assert.Error(t, Bucket{Policy: "a\nb"}.Validate())
	assert.Error(t, Bucket{Limit: -1}.Validate())
	assert.Error(t, Bucket{Window: -1}.Validate())
}

func TestResetStyleString(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "delay-seconds", ResetDelaySeconds.String())
	assert.Equal(t, "epoch-seconds", ResetEpochSeconds.String())
	assert.Equal(t, "epoch-millis", ResetEpochMillis.String())
	assert.Equal(t, "ResetStyle(9)", ResetStyle(9).String())
}

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
	assert.Equal(t, time.Duration(0), e.limits.retry, "WithRetryAfter copies")
	assert.Equal(t, time.Minute, r.limits.retry)
	r2 := r.WithRateLimit(Bucket{Policy: "c"})
	assert.Equal(t, time.Minute, r2.limits.retry, "explicit wait kept")
	assert.Len(t, r.RateLimit(), 2)
	assert.Len(t, r2.RateLimit(), 1)

	var nilErr *APIError
	assert.Nil(t, nilErr.RateLimit())
	assert.Equal(t, CodeInternal, nilErr.WithRateLimit(Bucket{}).Code())

	assert.True(t, errorsIs(RateLimitedBy(Bucket{}), ErrRateLimited))
	assert.Equal(t, http.StatusTooManyRequests, RateLimitedBy().Status())
}

func errorsIs(err, target error) bool {
	e, ok := err.(*APIError)
	return ok && e.Is(target)
}

func TestWithRateLimitConcurrent(t *testing.T) {
	t.Parallel()
	base := RateLimitedBy(Bucket{Policy: "base", Limit: 1, Denied: true})
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 100 {
				e := base.WithRateLimit(Bucket{Policy: strconv.Itoa(i*1000 + j)}).WithRetryAfter(time.Duration(j) * time.Second)
				if got := e.RateLimit()[0].Policy; got != strconv.Itoa(i*1000+j) {
					t.Errorf("got %q", got)
				}
				h := http.Header{}
				(*RateLimitHeaders)(nil).setErrorRateLimit(h, e, http.StatusTooManyRequests)
			}
		}()
	}
	wg.Wait()
	require.Len(t, base.RateLimit(), 1)
	assert.Equal(t, "base", base.RateLimit()[0].Policy)
	assert.Zero(t, base.limits.retry)
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
		{"denying buckets", RateLimitedBy(Bucket{Policy: "a", Denied: true}, Bucket{Policy: "b", Remaining: 0}, Bucket{Denied: true}), []string{"a", "default"}},
		{"none marked: most restrictive", RateLimitedBy(Bucket{Policy: "a", Remaining: 5}, Bucket{Policy: "b", Remaining: 1}), []string{"b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, violatedPolicies(tt.e))
		})
	}
}

// TestRateLimitErrorHook covers which status gets what from an error's
// state, without a server; the wire is covered by TestRateLimitOverHTTP.
func TestRateLimitErrorHook(t *testing.T) {
	t.Parallel()
	rl := newRL(t, RateLimitConfig{})
	plain := Bucket{Policy: "p", Limit: 10, Remaining: 2, Reset: testNow.Add(5 * time.Second)}
	tests := []struct {
		name  string
		e     *APIError
		retry string
		limit string
	}{
		{"429, none marked denied: most restrictive", RateLimitedBy(plain, Bucket{Policy: "q", Limit: 9, Remaining: 4, Reset: testNow.Add(time.Hour)}), "5", "10"},
		{"429, explicit wait longer than reset", RateLimitedBy(plain).WithRetryAfter(time.Minute), "60", "10"},
		{"429, explicit wait only", RateLimited("").WithRetryAfter(1500 * time.Millisecond), "2", ""},
		{"503, explicit wait", Unavailable("").WithRetryAfter(2 * time.Minute), "120", ""},
		{"503, state but no refusal", Unavailable("").WithRateLimit(plain), "", "10"},
		{"503, denying bucket", Unavailable("").WithRateLimit(denied(plain)), "5", "10"},
		{"403, denied bucket: no Retry-After", Forbidden("").WithRateLimit(denied(plain)).WithRetryAfter(time.Minute), "", "10"},
		{"no state", RateLimited(""), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			rl.setErrorRateLimit(h, tt.e, tt.e.Status())
			p := readBack(t, h)
			assert.Equal(t, tt.retry, p.retryAfter)
			assert.Equal(t, tt.limit, p.limit)
		})
	}
}

// TestRateLimitOverHTTP checks the headers on the wire through a real
// server: on a 200 and a 304 written by the handler with Set, and on the 429
// envelope (GET and HEAD) written by Write from the error's state.
func TestRateLimitOverHTTP(t *testing.T) {
	t.Parallel()
	rl := newRL(t, RateLimitConfig{Reset: ResetEpochMillis})
	ew, err := NewErrorWriter(Config{RateLimit: rl})
	require.NoError(t, err)
	key := Bucket{Policy: "per-token", Limit: 60, Window: time.Minute, Remaining: 0, Reset: testNow.Add(42 * time.Second), Denied: true}
	org := Bucket{Policy: "per-org", Limit: 600, Window: time.Minute, Remaining: 100, Reset: testNow.Add(10 * time.Second)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A stale value from an outer layer must be replaced, not joined.
		w.Header().Add("X-RateLimit-Limit", "1")
		switch r.URL.Path {
		case "/ok":
			rl.Set(w.Header(), org, withRemaining(key, 5))
			_, _ = io.WriteString(w, "ok")
		case "/cached":
			rl.Set(w.Header(), org, withRemaining(key, 5))
			w.WriteHeader(http.StatusNotModified)
		case "/limited":
			ew.Write(w, r, fmt.Errorf("handler: %w", RateLimitedBy(org, key)))
		}
	}))
	t.Cleanup(srv.Close)

	get := func(method, path string) (*http.Response, []byte) {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+path, nil)
		require.NoError(t, err)
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, body
	}
	resetMillis := func(b Bucket) string { return strconv.FormatInt(b.Reset.UnixMilli(), 10) }

	for _, path := range []string{"/ok", "/cached"} {
		resp, _ := get(http.MethodGet, path)
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
		resp, body := get(method, "/limited")
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
		var m map[string]any
		require.NoError(t, json.Unmarshal(body, &m), string(body))
		assert.Equal(t, string(CodeRateLimited), m["code"], string(body))
	}
}

func withRemaining(b Bucket, n int64) Bucket {
	b.Remaining = n
	b.Denied = false
	return b
}

func TestRateLimitDefaultWriter(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Write(w, r, RateLimitedBy(Bucket{Policy: "p", Limit: 5, Reset: time.Now().Add(90 * time.Second), Denied: true}))
	}))
	t.Cleanup(srv.Close)
	resp, err := srv.Client().Get(srv.URL)
	require.NoError(t, err)
	_ = resp.Body.Close()
	p := readBack(t, resp.Header)
	assert.Equal(t, "5", p.limit)
	secs, err := strconv.Atoi(p.retryAfter)
	require.NoError(t, err)
	assert.InDelta(t, 90, secs, 1)
	require.Len(t, p.policy, 1)
}

func benchBuckets(n int) []Bucket {
	bs := []Bucket{
		{Policy: "per-key", Limit: 100, Window: time.Minute, Remaining: 42, Reset: testNow.Add(17 * time.Second)},
		{Policy: "per-org", Limit: 10000, Window: time.Hour, Remaining: 9000, Reset: testNow.Add(30 * time.Minute)},
		{Policy: "daily", Limit: 100000, Window: 24 * time.Hour, Remaining: 50000, Reset: testNow.Add(5 * time.Hour)},
	}
	return bs[:n]
}

func BenchmarkRateLimitSet(b *testing.B) {
	for _, n := range []int{1, 3} {
		b.Run(fmt.Sprintf("buckets=%d", n), func(b *testing.B) {
			rl := newRL(b, RateLimitConfig{})
			bs := benchBuckets(n)
			h := make(http.Header, 8)
			b.ReportAllocs()
			for b.Loop() {
				rl.Set(h, bs...)
			}
		})
	}
}

func BenchmarkRateLimitWrite429(b *testing.B) {
	for _, n := range []int{1, 3} {
		b.Run(fmt.Sprintf("buckets=%d", n), func(b *testing.B) {
			rl := newRL(b, RateLimitConfig{})
			ew, err := NewErrorWriter(Config{RateLimit: rl})
			require.NoError(b, err)
			bs := benchBuckets(n)
			bs[0].Denied = true
			e := RateLimitedBy(bs...)
			r := httptest.NewRequest(http.MethodGet, "/x", nil)
			w := &discardWriter{h: make(http.Header, 16)}
			b.ReportAllocs()
			for b.Loop() {
				ew.Write(w, r, e)
			}
		})
	}
}

// FuzzRateLimitSet checks that whatever a limiter reports, every header is
// a valid field value, the IETF fields parse strictly as RFC 9651 lists of
// the buckets with representable names, the legacy numbers are
// non-negative integers of at most 15 digits, and Retry-After parses in its
// configured form within [1s, cap].
func FuzzRateLimitSet(f *testing.F) {
	f.Add("per-key", int64(100), int64(5), int64(time.Minute), int64(30*time.Second), false, uint8(0))
	f.Add(`q"\`, int64(-1), int64(-7), int64(-1), int64(-time.Hour), true, uint8(5))
	f.Add("\xff\x00", int64(math.MaxInt64), int64(math.MinInt64), int64(math.MaxInt64), int64(math.MaxInt64), true, uint8(2))
	f.Add("", int64(0), int64(0), int64(0), int64(0), true, uint8(7))
	f.Fuzz(func(t *testing.T, policy string, limit, remaining, window, resetNs int64, denied bool, style uint8) {
		cfg := RateLimitConfig{
			Reset:         ResetStyle(style % 3),
			RetryAfter:    RetryAfterStyle(style / 3 % 2),
			MaxRetryAfter: time.Hour,
		}
		rl := newRL(t, cfg)
		b := Bucket{Policy: policy, Limit: limit, Window: time.Duration(window), Remaining: remaining, Reset: testNow.Add(time.Duration(resetNs)), Denied: denied}
		other := Bucket{Policy: "other", Limit: 3, Remaining: 1}
		h := http.Header{}
		rl.Set(h, b, other)
		for k, vs := range h {
			require.Len(t, vs, 1, k)
			require.True(t, validHeaderValue(vs[0]), "%s: %q", k, vs[0])
		}
		for _, k := range []string{"X-Ratelimit-Limit", "X-Ratelimit-Remaining", "X-Ratelimit-Reset"} {
			v := h.Get(k)
			require.Regexp(t, `^[0-9]{1,15}$`, v, k)
		}
		items, err := parseSFList(h.Get("RateLimit-Policy"))
		require.NoError(t, err, h.Get("RateLimit-Policy"))
		ritems, err := parseSFList(h.Get("RateLimit"))
		require.NoError(t, err, h.Get("RateLimit"))
		want := []string{"other"}
		if validPolicyName(policy) {
			want = []string{policyName(policy), "other"}
		}
		require.Len(t, items, len(want))
		require.Len(t, ritems, len(want))
		for i := range want {
			assert.Equal(t, want[i], items[i].name)
			assert.Equal(t, want[i], ritems[i].name)
		}
		ra := h.Get("Retry-After")
		if !denied {
			require.Empty(t, ra)
			return
		}
		if cfg.RetryAfter == RetryAfterDate {
			at, err := http.ParseTime(ra)
			require.NoError(t, err, ra)
			d := at.Sub(testNow)
			require.True(t, d >= time.Second && d <= time.Hour+time.Second, "%s is %s away", ra, d)
			return
		}
		secs, err := strconv.ParseInt(ra, 10, 64)
		require.NoError(t, err, ra)
		require.True(t, secs >= 1 && secs <= 3600, ra)
	})
}

// TestRetryAfterUsesRetryAt: a token bucket refuses until its next token,
// not until it is full, so Retry-After follows RetryAt when it is set, and
// Reset otherwise; with several denying buckets, the latest wins.
func TestRetryAfterUsesRetryAt(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	rl, err := NewRateLimitHeaders(RateLimitConfig{Now: func() time.Time { return now }})
	require.NoError(t, err)
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
			rl.Set(h, tc.buckets...)
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
