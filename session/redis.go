package session

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultRedisPrefix is the key prefix [NewRedisStore] uses when given "".
const DefaultRedisPrefix = "bulwark:session:"

// Values stored under a session key.
const (
	redisAlive   = "alive"
	redisRevoked = "revoked"
)

// RedisStore is a [Store] in Redis, shared by several instances. Each
// session is one key, prefix + id, with a TTL, so Redis drops expired
// entries itself. Revocations live in Redis and survive restarts of
// bulwark; whether they survive a restart of Redis depends on its
// persistence settings. Make one with [NewRedisStore] or [OpenRedisStore].
type RedisStore struct {
	c      redis.UniversalClient
	prefix string
	owned  bool // Close closes c
}

// NewRedisStore returns a store that keeps its keys under prefix in c
// (DefaultRedisPrefix when prefix is ""). The client stays the caller's,
// who may share it with other users and closes it when done;
// [RedisStore.Close] leaves it open.
func NewRedisStore(c redis.UniversalClient, prefix string) *RedisStore {
	if prefix == "" {
		prefix = DefaultRedisPrefix
	}
	return &RedisStore{c: c, prefix: prefix}
}

// OpenRedisStore connects to the Redis server at url (redis:// or
// rediss://, as in REDIS_URL), checks that it answers, and returns a store
// that keeps its keys under prefix. The store owns its client:
// [RedisStore.Close] closes it.
func OpenRedisStore(ctx context.Context, url, prefix string) (*RedisStore, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("open redis session store: %w", err)
	}
	c := redis.NewClient(opts)
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		return nil, fmt.Errorf("open redis session store: %w", err)
	}
	rs := NewRedisStore(c, prefix)
	rs.owned = true
	return rs, nil
}

// Put implements [Store].
func (rs *RedisStore) Put(ctx context.Context, s Session, ttl time.Duration) error {
	if ttl <= 0 {
		return errBadTTL
	}
	ok, err := rs.c.SetNX(ctx, rs.prefix+s.ID, redisAlive, ttl).Result()
	if err != nil {
		return fmt.Errorf("put session: %w", err)
	}
	if !ok {
		return errDuplicateID
	}
	return nil
}

// Alive implements [Store].
func (rs *RedisStore) Alive(ctx context.Context, id string) (bool, error) {
	return alive(rs.c.Get(ctx, rs.prefix+id))
}

// AlivePipelined queues the check of id on pipe and returns a function that
// reads it once pipe has been executed, so that the check can share a round
// trip with other commands (the gateway's rate limits).
func (rs *RedisStore) AlivePipelined(ctx context.Context, pipe redis.Pipeliner, id string) func() (bool, error) {
	cmd := pipe.Get(ctx, rs.prefix+id)
	return func() (bool, error) { return alive(cmd) }
}

func alive(cmd *redis.StringCmd) (bool, error) {
	v, err := cmd.Result()
	if errors.Is(err, redis.Nil) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("check session: %w", err)
	}
	return v == redisAlive, nil
}

// Revoke implements [Store].
func (rs *RedisStore) Revoke(ctx context.Context, id string, ttl time.Duration) error {
	if ttl <= 0 {
		return errBadTTL
	}
	if err := rs.c.Set(ctx, rs.prefix+id, redisRevoked, ttl).Err(); err != nil {
		return fmt.Errorf("revoke session: %w", err)
	}
	return nil
}

// Close implements [Store]. It closes the client only when the store was
// made by [OpenRedisStore].
func (rs *RedisStore) Close() error {
	if !rs.owned {
		return nil
	}
	if err := rs.c.Close(); err != nil {
		return fmt.Errorf("close redis session store: %w", err)
	}
	return nil
}
