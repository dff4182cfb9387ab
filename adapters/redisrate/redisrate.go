// Package redisrate reports the state of github.com/go-redis/redis_rate
// limits as [envelope.Bucket] values, so that envelope writes rate-limit
// headers and Retry-After for a limit shared by every replica of a server
// through Redis. It lives in its own module so that the envelope module
// itself depends on no limiter and no Redis client.
//
// redis_rate implements GCRA, a token bucket kept as one timestamp per key
// in Redis. As a [envelope.Bucket], a [redis_rate.Limit] has the burst as
// its quota and the time to refill from empty (burst × period / rate) as
// its window; a [redis_rate.Result] gives the remaining quota and, through
// ResetAfter, when the bucket is full again, and through RetryAfter, when a
// refused request would fit (Bucket.RetryAt). Since every replica reads the
// same Redis state, every replica reports the same numbers.
//
// On a refusal, Retry-After is the time until one more request fits
// (redis_rate's RetryAfter), not the time until the bucket is full.
package redisrate

import (
	"context"
	"fmt"
	"time"

	"github.com/apienvelope/envelope"
	"github.com/go-redis/redis_rate/v10"
)

// State returns the bucket a redis_rate result describes, named policy, at
// now (the time the result was obtained). A nil result reports a zero
// bucket named policy. The bucket is Denied when the result allowed
// nothing although a request was made (a positive RetryAfter); a result of
// AllowN with n = 0, a peek, is never Denied.
func State(res *redis_rate.Result, policy string, now time.Time) envelope.Bucket {
	b := envelope.Bucket{Policy: policy, Reset: now}
	if res == nil {
		return b
	}
	l := res.Limit
	b.Limit = int64(max(l.Burst, 0))
	if l.Rate > 0 && l.Period > 0 && l.Burst > 0 {
		b.Window = time.Duration(float64(l.Period) * float64(l.Burst) / float64(l.Rate))
	}
	b.Remaining = int64(max(res.Remaining, 0))
	if res.ResetAfter > 0 {
		b.Reset = now.Add(res.ResetAfter)
	}
	b.Denied = res.Allowed == 0 && res.RetryAfter > 0
	switch {
	case res.RetryAfter > 0:
		b.RetryAt = now.Add(res.RetryAfter)
	case res.Remaining < 1 && l.Rate > 0 && l.Period > 0 && l.Burst > 0:
		// A read (n = 0) of an empty bucket reports no RetryAfter. In
		// GCRA the next request fits once the bucket has drained all but
		// Burst-1 emission intervals of its backlog.
		interval := l.Period / time.Duration(l.Rate)
		if d := res.ResetAfter - time.Duration(l.Burst-1)*interval; d > 0 {
			b.RetryAt = now.Add(d)
		}
	}
	return b
}

// Policy is one limit a request must pass: its name in the headers (such
// as "per-key" or "per-org"), the Redis key of the bucket (such as
// "org:42"; redis_rate prefixes it with "rate:"), and the limit. A Policy
// with a zero Limit never refuses and is left out of [AllowAll]'s buckets.
type Policy struct {
	Name  string
	Key   string
	Limit redis_rate.Limit
}

// AllowAll takes one request from every policy's bucket, or from none,
// and returns the state of every bucket in the order given (policies with
// a zero Limit left out) with Denied set on those that refused, and
// whether the request is allowed. Pass the buckets to
// [envelope.RateLimitHeaders.Set] on success or to [envelope.RateLimitedBy]
// on refusal. now is the time the buckets' resets are counted from; pass
// the clock of the [envelope.RateLimitHeaders] that renders them.
//
// It first reads every bucket without taking from it (AllowN with n = 0),
// and refuses without taking anything when one is empty, so a request
// refused by the per-organisation bucket does not also spend the per-key
// quota. Otherwise it takes from each bucket in turn. redis_rate cannot
// give a request back: when a concurrent request empties a later bucket
// between the read and the take, the request is refused and what was
// taken from the earlier buckets stays spent. That costs 2 round trips per
// policy.
//
// An error from Redis is returned as it is, with no buckets: the caller
// decides whether to fail open or closed. AllowAll is safe for concurrent
// use.
func AllowAll(ctx context.Context, l *redis_rate.Limiter, now time.Time, policies ...Policy) ([]envelope.Bucket, bool, error) {
	if l == nil {
		return nil, false, fmt.Errorf("redisrate: nil limiter")
	}
	buckets := make([]envelope.Bucket, 0, len(policies))
	for _, p := range policies {
		if p.Limit.IsZero() {
			continue
		}
		res, err := l.AllowN(ctx, p.Key, p.Limit, 0)
		if err != nil {
			return nil, false, fmt.Errorf("redisrate: reading policy %q: %w", p.Name, err)
		}
		b := State(res, p.Name, now)
		b.Denied = res.Remaining < 1
		buckets = append(buckets, b)
	}
	for _, b := range buckets {
		if b.Denied {
			return buckets, false, nil
		}
	}
	buckets = buckets[:0]
	allowed := true
	for _, p := range policies {
		if p.Limit.IsZero() {
			continue
		}
		res, err := l.Allow(ctx, p.Key, p.Limit)
		if err != nil {
			return nil, false, fmt.Errorf("redisrate: taking from policy %q: %w", p.Name, err)
		}
		b := State(res, p.Name, now)
		allowed = allowed && !b.Denied
		buckets = append(buckets, b)
	}
	return buckets, allowed, nil
}
