package ratelimit_test

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/bulwarkhq/bulwark/ratelimit"
)

func TestMemorySequence(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := ratelimit.NewMemory(0)
		l := ratelimit.Limit{Rate: 2, Per: time.Second, Burst: 1} // one per 500ms, 3 at once
		steps := []struct {
			name      string
			sleep     time.Duration
			allowed   bool
			remaining int
			retry     time.Duration
		}{
			{"first", 0, true, 2, 0},
			{"second", 0, true, 1, 0},
			{"third", 0, true, 0, 0},
			{"fourth denied", 0, false, 0, 500 * time.Millisecond},
			{"still denied", 400 * time.Millisecond, false, 0, 100 * time.Millisecond},
			{"one earned", 100 * time.Millisecond, true, 0, 0},
			{"idle refills fully", 10 * time.Second, true, 2, 0},
		}
		for _, s := range steps {
			time.Sleep(s.sleep)
			d, err := m.Allow(context.Background(), "k", l)
			if err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			if d.Allowed != s.allowed || d.Remaining != s.remaining || d.RetryAfter != s.retry {
				t.Fatalf("%s: got allowed %v remaining %d retry %v, want %v %d %v", s.name,
					d.Allowed, d.Remaining, d.RetryAfter, s.allowed, s.remaining, s.retry)
			}
		}
	})
}

func TestMemoryKeysIndependent(t *testing.T) {
	m := ratelimit.NewMemory(0)
	l := ratelimit.Limit{Rate: 1, Per: time.Hour}
	for _, key := range []string{"a", "b", "c"} {
		if d, _ := m.Allow(context.Background(), key, l); !d.Allowed {
			t.Fatalf("first request of %q denied", key)
		}
	}
	if d, _ := m.Allow(context.Background(), "a", l); d.Allowed {
		t.Fatal("second request of a allowed")
	}
}

func TestMemoryInvalidLimit(t *testing.T) {
	m := ratelimit.NewMemory(0)
	if _, err := m.Allow(context.Background(), "k", ratelimit.Limit{}); err == nil {
		t.Fatal("Allow with zero limit: no error")
	}
}

// TestMemoryConcurrentExact checks that concurrent clients get exactly the
// capacity, no more and no less.
func TestMemoryConcurrentExact(t *testing.T) {
	m := ratelimit.NewMemory(0)
	l := ratelimit.Limit{Rate: 50, Per: time.Hour, Burst: 7}
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for range 40 {
				d, err := m.Allow(context.Background(), "shared", l)
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
	if got := allowed.Load(); got != int64(l.Capacity()) {
		t.Fatalf("allowed %d of 640, want %d", got, l.Capacity())
	}
}

func TestMemoryBounded(t *testing.T) {
	m := ratelimit.NewMemory(320)
	l := ratelimit.Limit{Rate: 1, Per: time.Hour}
	for i := range 5000 {
		if _, err := m.Allow(context.Background(), strconv.Itoa(i), l); err != nil {
			t.Fatal(err)
		}
	}
	if n := m.Len(); n > 320 {
		t.Fatalf("Len() = %d after 5000 keys, want at most 320", n)
	}
}

// TestMemoryEvictsIdleFirst fills the limiter with keys that then go idle
// and checks that a key still limited survives the arrival of new keys.
func TestMemoryEvictsIdleFirst(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		m := ratelimit.NewMemory(32 * 8)
		short := ratelimit.Limit{Rate: 1, Per: time.Second}
		long := ratelimit.Limit{Rate: 1, Per: time.Hour}
		for i := range 32 * 8 {
			m.Allow(ctx, "idle"+strconv.Itoa(i), short)
		}
		time.Sleep(2 * time.Second) // every key is idle now
		m.Allow(ctx, "busy", long)
		for i := range 32 * 8 {
			m.Allow(ctx, "new"+strconv.Itoa(i), short)
		}
		if d, _ := m.Allow(ctx, "busy", long); d.Allowed {
			t.Fatal("busy key was forgotten while idle keys were available")
		}
	})
}

func TestMemoryAllowAllocs(t *testing.T) {
	m := ratelimit.NewMemory(0)
	ctx := context.Background()
	l := ratelimit.Limit{Rate: 1000, Per: time.Nanosecond * 1000}
	m.Allow(ctx, "10.0.0.1", l)
	allocs := testing.AllocsPerRun(1000, func() {
		m.Allow(ctx, "10.0.0.1", l)
	})
	if allocs != 0 {
		t.Fatalf("Allow on a known key allocates %v times, want 0", allocs)
	}
}
