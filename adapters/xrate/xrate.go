// Package xrate reports the state of golang.org/x/time/rate limiters as
// [envelope.Bucket] values, so that envelope can write rate-limit headers
// and Retry-After for them. It lives in its own module so that the envelope
// module itself depends on no limiter.
//
// A [rate.Limiter] is a token bucket: it holds at most Burst tokens and
// gains Limit tokens per second. As a [envelope.Bucket] its quota is the
// burst, its window the time to refill from empty (burst / limit), its
// remaining quota the whole tokens it holds, and its reset the time it is
// full again.
package xrate

import (
	"math"
	"time"

	"github.com/apienvelope/envelope"
	"golang.org/x/time/rate"
)

// Policy is a limiter and the policy name its bucket is reported under,
// such as "per-key" or "per-org". A Policy without a limiter (the zero
// Policy) never refuses and is left out of [AllowAll]'s buckets.
type Policy struct {
	Name    string
	Limiter *rate.Limiter
}

// maxWait stands for "never": a limiter that does not refill. Writers cap
// it (see [envelope.RateLimitOptions.MaxRetryAfter]).
const maxWait = time.Duration(math.MaxInt64)

// State returns the state of l at now without taking a token. A nil
// limiter reports a zero bucket named policy. It is as safe for concurrent
// use as the limiter itself.
func State(l *rate.Limiter, policy string, now time.Time) envelope.Bucket {
	b := envelope.Bucket{Policy: policy, Reset: now}
	if l == nil {
		return b
	}
	burst := float64(l.Burst())
	limit := l.Limit()
	b.Limit = int64(l.Burst())
	if limit == rate.Inf {
		b.Remaining = b.Limit
		return b
	}
	tokens := min(l.TokensAt(now), burst)
	b.Remaining = int64(math.Floor(max(tokens, 0)))
	if limit <= 0 {
		if tokens < burst {
			b.Reset = now.Add(maxWait) // never refills
		}
		return b
	}
	b.Window = seconds(burst / float64(limit))
	b.Reset = now.Add(seconds((burst - tokens) / float64(limit)))
	if tokens < 1 {
		// A refused request may succeed as soon as one token is back.
		b.RetryAt = now.Add(seconds((1 - tokens) / float64(limit)))
	}
	return b
}

// seconds converts s seconds to a duration, rounded up, saturating at
// maxWait.
func seconds(s float64) time.Duration {
	d := math.Ceil(s * float64(time.Second))
	if d >= float64(maxWait) || math.IsNaN(d) {
		return maxWait
	}
	return time.Duration(max(d, 0))
}

// Allow takes one token from l at now if it has one, and returns l's state
// afterwards, with Denied set when it had none.
func Allow(l *rate.Limiter, policy string, now time.Time) envelope.Bucket {
	ok := l == nil || l.AllowN(now, 1)
	b := State(l, policy, now)
	b.Denied = !ok
	return b
}

// AllowAll takes one token from every policy's limiter at now, or from
// none: when any limiter refuses, the tokens taken from the others are
// given back, so a request refused by the per-organisation bucket does not
// also spend the per-key quota. It returns the state of every bucket, in
// the order given (policies without a limiter left out), with Denied set on
// those that refused, and whether the request is allowed. Pass the
// buckets to [envelope.Writer.SetRateLimit] on success, or to
// [envelope.APIError.WithRateLimit] of envelope.RateLimited("") on refusal.
//
// AllowAll is as safe for concurrent use as the limiters; like any
// reserve-then-cancel scheme across several limiters, a concurrent request
// may observe tokens between the take and the give-back.
func AllowAll(now time.Time, policies ...Policy) ([]envelope.Bucket, bool) {
	res := make([]*rate.Reservation, len(policies))
	refused := make([]bool, len(policies))
	allowed := true
	for i, p := range policies {
		if p.Limiter == nil {
			continue
		}
		r := p.Limiter.ReserveN(now, 1)
		if !r.OK() || r.DelayFrom(now) > 0 {
			refused[i] = true
			allowed = false
		}
		res[i] = r
	}
	if !allowed {
		for _, r := range res {
			if r != nil && r.OK() {
				r.CancelAt(now)
			}
		}
	}
	buckets := make([]envelope.Bucket, 0, len(policies))
	for i, p := range policies {
		if p.Limiter == nil {
			continue
		}
		b := State(p.Limiter, p.Name, now)
		b.Denied = refused[i]
		buckets = append(buckets, b)
	}
	return buckets, allowed
}
