package ratelimit_test

import (
	"context"
	"crypto/rand"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bulwarkhq/bulwark/ratelimit"
)

// clusterClient connects to the Redis Cluster nodes in REDIS_CLUSTER_ADDRS
// (host:port, comma-separated).
func clusterClient(t *testing.T) (*redis.ClusterClient, string) {
	t.Helper()
	addrs := os.Getenv("REDIS_CLUSTER_ADDRS")
	if addrs == "" {
		t.Skip("REDIS_CLUSTER_ADDRS is not set; set it to the nodes of a Redis Cluster " +
			"(e.g. 127.0.0.1:7391,127.0.0.1:7392,127.0.0.1:7393) to run the cluster tests")
	}
	c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: strings.Split(addrs, ",")})
	t.Cleanup(func() { c.Close() })
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("ping REDIS_CLUSTER_ADDRS: %v", err)
	}
	return c, "test:" + rand.Text()[:10] + ":"
}

// TestClusterExact runs concurrent clients through two cluster clients on
// keys that hash to different slots: each key must admit exactly its
// capacity.
func TestClusterExact(t *testing.T) {
	c, prefix := clusterClient(t)
	other := redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.Options().Addrs})
	defer other.Close()
	limiters := []*ratelimit.Redis{ratelimit.NewRedis(c, prefix), ratelimit.NewRedis(other, prefix)}
	l := ratelimit.Limit{Rate: 5, Per: time.Hour, Burst: 3}
	const keys = 12
	var allowed [keys]atomic.Int64
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 30 {
				k := (g + i) % keys
				d, err := limiters[g%2].Allow(context.Background(), "k"+strconv.Itoa(k), l)
				if err != nil {
					t.Error(err)
					return
				}
				if d.Allowed {
					allowed[k].Add(1)
				}
			}
		})
	}
	wg.Wait()
	for k := range keys {
		if got := allowed[k].Load(); got != int64(l.Capacity()) {
			t.Errorf("key %d: allowed %d, want %d", k, got, l.Capacity())
		}
	}
	slots := map[int64]bool{}
	for k := range keys {
		slot, err := c.ClusterKeySlot(context.Background(), prefix+"k"+strconv.Itoa(k)).Result()
		if err != nil {
			t.Fatal(err)
		}
		slots[slot] = true
	}
	if len(slots) < 2 {
		t.Fatalf("all keys in one slot; the test does not exercise the cluster")
	}
}

func TestClusterFailures(t *testing.T) {
	c, prefix := clusterClient(t)
	testFailures(t, ratelimit.NewRedisFailures(c, prefix))
}
