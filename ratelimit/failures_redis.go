package ratelimit

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// failScript counts a failure of KEYS[1], a hash with the count in field f
// and the end of the lock (server clock, ms) in field u. ARGV holds the
// Backoff in ms: after, base, max, forget. It returns the lock in ms.
var failScript = redis.NewScript(`
if redis.replicate_commands then redis.replicate_commands() end
local after, base = tonumber(ARGV[1]), tonumber(ARGV[2])
local cap, forget = tonumber(ARGV[3]), tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = redis.call('HINCRBY', KEYS[1], 'f', 1)
local lock = 0
if n >= after then
	lock = base * 2 ^ math.min(n - after, 62)
	if lock > cap then lock = cap end
	redis.call('HSET', KEYS[1], 'u', string.format('%.0f', now + lock))
end
redis.call('PEXPIRE', KEYS[1], math.max(forget, lock))
return lock
`)

// lockedScript returns the ms left on the lock of KEYS[1], or 0.
var lockedScript = redis.NewScript(`
local u = tonumber(redis.call('HGET', KEYS[1], 'u'))
if not u then return 0 end
local t = redis.call('TIME')
local left = u - (tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
if left < 0 then return 0 end
return left
`)

// RedisFailures is a [Failures] store in Redis, shared by every instance
// that uses the same server and prefix. Each call is one script on one key,
// timed by the server clock; counts expire on the server. Lock lengths have
// millisecond resolution.
type RedisFailures struct {
	client redis.UniversalClient
	prefix string
}

// NewRedisFailures returns a store that keeps key k under prefix+k.
func NewRedisFailures(c redis.UniversalClient, prefix string) *RedisFailures {
	return &RedisFailures{client: c, prefix: prefix}
}

// Locked implements [Failures].
func (rf *RedisFailures) Locked(ctx context.Context, key string) (time.Duration, error) {
	ms, err := lockedScript.Run(ctx, rf.client, []string{rf.prefix + key}).Int64()
	if err != nil {
		return 0, fmt.Errorf("redis read lock: %w", err)
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// Fail implements [Failures].
func (rf *RedisFailures) Fail(ctx context.Context, key string, b Backoff) (time.Duration, error) {
	if err := b.Valid(); err != nil {
		return 0, err
	}
	args := []any{b.After, b.Base.Milliseconds(), b.Max.Milliseconds(), b.Forget.Milliseconds()}
	ms, err := failScript.Run(ctx, rf.client, []string{rf.prefix + key}, args...).Int64()
	if err != nil {
		return 0, fmt.Errorf("redis record failure: %w", err)
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// Reset implements [Failures].
func (rf *RedisFailures) Reset(ctx context.Context, key string) error {
	if err := rf.client.Del(ctx, rf.prefix+key).Err(); err != nil {
		return fmt.Errorf("redis reset failures: %w", err)
	}
	return nil
}

var _ Failures = (*RedisFailures)(nil)
