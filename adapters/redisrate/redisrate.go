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
// (redis_rate's RetryAfter, Bucket.RetryAt), not the time until the
// bucket is full (X-RateLimit-Reset, Bucket.Reset): for a bucket of 5 an
// hour, 12 minutes rather than up to an hour.
package redisrate

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/apienvelope/envelope"
	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
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
// "org:42"; prefixed with "rate:" as redis_rate prefixes its keys, so that
// redis_rate's own Limiter reads and takes from the same buckets), and the
// limit. A Policy with a zero Limit never refuses and is left out of
// [AllowAll]'s buckets.
type Policy struct {
	Name  string
	Key   string
	Limit redis_rate.Limit
}

// keyPrefix is the prefix redis_rate puts before its keys.
const keyPrefix = "rate:"

// AllowAll takes one request from every policy's bucket, or from none, in
// one atomic step, and returns the state of every bucket in the order given
// (policies with a zero Limit left out) with Denied set on those that
// refused, and whether the request is allowed. Pass the buckets to
// [envelope.Writer.SetRateLimit] on success, or to
// [envelope.APIError.WithRateLimit] of envelope.RateLimited("") on refusal.
// now is the time the buckets' resets are counted from; pass the clock of
// the writer's [envelope.RateLimitOptions].
//
// The buckets are the GCRA buckets of redis_rate, in the same keys and the
// same encoding, so redis_rate.Limiter reads and takes from them too. One
// Lua script reads every bucket and takes from all of them only when none
// refuses, so a request refused by the per-key bucket never spends the
// per-organisation quota, however many requests arrive at once on however
// many replicas, and the cost is one round trip. In Redis Cluster the keys
// of one call must hash to one slot: give them a hash tag ("{org:42}:key:7"
// and "{org:42}:org"). Give each policy a key of its own.
//
// rdb is any go-redis client (*redis.Client, *redis.ClusterClient,
// *redis.Ring). An error from Redis is returned, wrapped, with no buckets:
// the caller decides whether to fail open or closed. A limit with a Rate or
// Period that is not positive is an error. AllowAll is safe for concurrent
// use.
func AllowAll(ctx context.Context, rdb redis.Scripter, now time.Time, policies ...Policy) ([]envelope.Bucket, bool, error) {
	if rdb == nil {
		return nil, false, fmt.Errorf("redisrate: nil Redis client")
	}
	keys := make([]string, 0, len(policies))
	args := make([]any, 0, 3*len(policies))
	used := make([]Policy, 0, len(policies))
	for _, p := range policies {
		if p.Limit.IsZero() {
			continue
		}
		if p.Limit.Rate <= 0 || p.Limit.Period <= 0 || p.Limit.Burst < 0 {
			return nil, false, fmt.Errorf("redisrate: policy %q: invalid limit %v", p.Name, p.Limit)
		}
		keys = append(keys, keyPrefix+p.Key)
		args = append(args, p.Limit.Burst, p.Limit.Rate, p.Limit.Period.Seconds())
		used = append(used, p)
	}
	if len(used) == 0 {
		return []envelope.Bucket{}, true, nil
	}
	v, err := allowAll.Run(ctx, rdb, keys, args...).Slice()
	if err != nil {
		return nil, false, fmt.Errorf("redisrate: allowing a request: %w", err)
	}
	if len(v) != 4*len(used) {
		return nil, false, fmt.Errorf("redisrate: allowing a request: %d values for %d policies", len(v), len(used))
	}
	buckets := make([]envelope.Bucket, len(used))
	allowed := true
	for i, p := range used {
		res, err := result(p.Limit, v[4*i:4*i+4])
		if err != nil {
			return nil, false, fmt.Errorf("redisrate: policy %q: %w", p.Name, err)
		}
		buckets[i] = State(res, p.Name, now)
		allowed = allowed && res.Allowed == 1
	}
	return buckets, allowed, nil
}

// result reads one bucket's four values, as redis_rate's AllowN reads its
// own: allowed, remaining, retry_after and reset_after (seconds, -1 for
// none).
func result(limit redis_rate.Limit, v []any) (*redis_rate.Result, error) {
	allowed, ok1 := v[0].(int64)
	remaining, ok2 := v[1].(int64)
	retry, ok3 := v[2].(string)
	reset, ok4 := v[3].(string)
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return nil, fmt.Errorf("unexpected reply %v", v)
	}
	retryAfter, err := strconv.ParseFloat(retry, 64)
	if err != nil {
		return nil, err
	}
	resetAfter, err := strconv.ParseFloat(reset, 64)
	if err != nil {
		return nil, err
	}
	return &redis_rate.Result{
		Limit: limit, Allowed: int(allowed), Remaining: int(remaining),
		RetryAfter: seconds(retryAfter), ResetAfter: seconds(resetAfter),
	}, nil
}

func seconds(f float64) time.Duration {
	if f == -1 {
		return -1
	}
	return time.Duration(f * float64(time.Second))
}

// allowAll is redis_rate's GCRA (its allow_n script, cost 1) over several
// buckets at once: every bucket is read first, and either every one is
// taken from, or, when any would refuse, none. For each key it returns
// allowed (1 or 0), remaining, retry_after (seconds until the refused
// request would fit, or -1) and reset_after (seconds until full). A bucket
// that did not refuse a refused request reports its state untouched.
var allowAll = redis.NewScript(`
-- this script has side effects, so it requires replicate commands mode
-- (the default since Redis 5, where the call is harmless)
redis.replicate_commands()

-- the epoch and the time arithmetic are redis_rate's, so that the stored
-- theoretical arrival times (TAT) mean the same to both
local jan_1_2017 = 1483228800
local now = redis.call("TIME")
now = (now[1] - jan_1_2017) + (now[2] / 1000000)

local n = #KEYS
local tat, new_tat, interval, offset = {}, {}, {}, {}
local refused = false
for i = 1, n do
  local burst = tonumber(ARGV[3 * i - 2])
  local rate = tonumber(ARGV[3 * i - 1])
  local period = tonumber(ARGV[3 * i])
  interval[i] = period / rate
  offset[i] = interval[i] * burst
  local t = redis.call("GET", KEYS[i])
  if not t then
    t = now
  else
    t = tonumber(t)
  end
  tat[i] = math.max(t, now)
  new_tat[i] = tat[i] + interval[i]
  if now - (new_tat[i] - offset[i]) < 0 then
    refused = true
  end
end

local out = {}
for i = 1, n do
  local diff = now - (new_tat[i] - offset[i])
  if refused then
    if diff < 0 then
      out[#out + 1] = 0
      out[#out + 1] = 0
      out[#out + 1] = tostring(-diff)
      out[#out + 1] = tostring(tat[i] - now)
    else
      out[#out + 1] = 0
      out[#out + 1] = (now - (tat[i] - offset[i])) / interval[i]
      out[#out + 1] = "-1"
      out[#out + 1] = tostring(tat[i] - now)
    end
  else
    local reset_after = new_tat[i] - now
    if reset_after > 0 then
      redis.call("SET", KEYS[i], new_tat[i], "EX", math.ceil(reset_after))
    end
    out[#out + 1] = 1
    out[#out + 1] = diff / interval[i]
    out[#out + 1] = "-1"
    out[#out + 1] = tostring(reset_after)
  end
end
return out
`)
