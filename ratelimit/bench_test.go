// Benchmarks for the limiters. To compare a change:
//
//	REDIS_URL=redis://127.0.0.1:6393/0 go test -run='^$' -bench=. -benchmem -count=10 ./ratelimit > old.txt
//	(make the change)
//	REDIS_URL=redis://127.0.0.1:6393/0 go test -run='^$' -bench=. -benchmem -count=10 ./ratelimit > new.txt
//	benchstat old.txt new.txt

package ratelimit_test

import (
	"context"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"testing"
	"time"

	"github.com/bulwarkhq/bulwark/ratelimit"
)

func benchKeys() []string {
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = "ip:10.0." + strconv.Itoa(i/256) + "." + strconv.Itoa(i%256)
	}
	return keys
}

func BenchmarkMemoryAllow(b *testing.B) {
	m := ratelimit.NewMemory(0)
	ctx := context.Background()
	l := ratelimit.Limit{Rate: 1 << 20, Per: time.Second}
	keys := benchKeys()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m.Allow(ctx, keys[i%len(keys)], l)
		i++
	}
}

func BenchmarkMemoryAllowParallel(b *testing.B) {
	m := ratelimit.NewMemory(0)
	l := ratelimit.Limit{Rate: 1 << 20, Per: time.Second}
	keys := benchKeys()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		i := 0
		for pb.Next() {
			m.Allow(ctx, keys[i%len(keys)], l)
			i++
		}
	})
}

func BenchmarkRedisAllow(b *testing.B) {
	c, prefix := redisClient(b)
	rl := ratelimit.NewRedis(c, prefix)
	ctx := context.Background()
	l := ratelimit.Limit{Rate: 1 << 20, Per: time.Second}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := rl.Allow(ctx, "bench", l); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkClientIP(b *testing.B) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.0.0.2:80"
	r.Header.Set("X-Forwarded-For", "6.6.6.6, 198.51.100.9, 10.0.0.3")
	b.ReportAllocs()
	for b.Loop() {
		ratelimit.ClientIP(r, trusted)
	}
}
