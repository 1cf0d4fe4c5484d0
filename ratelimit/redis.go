package ratelimit

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// gcraScript takes one decision atomically on the server. It reads the
// clock of the Redis server, so instances with skewed clocks still agree.
// KEYS[1] is the key; ARGV[1] the emission interval and ARGV[2] the
// capacity. Times are microseconds. It returns {allowed, remaining,
// retry_after, reset_after}.
var gcraScript = redis.NewScript(`
if redis.replicate_commands then redis.replicate_commands() end
local interval = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local nxt = tat + interval
local allow_at = nxt - interval * capacity
if now < allow_at then
	return {0, 0, math.ceil(allow_at - now), math.ceil(tat - now)}
end
redis.call('SET', KEYS[1], string.format('%.0f', nxt), 'PX', math.ceil((nxt - now) / 1000))
return {1, math.floor((now - allow_at) / interval), 0, math.ceil(nxt - now)}
`)

// Redis is a [Limiter] whose state lives in Redis, so that every instance
// sharing the server applies one limit. Each decision is one script call on
// one key (one round trip, atomic, valid on Redis Cluster, Redis 5 or later
// and Valkey). A key expires on the server once it is idle.
//
// Allow returns an error when Redis cannot be reached or fails; wrap the
// limiter with [FailOpen] to let requests through in that case.
type Redis struct {
	client redis.UniversalClient
	prefix string
}

// NewRedis returns a limiter that stores key k under prefix+k.
func NewRedis(c redis.UniversalClient, prefix string) *Redis {
	return &Redis{client: c, prefix: prefix}
}

// Allow implements [Limiter].
func (rl *Redis) Allow(ctx context.Context, key string, l Limit) (Decision, error) {
	if err := l.Valid(); err != nil {
		return Decision{Limit: l}, err
	}
	interval := float64(l.Per) / float64(l.Rate) / float64(time.Microsecond)
	args := []any{strconv.FormatFloat(interval, 'f', -1, 64), l.Capacity()}
	vals, err := gcraScript.Run(ctx, rl.client, []string{rl.prefix + key}, args...).Int64Slice()
	if err != nil {
		return Decision{Limit: l}, fmt.Errorf("redis rate limit: %w", err)
	}
	if len(vals) != 4 {
		return Decision{Limit: l}, fmt.Errorf("redis rate limit: script returned %d values", len(vals))
	}
	return Decision{
		Allowed:    vals[0] == 1,
		Limit:      l,
		Remaining:  int(vals[1]),
		RetryAfter: time.Duration(vals[2]) * time.Microsecond,
		ResetAfter: time.Duration(vals[3]) * time.Microsecond,
	}, nil
}

var _ Limiter = (*Redis)(nil)
