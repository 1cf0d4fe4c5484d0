package ratelimit_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bulwarkhq/bulwark/ratelimit"
)

// redisClient connects to REDIS_URL and returns a client and a key prefix
// of its own for the test.
func redisClient(tb testing.TB) (*redis.Client, string) {
	tb.Helper()
	url := os.Getenv("REDIS_URL")
	if url == "" {
		tb.Skip("REDIS_URL is not set; set it (e.g. redis://127.0.0.1:6379/0) to run the Redis tests")
	}
	opt, err := redis.ParseURL(url)
	if err != nil {
		tb.Fatalf("parse REDIS_URL: %v", err)
	}
	c := redis.NewClient(opt)
	tb.Cleanup(func() { c.Close() })
	if err := c.Ping(context.Background()).Err(); err != nil {
		tb.Fatalf("ping REDIS_URL: %v", err)
	}
	return c, "test:" + rand.Text()[:10] + ":"
}

// TestRedisExactAcrossInstances runs four limiters with their own
// connection pools, as four processes would have, and many concurrent
// clients against one key; exactly the capacity must pass.
func TestRedisExactAcrossInstances(t *testing.T) {
	first, prefix := redisClient(t)
	tests := []struct {
		name string
		l    ratelimit.Limit
	}{
		{"60 per minute", ratelimit.PerMinute(60)},
		{"10 per hour with burst 15", ratelimit.Limit{Rate: 10, Per: time.Hour, Burst: 15}},
		{"7 per minute (inexact interval)", ratelimit.PerMinute(7)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var limiters []*ratelimit.Redis
			for range 4 {
				c := redis.NewClient(first.Options())
				t.Cleanup(func() { c.Close() })
				limiters = append(limiters, ratelimit.NewRedis(c, prefix))
			}
			key := t.Name()
			var allowed atomic.Int64
			var wg sync.WaitGroup
			for g := range 24 {
				wg.Go(func() {
					rl := limiters[g%len(limiters)]
					for range 10 {
						d, err := rl.Allow(context.Background(), key, tt.l)
						if err != nil {
							t.Error(err)
							return
						}
						if d.Allowed {
							allowed.Add(1)
						}
					}
				})
			}
			wg.Wait()
			if got := allowed.Load(); got != int64(tt.l.Capacity()) {
				t.Fatalf("allowed %d of 240, want exactly %d", got, tt.l.Capacity())
			}
		})
	}
}

func TestRedisDecision(t *testing.T) {
	c, prefix := redisClient(t)
	rl := ratelimit.NewRedis(c, prefix)
	ctx := context.Background()
	l := ratelimit.Limit{Rate: 3, Per: time.Minute} // one per 20s
	for i, want := range []int{2, 1, 0} {
		d, err := rl.Allow(ctx, "k", l)
		if err != nil {
			t.Fatal(err)
		}
		if !d.Allowed || d.Remaining != want {
			t.Fatalf("request %d: allowed %v remaining %d, want true %d", i, d.Allowed, d.Remaining, want)
		}
	}
	d, err := rl.Allow(ctx, "k", l)
	if err != nil {
		t.Fatal(err)
	}
	if d.Allowed || d.RetryAfter <= 19*time.Second || d.RetryAfter > 20*time.Second {
		t.Fatalf("fourth request: allowed %v retry %v, want denied with about 20s",
			d.Allowed, d.RetryAfter)
	}
	if d.ResetAfter <= 59*time.Second || d.ResetAfter > time.Minute {
		t.Fatalf("fourth request: reset %v, want about 60s", d.ResetAfter)
	}
	ttl, err := c.PTTL(ctx, prefix+"k").Result()
	if err != nil {
		t.Fatal(err)
	}
	if ttl <= 59*time.Second || ttl > time.Minute {
		t.Fatalf("key TTL %v, want about 60s so that idle keys expire", ttl)
	}
}

// TestRedisStoredState checks the script's arithmetic on states written
// directly, relative to the server clock, instead of waiting for time to
// pass.
func TestRedisStoredState(t *testing.T) {
	c, prefix := redisClient(t)
	rl := ratelimit.NewRedis(c, prefix)
	ctx := context.Background()
	l := ratelimit.Limit{Rate: 3, Per: time.Minute} // interval 20s, capacity 3
	tests := []struct {
		name      string
		tat       time.Duration // stored arrival time, relative to now
		allowed   bool
		remaining int
		retry     time.Duration
	}{
		{"idle key is full", -10 * time.Second, true, 2, 0},
		{"half an interval spare", 30 * time.Second, true, 0, 0},
		{"half an interval short", 50 * time.Second, false, 0, 10 * time.Second},
		{"one interval short", 60 * time.Second, false, 0, 20 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now, err := c.Time(ctx).Result()
			if err != nil {
				t.Fatal(err)
			}
			tat := now.Add(tt.tat).UnixMicro()
			if err := c.Set(ctx, prefix+tt.name, tat, time.Minute).Err(); err != nil {
				t.Fatal(err)
			}
			d, err := rl.Allow(ctx, tt.name, l)
			if err != nil {
				t.Fatal(err)
			}
			if d.Allowed != tt.allowed || d.Remaining != tt.remaining ||
				d.RetryAfter > tt.retry || d.RetryAfter < tt.retry-time.Second {
				t.Fatalf("allowed %v remaining %d retry %v, want %v %d about %v",
					d.Allowed, d.Remaining, d.RetryAfter, tt.allowed, tt.remaining, tt.retry)
			}
		})
	}
}

// TestRedisDown checks that a store failure comes back as an error, and
// that FailOpen turns it into an allowed decision and reports it.
func TestRedisDown(t *testing.T) {
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1,
		DialTimeout: 200 * time.Millisecond})
	defer c.Close()
	rl := ratelimit.NewRedis(c, "x:")
	l := ratelimit.PerMinute(1)
	if _, err := rl.Allow(context.Background(), "k", l); err == nil {
		t.Fatal("Allow against a closed port: no error")
	}
	var reported error
	open := ratelimit.FailOpen(rl, func(err error) { reported = err })
	d, err := open.Allow(context.Background(), "k", l)
	if err != nil || !d.Allowed {
		t.Fatalf("FailOpen: allowed %v err %v, want allowed", d.Allowed, err)
	}
	if reported == nil {
		t.Fatal("FailOpen did not report the error")
	}
	_, err = open.Allow(context.Background(), "k", ratelimit.Limit{})
	if !errors.Is(err, ratelimit.ErrInvalidLimit) {
		t.Fatalf("FailOpen with an invalid limit: %v, want ErrInvalidLimit", err)
	}

	failures := 0
	local := ratelimit.Fallback(rl, ratelimit.NewMemory(0), func(error) { failures++ })
	for i, want := range []bool{true, false} {
		d, err := local.Allow(context.Background(), "k", l)
		if err != nil || d.Allowed != want {
			t.Fatalf("Fallback request %d: allowed %v err %v, want %v", i, d.Allowed, err, want)
		}
	}
	if failures != 2 {
		t.Fatalf("Fallback reported %d failures, want 2", failures)
	}
}

// TestRedisPipelined checks that decisions queued on one pipeline agree
// with Allow, and that a server that forgot the script (SCRIPT FLUSH, as
// after a restart) still answers.
func TestRedisPipelined(t *testing.T) {
	c, prefix := redisClient(t)
	rl := ratelimit.NewRedis(c, prefix)
	ctx := context.Background()
	l := ratelimit.Limit{Rate: 2, Per: time.Minute}
	for _, flush := range []bool{false, true} {
		if flush {
			if err := c.ScriptFlush(ctx).Err(); err != nil {
				t.Fatal(err)
			}
		}
		key := fmt.Sprintf("pipe-%v", flush)
		pipe := c.Pipeline()
		var reads []func() (ratelimit.Decision, error)
		for range 3 {
			reads = append(reads, rl.AllowPipelined(ctx, pipe, key, l))
		}
		pipe.Exec(ctx)
		for i, read := range reads {
			d, err := read()
			if err != nil {
				t.Fatalf("flush=%v decision %d: %v", flush, i, err)
			}
			if want := i < 2; d.Allowed != want {
				t.Errorf("flush=%v decision %d allowed = %v, want %v", flush, i, d.Allowed, want)
			}
		}
	}
}
