package session_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/bulwarkhq/bulwark/session"
	"github.com/redis/go-redis/v9"
)

type store = session.Store

// storeKind describes how to test one Store implementation.
type storeKind struct {
	name string
	skip string // why the kind cannot run here, if it cannot
	// open returns a fresh, empty store and, for stores whose time can be
	// faked, the clock it reads.
	open func(t *testing.T) (session.Store, *clock)
	// reopen closes st and opens the same data again; nil for stores
	// that keep nothing across a restart.
	reopen func(t *testing.T, st session.Store, clk *clock) session.Store
	// ttl returns the remaining lifetime of id as the backend sees it;
	// nil when the store expires entries only by its clock.
	ttl func(t *testing.T, st session.Store, id string) time.Duration
}

func storeKinds(t *testing.T) []storeKind {
	kinds := []storeKind{
		{
			name: "memory",
			open: func(t *testing.T) (session.Store, *clock) {
				clk := newClock()
				st := session.NewMemoryStore()
				session.SetStoreClock(st, clk.Now)
				return st, clk
			},
		},
		{
			name: "bolt",
			open: func(t *testing.T) (session.Store, *clock) {
				path := filepath.Join(t.TempDir(), "sessions.db")
				st, err := session.OpenBoltStore(path)
				if err != nil {
					t.Fatal(err)
				}
				clk := newClock()
				session.SetStoreClock(st, clk.Now)
				boltPaths[st] = path
				t.Cleanup(func() { st.Close() })
				return st, clk
			},
			reopen: func(t *testing.T, st session.Store, clk *clock) session.Store {
				path := boltPaths[st]
				if err := st.Close(); err != nil {
					t.Fatal(err)
				}
				again, err := session.OpenBoltStore(path)
				if err != nil {
					t.Fatal(err)
				}
				session.SetStoreClock(again, clk.Now)
				t.Cleanup(func() { again.Close() })
				return again
			},
		},
	}
	url := os.Getenv("REDIS_URL")
	if url == "" {
		return append(kinds, storeKind{name: "redis", skip: "REDIS_URL is not set; " +
			"point it at a disposable Redis (.ci/run starts one) to run the redis store cases"})
	}
	return append(kinds, storeKind{
		name: "redis",
		open: func(t *testing.T) (session.Store, *clock) {
			prefix := uniquePrefix(t)
			st, err := session.OpenRedisStore(context.Background(), url, prefix)
			if err != nil {
				t.Fatal(err)
			}
			redisPrefixes[st] = prefix
			t.Cleanup(func() { deleteKeys(t, url, prefix) })
			return st, nil
		},
		reopen: func(t *testing.T, st session.Store, _ *clock) session.Store {
			prefix := redisPrefixes[st]
			st.Close()
			again, err := session.OpenRedisStore(context.Background(), url, prefix)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { again.Close() })
			return again
		},
		ttl: func(t *testing.T, st session.Store, id string) time.Duration {
			c := redisClient(t, url)
			defer c.Close()
			d, err := c.PTTL(context.Background(), redisPrefixes[st]+id).Result()
			if err != nil {
				t.Fatal(err)
			}
			return d
		},
	})
}

// Side tables from stores to what reopen needs. Tests in this file do not
// run in parallel, so plain maps do.
var (
	boltPaths     = map[session.Store]string{}
	redisPrefixes = map[session.Store]string{}
)

func uniquePrefix(t *testing.T) string {
	var b [6]byte
	rand.Read(b[:])
	return "bulwark-test:" + hex.EncodeToString(b[:]) + ":"
}

func redisClient(t testing.TB, url string) *redis.Client {
	t.Helper()
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	return redis.NewClient(opts)
}

func deleteKeys(t testing.TB, url, prefix string) {
	c := redisClient(t, url)
	defer c.Close()
	ctx := context.Background()
	keys, err := c.Keys(ctx, prefix+"*").Result()
	if err == nil && len(keys) > 0 {
		c.Del(ctx, keys...)
	}
}

func TestStores(t *testing.T) {
	ctx := context.Background()
	s := session.Session{ID: "id-1", User: "alice"}
	tests := []struct {
		name string
		run  func(t *testing.T, k storeKind, st store, clk *clock)
	}{
		{"unknown id is not alive", func(t *testing.T, k storeKind, st store, clk *clock) {
			wantAlive(t, st, "never-put", false)
		}},
		{"put then alive", func(t *testing.T, k storeKind, st store, clk *clock) {
			mustPut(t, st, s, time.Hour)
			wantAlive(t, st, s.ID, true)
		}},
		{"revoke kills", func(t *testing.T, k storeKind, st store, clk *clock) {
			mustPut(t, st, s, time.Hour)
			if err := st.Revoke(ctx, s.ID, time.Hour); err != nil {
				t.Fatal(err)
			}
			wantAlive(t, st, s.ID, false)
		}},
		{"revoke unknown id succeeds", func(t *testing.T, k storeKind, st store, clk *clock) {
			if err := st.Revoke(ctx, "never-put", time.Hour); err != nil {
				t.Fatal(err)
			}
			wantAlive(t, st, "never-put", false)
		}},
		{"put on a revoked id is refused", func(t *testing.T, k storeKind, st store, clk *clock) {
			if err := st.Revoke(ctx, s.ID, time.Hour); err != nil {
				t.Fatal(err)
			}
			if err := st.Put(ctx, s, time.Hour); err == nil {
				t.Error("Put brought a revoked id back")
			}
			wantAlive(t, st, s.ID, false)
		}},
		{"put on a live id is refused", func(t *testing.T, k storeKind, st store, clk *clock) {
			mustPut(t, st, s, time.Hour)
			if err := st.Put(ctx, s, time.Hour); err == nil {
				t.Error("second Put of one id succeeded")
			}
		}},
		{"non-positive ttl is refused", func(t *testing.T, k storeKind, st store, clk *clock) {
			if err := st.Put(ctx, s, 0); err == nil {
				t.Error("Put with ttl 0 succeeded; the entry would never expire")
			}
			if err := st.Revoke(ctx, s.ID, -time.Second); err == nil {
				t.Error("Revoke with a negative ttl succeeded")
			}
		}},
		{"entries expire after their ttl", func(t *testing.T, k storeKind, st store, clk *clock) {
			mustPut(t, st, s, time.Hour)
			if k.ttl != nil {
				if d := k.ttl(t, st, s.ID); d <= 59*time.Minute || d > time.Hour {
					t.Errorf("backend ttl = %v, want about an hour", d)
				}
				return
			}
			clk.Advance(time.Hour - time.Second)
			wantAlive(t, st, s.ID, true)
			clk.Advance(time.Second)
			wantAlive(t, st, s.ID, false)
		}},
		{"revocation survives a restart", func(t *testing.T, k storeKind, st store, clk *clock) {
			if k.reopen == nil {
				t.Skip("this store keeps nothing across restarts by design")
			}
			other := session.Session{ID: "id-2", User: "bob"}
			mustPut(t, st, s, time.Hour)
			mustPut(t, st, other, time.Hour)
			if err := st.Revoke(ctx, s.ID, time.Hour); err != nil {
				t.Fatal(err)
			}
			st = k.reopen(t, st, clk)
			wantAlive(t, st, s.ID, false)
			wantAlive(t, st, other.ID, true)
		}},
		{"concurrent use", func(t *testing.T, k storeKind, st store, clk *clock) {
			var wg sync.WaitGroup
			for g := range 4 {
				wg.Go(func() {
					for i := range 20 {
						id := fmt.Sprintf("c-%d-%d", g, i)
						if err := st.Put(ctx, session.Session{ID: id}, time.Hour); err != nil {
							t.Error(err)
							return
						}
						if alive, err := st.Alive(ctx, id); err != nil || !alive {
							t.Errorf("Alive(%s) = %v, %v", id, alive, err)
						}
						if err := st.Revoke(ctx, id, time.Hour); err != nil {
							t.Error(err)
						}
					}
				})
			}
			wg.Wait()
		}},
	}
	for _, k := range storeKinds(t) {
		t.Run(k.name, func(t *testing.T) {
			if k.skip != "" {
				t.Skip(k.skip)
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					st, clk := k.open(t)
					tt.run(t, k, st, clk)
				})
			}
		})
	}
}

func mustPut(t *testing.T, st session.Store, s session.Session, ttl time.Duration) {
	t.Helper()
	if err := st.Put(context.Background(), s, ttl); err != nil {
		t.Fatalf("Put(%s): %v", s.ID, err)
	}
}

func wantAlive(t *testing.T, st session.Store, id string, want bool) {
	t.Helper()
	alive, err := st.Alive(context.Background(), id)
	if err != nil {
		t.Fatalf("Alive(%s): %v", id, err)
	}
	if alive != want {
		t.Errorf("Alive(%s) = %v, want %v", id, alive, want)
	}
}

func TestStoresSweepExpired(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	mem := session.NewMemoryStore()
	session.SetStoreClock(mem, clk.Now)
	bs, err := session.OpenBoltStore(filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer bs.Close()
	session.SetStoreClock(bs, clk.Now)

	for i := range 50 {
		for _, st := range []session.Store{mem, bs} {
			mustPut(t, st, session.Session{ID: fmt.Sprint("old-", i)}, time.Minute)
			if i%2 == 0 {
				if err := st.Revoke(ctx, fmt.Sprint("old-", i), time.Minute); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	clk.Advance(2 * time.Minute)
	for _, st := range []session.Store{mem, bs} {
		mustPut(t, st, session.Session{ID: "new"}, time.Hour)
	}
	if n := mem.Len(); n != 1 {
		t.Errorf("memory store holds %d entries after the sweep, want 1", n)
	}
	if entries, index := session.BoltLen(bs); entries != 1 || index != 1 {
		t.Errorf("bolt store holds %d entries and %d index keys after the sweep, want 1 and 1",
			entries, index)
	}
}

func TestMemoryStoreZeroValue(t *testing.T) {
	var st session.MemoryStore
	wantAlive(t, &st, "x", false)
	mustPut(t, &st, session.Session{ID: "x"}, time.Minute)
	wantAlive(t, &st, "x", true)
}

func TestBoltStoreLockedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	first, err := session.OpenBoltStore(path)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	if second, err := session.OpenBoltStore(path); err == nil {
		second.Close()
		t.Fatal("a second OpenBoltStore on a file in use succeeded")
	}
}

func TestRedisStoreDown(t *testing.T) {
	// Nothing listens on port 1; no server is needed for this test.
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialerRetries: 1})
	defer c.Close()
	st := session.NewRedisStore(c, "")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	alive, err := st.Alive(ctx, "some-id")
	if err == nil || alive {
		t.Fatalf("Alive with Redis down = %v, %v; want an error", alive, err)
	}
	if errors.Is(err, session.ErrNoSession) {
		t.Errorf("store error %v matches ErrNoSession", err)
	}
	if err := st.Put(ctx, session.Session{ID: "x"}, time.Minute); err == nil {
		t.Error("Put with Redis down succeeded")
	}
	if err := st.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := c.Ping(ctx).Err(); errors.Is(err, redis.ErrClosed) {
		t.Error("Close of a NewRedisStore store closed the caller's client")
	}
	down := "redis://127.0.0.1:1/0?max_retries=-1"
	if _, err := session.OpenRedisStore(ctx, down, ""); err == nil {
		t.Error("OpenRedisStore with Redis down succeeded")
	}
	if _, err := session.OpenRedisStore(ctx, "http://not-redis", ""); err == nil {
		t.Error("OpenRedisStore accepted a non-redis URL")
	}
}
