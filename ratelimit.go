package envelope

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// This file renders the state of a server's rate limiter as response
// headers. It implements no limiter: the limiter (in-process, shared store,
// gateway) reports the state of its buckets as [Bucket] values, and a
// [Writer] writes them in the families a client expects (see
// [RateLimitOptions]).

// ResetStyle is how X-RateLimit-Reset says when the bucket is full again.
// The zero value is [ResetDelaySeconds].
type ResetStyle uint8

const (
	// ResetDelaySeconds sends the whole seconds until the bucket is full
	// again, rounded up: "30". It needs no clock agreement with the client
	// and matches the t parameter of the IETF RateLimit field.
	ResetDelaySeconds ResetStyle = iota
	// ResetEpochSeconds sends the Unix time, in whole seconds rounded up,
	// at which the bucket is full again: "1767225630".
	ResetEpochSeconds
	// ResetEpochMillis sends the Unix time in milliseconds, rounded up:
	// "1767225630000".
	ResetEpochMillis
)

// defaultMaxRetryAfter is the Retry-After cap used when
// [RateLimitOptions.MaxRetryAfter] is zero: one day.
const defaultMaxRetryAfter = 24 * time.Hour

// RateLimitOptions configures the rate-limit headers a [Writer] sets, with
// [Writer.SetRateLimit] on any response and on an error that carries bucket
// state ([APIError.WithRateLimit]). The zero value is valid: every header of
// the three families, X-RateLimit-Reset in delay seconds, Retry-After in
// delay-seconds capped at one day, and the system clock:
//
//   - legacy X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset,
//     single-valued: they describe the most restrictive bucket, or on a
//     refusal the bucket that denied;
//   - RateLimit-Policy and RateLimit of
//     draft-ietf-httpapi-ratelimit-headers-11, as RFC 9651 structured
//     fields listing every bucket;
//   - Retry-After (RFC 9110 §10.2.3, RFC 6585 §4) on a refused request.
type RateLimitOptions struct {
	// Reset is the style of X-RateLimit-Reset. The zero value is
	// [ResetDelaySeconds].
	Reset ResetStyle
	// RetryAfterDate sends Retry-After as an HTTP-date in the IMF-fixdate
	// form (RFC 9110 §5.6.7), in UTC, rounded up to the second, as
	// [http.ParseTime] parses it: "Thu, 01 Jan 2026 00:00:30 GMT". By
	// default it is delay-seconds: whole seconds, rounded up, at least 1.
	RetryAfterDate bool
	// MaxRetryAfter caps the wait that Retry-After announces, so an
	// effectively infinite wait (a bucket that never refills) still yields
	// a sensible value: a client told to wait longer is told the cap, and
	// on retrying is told again. Zero means one day; otherwise it must be
	// at least one second, and is used in whole seconds.
	MaxRetryAfter time.Duration
	// Omit names headers not to send, from X-RateLimit-Limit,
	// X-RateLimit-Remaining, X-RateLimit-Reset, RateLimit-Policy,
	// RateLimit and Retry-After, such as the legacy trio for an API that
	// has moved to the IETF fields.
	Omit []string
	// Now is the clock. Nil means [time.Now]. Tests inject a fixed clock;
	// it must be safe for concurrent use.
	Now func() time.Time
}

// rateLimiter is RateLimitOptions validated: what a Writer renders with.
type rateLimiter struct {
	omit      [6]bool // by slot: limit, remaining, reset, policy, ratelimit, retry-after
	reset     ResetStyle
	retryDate bool
	maxRetry  int64 // whole seconds, >= 1
	now       func() time.Time
}

// newRateLimiter validates opts.
func newRateLimiter(opts RateLimitOptions) (*rateLimiter, error) {
	if opts.Reset > ResetEpochMillis {
		return nil, fmt.Errorf("envelope: unknown reset style %d", opts.Reset)
	}
	maxRetry := opts.MaxRetryAfter
	if maxRetry == 0 {
		maxRetry = defaultMaxRetryAfter
	}
	if maxRetry < time.Second {
		return nil, fmt.Errorf("envelope: MaxRetryAfter %s is below one second", opts.MaxRetryAfter)
	}
	rl := &rateLimiter{reset: opts.Reset, retryDate: opts.RetryAfterDate, maxRetry: int64(maxRetry / time.Second), now: opts.Now}
	if rl.now == nil {
		rl.now = time.Now
	}
	for _, k := range opts.Omit {
		i := slices.Index(rateLimitKeys[:], http.CanonicalHeaderKey(k))
		if i < 0 {
			return nil, fmt.Errorf("envelope: cannot omit %q: not a rate-limit header", k)
		}
		rl.omit[i] = true
	}
	return rl, nil
}

// rateLimitKeys are the canonical keys of the headers, so that
// http.Header.Get finds what is set here by direct map assignment, in slot
// order.
var rateLimitKeys = [6]string{"X-Ratelimit-Limit", "X-Ratelimit-Remaining", "X-Ratelimit-Reset", "Ratelimit-Policy", "Ratelimit", "Retry-After"}

const (
	slotLimit = iota
	slotRemaining
	slotReset
	slotPolicy
	slotRateLimit
	slotRetryAfter
)

// maxSFInteger is the largest RFC 9651 §3.3.1 integer: 15 decimal digits.
const maxSFInteger = 999_999_999_999_999

// retryMode says when set writes Retry-After.
type retryMode uint8

const (
	retryNever    retryMode = iota // a status Retry-After does not belong on
	retryIfDenied                  // a denying bucket, or an explicit wait
	retryRefused                   // as retryIfDenied; with none marked, the most restrictive bucket denied (a 429)
)

// set does the work of Set and of the error hook. retry is an explicit
// Retry-After wait (0 for none).
func (rl *rateLimiter) set(h http.Header, now time.Time, buckets []Bucket, retry time.Duration, mode retryMode) {
	if h == nil || (len(buckets) == 0 && (mode == retryNever || retry <= 0)) {
		return
	}
	pick, anyDenied := mostRestrictive(buckets)
	// All values are appended into one stack buffer, turned into one
	// string, and sliced: two allocations for any number of values.
	var (
		arr  [512]byte
		ends [6]int
		keys [6]string
		n    int
	)
	buf := arr[:0]
	mark := func(slot, start int) {
		if rl.omit[slot] {
			buf = buf[:start]
			return
		}
		keys[n] = rateLimitKeys[slot]
		ends[n] = len(buf)
		n++
	}
	if pick >= 0 {
		b := &buckets[pick]
		start := len(buf)
		buf = strconv.AppendInt(buf, clampSF(b.Limit), 10)
		mark(slotLimit, start)
		start = len(buf)
		buf = strconv.AppendInt(buf, clampSF(b.Remaining), 10)
		mark(slotRemaining, start)
		start = len(buf)
		buf = rl.appendReset(buf, now, b.Reset)
		mark(slotReset, start)
	}
	if len(buckets) > 0 {
		start := len(buf)
		buf = appendPolicyField(buf, buckets)
		if len(buf) > start {
			mark(slotPolicy, start)
			start = len(buf)
			buf = appendRateLimitField(buf, now, buckets)
			mark(slotRateLimit, start)
		}
	}
	if !rl.omit[slotRetryAfter] && mode != retryNever {
		wait, ok := retry, retry > 0
		for i := range buckets {
			b := &buckets[i]
			if b.Denied || (mode == retryRefused && !anyDenied && i == pick) {
				ok = true
				if d := b.retryAt().Sub(now); d > wait {
					wait = d
				}
			}
		}
		if ok {
			start := len(buf)
			buf = rl.appendRetryAfter(buf, now, wait)
			mark(slotRetryAfter, start)
		}
	}
	if n == 0 {
		return
	}
	s := string(buf)
	vals := make([]string, n)
	start := 0
	for i := 0; i < n; i++ {
		vals[i] = s[start:ends[i]]
		start = ends[i]
		h[keys[i]] = vals[i : i+1 : i+1]
	}
}

// mostRestrictive returns the index of the bucket the single-valued
// headers describe, and whether any bucket denied. Among denying buckets it
// is the one with the latest reset (the client must wait for it); with
// none denying, the one with the least remaining, ties going to the later
// reset, then to the first given. It is -1 for no buckets.
func mostRestrictive(buckets []Bucket) (pick int, anyDenied bool) {
	pick = -1
	for i := range buckets {
		b := &buckets[i]
		if pick < 0 {
			pick, anyDenied = i, b.Denied
			continue
		}
		p := &buckets[pick]
		switch {
		case b.Denied != p.Denied:
			if b.Denied {
				pick, anyDenied = i, true
			}
		case b.Denied: // both denied: the longer wait
			if b.Reset.After(p.Reset) {
				pick = i
			}
		default:
			br, pr := max(b.Remaining, 0), max(p.Remaining, 0)
			if br < pr || (br == pr && b.Reset.After(p.Reset)) {
				pick = i
			}
		}
	}
	return pick, anyDenied
}

// clampSF bounds v to the RFC 9651 integer range this package emits:
// 0 through 999,999,999,999,999.
func clampSF(v int64) int64 {
	return min(max(v, 0), maxSFInteger)
}

// ceilSeconds returns d in whole seconds rounded up, 0 for d <= 0.
func ceilSeconds(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	s := int64(d / time.Second)
	if d%time.Second != 0 {
		s++
	}
	return s
}

// appendReset appends X-RateLimit-Reset in the configured style.
func (rl *rateLimiter) appendReset(dst []byte, now, reset time.Time) []byte {
	if reset.Before(now) { // includes the zero time
		reset = now
	}
	var v int64
	switch rl.reset {
	case ResetEpochSeconds:
		v = reset.Unix()
		if reset.Nanosecond() != 0 {
			v++
		}
	case ResetEpochMillis:
		v = reset.UnixMilli()
		if reset.Nanosecond()%int(time.Millisecond) != 0 {
			v++
		}
	default:
		v = ceilSeconds(reset.Sub(now))
	}
	return strconv.AppendInt(dst, clampSF(v), 10)
}

// appendRetryAfter appends Retry-After for a wait: rounded up to whole
// seconds, at least 1, at most the cap; as delay-seconds or an IMF-fixdate.
// A date is at most the cap after now before rounding up to the second.
func (rl *rateLimiter) appendRetryAfter(dst []byte, now time.Time, wait time.Duration) []byte {
	secs := min(max(ceilSeconds(wait), 1), rl.maxRetry)
	if !rl.retryDate {
		return strconv.AppendInt(dst, secs, 10)
	}
	// The date is the wait's end rounded up to the second, so the client
	// never comes back before the bucket has room; and at least a second
	// after now, at most the cap after it.
	t := now.Add(wait)
	if wait < time.Second {
		t = now.Add(time.Second)
	}
	if limit := now.Add(time.Duration(rl.maxRetry) * time.Second); t.After(limit) {
		t = limit
	}
	if t2 := t.Truncate(time.Second); !t2.Equal(t) {
		t = t2.Add(time.Second)
	}
	return t.UTC().AppendFormat(dst, http.TimeFormat)
}

// appendPolicyField appends the RateLimit-Policy list: one sf-string item
// per bucket with q (quota) and, when there is a window, w (seconds).
// Buckets whose names cannot be sf-strings are left out.
func appendPolicyField(dst []byte, buckets []Bucket) []byte {
	first := true
	for i := range buckets {
		b := &buckets[i]
		if !validPolicyName(b.Policy) {
			continue
		}
		if !first {
			dst = append(dst, ", "...)
		}
		first = false
		dst = appendSFString(dst, policyName(b.Policy))
		dst = append(dst, ";q="...)
		dst = strconv.AppendInt(dst, clampSF(b.Limit), 10)
		if b.Window > 0 {
			dst = append(dst, ";w="...)
			dst = strconv.AppendInt(dst, clampSF(ceilSeconds(b.Window)), 10)
		}
	}
	return dst
}

// appendRateLimitField appends the RateLimit list: one sf-string item per
// bucket with r (remaining) and t (delay-seconds until full again).
func appendRateLimitField(dst []byte, now time.Time, buckets []Bucket) []byte {
	first := true
	for i := range buckets {
		b := &buckets[i]
		if !validPolicyName(b.Policy) {
			continue
		}
		if !first {
			dst = append(dst, ", "...)
		}
		first = false
		dst = appendSFString(dst, policyName(b.Policy))
		dst = append(dst, ";r="...)
		dst = strconv.AppendInt(dst, clampSF(b.Remaining), 10)
		dst = append(dst, ";t="...)
		dst = strconv.AppendInt(dst, clampSF(ceilSeconds(b.Reset.Sub(now))), 10)
	}
	return dst
}

// policyName is the name a bucket is known by on the wire.
func policyName(p string) string {
	if p == "" {
		return "default"
	}
	return p
}

// validPolicyName reports whether p can be an RFC 9651 §3.3.3 sf-string:
// printable ASCII only.
func validPolicyName(p string) bool {
	for i := 0; i < len(p); i++ {
		if p[i] < 0x20 || p[i] > 0x7e {
			return false
		}
	}
	return true
}

// appendSFString appends s as an RFC 9651 §4.1.6 sf-string; s must be
// printable ASCII (validPolicyName).
func appendSFString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '"' || c == '\\' {
			dst = append(dst, '\\')
		}
		dst = append(dst, s[i])
	}
	return append(dst, '"')
}

// setErrorRateLimit writes the rate-limit headers of an error that carries
// bucket state or an explicit wait.
func (rl *rateLimiter) setErrorRateLimit(h http.Header, e *APIError, status int) {
	if e == nil || e.limits == nil {
		return
	}
	mode := retryNever
	switch status {
	case http.StatusTooManyRequests:
		mode = retryRefused
	case http.StatusServiceUnavailable, http.StatusRequestEntityTooLarge:
		// A 413 may say that its condition is temporary (RFC 9110
		// §15.5.14).
		mode = retryIfDenied
	}
	rl.set(h, rl.now(), e.limits.buckets, e.limits.retry, mode)
}

// violatedPolicies returns the wire names of the policies whose quota e
// reports exceeded: the denying buckets', or, when none is marked, the most
// restrictive bucket's. The RFC 9457 format renders them as the
// "violated-policies" member of the draft's quota-exceeded problem type
// (draft-ietf-httpapi-ratelimit-headers-11). Nil when e carries no buckets.
func violatedPolicies(e *APIError) []string {
	if e == nil || e.limits == nil || len(e.limits.buckets) == 0 {
		return nil
	}
	bs := e.limits.buckets
	pick, anyDenied := mostRestrictive(bs)
	if !anyDenied {
		return []string{policyName(bs[pick].Policy)}
	}
	var names []string
	for i := range bs {
		if bs[i].Denied {
			names = append(names, policyName(bs[i].Policy))
		}
	}
	return names
}

// quotaExceededType is the problem type of draft-ietf-httpapi-ratelimit-
// headers-11 for a request refused by a quota policy.
const quotaExceededType = "https://iana.org/assignments/http-problem-types#quota-exceeded"

// quotaExceededTitle is the title the draft registers for quotaExceededType.
const quotaExceededTitle = "Request cannot be satisfied as assigned quota has been exceeded"

// annotateQuota makes a 429 whose error carries bucket state render, in a
// format with a problem type, as the "quota-exceeded" problem type of
// draft-ietf-httpapi-ratelimit-headers-11 §6, with the "violated-policies"
// extension naming the policies whose quota was exceeded.
func annotateQuota(in *renderInput) {
	ps := violatedPolicies(in.e)
	if len(ps) == 0 {
		return
	}
	ent := *in.entry
	ent.attrs = make(map[string]string, len(in.entry.attrs)+2)
	for k, v := range in.entry.attrs {
		ent.attrs[k] = v
	}
	ent.attrs["type"] = quotaExceededType
	ent.attrs["title"] = quotaExceededTitle
	in.entry = &ent
	in.title = quotaExceededTitle
	in.extensions = append([]Extension{{Name: "violated-policies", Value: ps}}, in.extensions...)
}
