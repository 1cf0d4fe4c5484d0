package sign_test

import (
	"context"
	"crypto/rand"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bulwarkhq/bulwark/sign"
)

func TestMemoryNonces(t *testing.T) {
	m := &sign.MemoryNonces{MaxEntries: 2}
	steps := []struct {
		name  string
		at    time.Duration
		nonce string
		fresh bool
		err   error
	}{
		{"first", 0, "a", true, nil},
		{"replay", time.Second, "a", false, nil},
		{"second", time.Second, "b", true, nil},
		{"full", 2 * time.Second, "c", false, sign.ErrNoncesFull},
		{"replay still refused when full", 2 * time.Second, "b", false, nil},
		{"first expired makes room", 10 * time.Second, "c", true, nil},
		{"expired nonce is new again", 30 * time.Second, "a", true, nil},
	}
	for _, s := range steps {
		fresh, err := m.ClaimAt(t0.Add(s.at), s.nonce, 10*time.Second)
		if fresh != s.fresh || !errors.Is(err, s.err) {
			t.Fatalf("%s: Claim = %v, %v; want %v, %v", s.name, fresh, err, s.fresh, s.err)
		}
	}
}

func redisClient(t *testing.T) (*redis.Client, string) {
	t.Helper()
	url := os.Getenv("REDIS_URL")
	if url == "" {
		t.Skip("REDIS_URL is not set; set it (e.g. redis://127.0.0.1:6379/0) to run the Redis tests")
	}
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatalf("parse REDIS_URL: %v", err)
	}
	c := redis.NewClient(opt)
	t.Cleanup(func() { c.Close() })
	return c, "test:" + rand.Text()[:10] + ":"
}

// TestRedisNoncesAcrossInstances checks that a request accepted by one
// instance is refused as a replay by another sharing Redis.
func TestRedisNoncesAcrossInstances(t *testing.T) {
	c, prefix := redisClient(t)
	a, b := verifier(t0), verifier(t0)
	a.Nonces = sign.NewRedisNonces(c, prefix)
	b.Nonces = sign.NewRedisNonces(redis.NewClient(c.Options()), prefix)
	if err := a.Check(signed(t, "k1", key1)); err != nil {
		t.Fatalf("instance a: %v", err)
	}
	if err := b.Check(signed(t, "k1", key1)); !errors.Is(err, sign.ErrReplayed) {
		t.Fatalf("instance b: %v, want ErrReplayed", err)
	}
	ttl, err := c.PTTL(context.Background(), prefix+"k1:"+nonce).Result()
	if err != nil {
		t.Fatal(err)
	}
	if ttl <= 5*time.Minute || ttl > 5*time.Minute+time.Second {
		t.Fatalf("nonce TTL %v, want the window plus a second", ttl)
	}
}

func TestRedisNoncesDown(t *testing.T) {
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1,
		DialTimeout: 200 * time.Millisecond})
	defer c.Close()
	v := verifier(t0)
	v.Nonces = sign.NewRedisNonces(c, "x:")
	err := v.Check(signed(t, "k1", key1))
	if !errors.Is(err, sign.ErrNonceStore) || sign.Status(err) != 503 {
		t.Fatalf("Check with Redis down = %v, want ErrNonceStore (503)", err)
	}
}

func TestCheckNoncesFull(t *testing.T) {
	v := verifier(t0)
	v.Nonces = &sign.MemoryNonces{MaxEntries: 1}
	if err := v.Check(signed(t, "k1", key1)); err != nil {
		t.Fatal(err)
	}
	err := v.Check(signed(t, "k2", key2))
	if !errors.Is(err, sign.ErrNonceStore) || !errors.Is(err, sign.ErrNoncesFull) {
		t.Fatalf("Check with a full store = %v, want ErrNonceStore and ErrNoncesFull", err)
	}
}

// TestRedisNoncesCluster runs the replay check on a Redis Cluster named by
// REDIS_CLUSTER_ADDRS.
func TestRedisNoncesCluster(t *testing.T) {
	addrs := os.Getenv("REDIS_CLUSTER_ADDRS")
	if addrs == "" {
		t.Skip("REDIS_CLUSTER_ADDRS is not set; set it to the nodes of a Redis Cluster " +
			"(e.g. 127.0.0.1:7391,127.0.0.1:7392,127.0.0.1:7393) to run the cluster tests")
	}
	c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: strings.Split(addrs, ",")})
	defer c.Close()
	v := verifier(t0)
	v.Nonces = sign.NewRedisNonces(c, "test:"+rand.Text()[:10]+":")
	if err := v.Check(signed(t, "k1", key1)); err != nil {
		t.Fatalf("first: %v", err)
	}
	if err := v.Check(signed(t, "k1", key1)); !errors.Is(err, sign.ErrReplayed) {
		t.Fatalf("replay: %v, want ErrReplayed", err)
	}
}
