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
	return decode(gcraScript.Run(ctx, rl.client, []string{rl.prefix + key}, gcraArgs(l)...).Int64Slice())(l)
}

// AllowPipelined queues the decision for key on pipe and returns a function
// that reads it once pipe has been executed, so that several decisions, or
// a decision and other commands, cost one round trip together. The script
// is sent by its hash; when Redis does not know it (after a restart), the
// read function falls back to [Redis.Allow], which loads it.
func (rl *Redis) AllowPipelined(ctx context.Context, pipe redis.Pipeliner, key string, l Limit) func() (Decision, error) {
	if err := l.Valid(); err != nil {
		return func() (Decision, error) { return Decision{Limit: l}, err }
	}
	cmd := gcraScript.EvalSha(ctx, pipe, []string{rl.prefix + key}, gcraArgs(l)...)
	return func() (Decision, error) {
		vals, err := cmd.Int64Slice()
		if err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
			return rl.Allow(ctx, key, l)
		}
		return decode(vals, err)(l)
	}
}

func gcraArgs(l Limit) []any {
	interval := float64(l.Per) / float64(l.Rate) / float64(time.Microsecond)
	return []any{strconv.FormatFloat(interval, 'f', -1, 64), l.Capacity()}
}

// decode turns the script's answer into a Decision under l.
func decode(vals []int64, err error) func(l Limit) (Decision, error) {
	return func(l Limit) (Decision, error) {
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
}

var _ Limiter = (*Redis)(nil)
