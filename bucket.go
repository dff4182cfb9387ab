package envelope

import "time"

// Bucket is the state of one rate-limit bucket at the time of a request, as
// the server's limiter reports it. A request may be gated by several
// buckets (say one per API key and one per organisation); pass them all.
//
// The zero Bucket is a policy named "default" with a quota of 0 that is
// full now. Negative numbers are rendered as 0 and numbers above
// 999,999,999,999,999 (the largest RFC 9651 integer) as that maximum, so no
// value from a limiter can produce a malformed header.
type Bucket struct {
	// Policy names the quota policy, such as "per-key" or "org". It is sent
	// as an RFC 9651 sf-string in RateLimit-Policy and RateLimit and in the
	// violated-policies of a quota-exceeded problem, so it must be
	// printable ASCII (0x20–0x7E). A bucket whose name is not is left out
	// of those two fields (and only those). Empty means "default".
	Policy string
	// Limit is the quota: how many units (requests) the bucket holds when
	// full.
	Limit int64
	// Window is the time the quota applies to, such as one minute for
	// "100 per minute", or the time a token bucket takes to refill from
	// empty. It is sent, in whole seconds rounded up, as the w parameter of
	// RateLimit-Policy; zero or negative leaves w out.
	Window time.Duration
	// Remaining is the quota left now. A limiter that reports a negative
	// value (overdrawn) renders as 0.
	Remaining int64
	// Reset is when the bucket is full again. The zero time, or a time in
	// the past, means it is full now.
	Reset time.Time
	// Denied reports that this bucket refused the request. On a 429 the
	// single-valued legacy headers describe a denying bucket, and
	// Retry-After is no earlier than its RetryAt (or Reset).
	Denied bool
	// RetryAt is when a refused request may next succeed. For a token
	// bucket that is when the next token arrives, usually long before the
	// bucket is full again (Reset); limiters such as redis_rate report both.
	// Retry-After is computed from it. The zero time means Reset: a fixed
	// window opens again only when it resets.
	RetryAt time.Time
}

// retryAt returns when a request refused by b may next succeed.
func (b *Bucket) retryAt() time.Time {
	if b.RetryAt.IsZero() {
		return b.Reset
	}
	return b.RetryAt
}
