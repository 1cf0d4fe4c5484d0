package ratelimit_test

import (
	"context"
	"errors"
	"net/netip"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bulwarkhq/bulwark/ratelimit"
)

func TestBackoffLock(t *testing.T) {
	b := ratelimit.Backoff{After: 5, Base: time.Second, Max: 10 * time.Second, Forget: time.Hour}
	tests := []struct {
		failures int
		want     time.Duration
	}{
		{0, 0}, {4, 0}, {5, time.Second}, {6, 2 * time.Second}, {7, 4 * time.Second},
		{8, 8 * time.Second}, {9, 10 * time.Second}, {1000, 10 * time.Second},
	}
	for _, tt := range tests {
		if got := b.Lock(tt.failures); got != tt.want {
			t.Errorf("Lock(%d) = %v, want %v", tt.failures, got, tt.want)
		}
	}
}

func TestBackoffValid(t *testing.T) {
	tests := []struct {
		name string
		b    ratelimit.Backoff
		ok   bool
	}{
		{"login user", ratelimit.LoginUserBackoff, true},
		{"login ip", ratelimit.LoginIPBackoff, true},
		{"zero", ratelimit.Backoff{}, false},
		{"max below base", ratelimit.Backoff{After: 1, Base: time.Second, Max: time.Millisecond,
			Forget: time.Second}, false},
		{"sub-millisecond", ratelimit.Backoff{After: 1, Base: time.Microsecond, Max: time.Second,
			Forget: time.Second}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.b.Valid()
			if (err == nil) != tt.ok || err != nil && !errors.Is(err, ratelimit.ErrInvalidBackoff) {
				t.Fatalf("Valid() = %v, want ok %v", err, tt.ok)
			}
		})
	}
}

// testFailures runs the same scenario on any Failures store: locks grow
// 1s, 2s, 4s from the third failure and Reset clears them.
func testFailures(t *testing.T, f ratelimit.Failures) {
	t.Helper()
	ctx := context.Background()
	b := ratelimit.Backoff{After: 3, Base: time.Second, Max: 4 * time.Second, Forget: time.Hour}
	want := []time.Duration{0, 0, time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second}
	for i, w := range want {
		got, err := f.Fail(ctx, "alice", b)
		if err != nil {
			t.Fatal(err)
		}
		if got != w {
			t.Fatalf("failure %d: lock %v, want %v", i+1, got, w)
		}
		left, err := f.Locked(ctx, "alice")
		if err != nil {
			t.Fatal(err)
		}
		if left > w || w > 0 && left < w-100*time.Millisecond {
			t.Fatalf("failure %d: Locked() = %v, want about %v", i+1, left, w)
		}
	}
	if left, _ := f.Locked(ctx, "bob"); left != 0 {
		t.Fatalf("Locked(bob) = %v, want 0", left)
	}
	if err := f.Reset(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	if left, _ := f.Locked(ctx, "alice"); left != 0 {
		t.Fatalf("Locked after Reset = %v, want 0", left)
	}
	if got, _ := f.Fail(ctx, "alice", b); got != 0 {
		t.Fatalf("first failure after Reset: lock %v, want 0", got)
	}
	_, err := f.Fail(ctx, "alice", ratelimit.Backoff{})
	if !errors.Is(err, ratelimit.ErrInvalidBackoff) {
		t.Fatalf("Fail with zero Backoff: %v, want ErrInvalidBackoff", err)
	}
}

func TestMemoryFailures(t *testing.T) {
	testFailures(t, &ratelimit.MemoryFailures{})
}

func TestRedisFailures(t *testing.T) {
	c, prefix := redisClient(t)
	testFailures(t, ratelimit.NewRedisFailures(c, prefix))
}

// TestRedisLoginAcrossInstances counts concurrent failures sent to two
// instances and checks that none is lost and that both see the lock.
func TestRedisLoginAcrossInstances(t *testing.T) {
	c, prefix := redisClient(t)
	a := &ratelimit.Login{Store: ratelimit.NewRedisFailures(c, prefix)}
	b := &ratelimit.Login{Store: ratelimit.NewRedisFailures(redis.NewClient(c.Options()), prefix)}
	ip := netip.MustParseAddr("192.0.2.50")
	ctx := context.Background()
	var mu sync.Mutex
	var longest time.Duration
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			l := a
			if i%2 == 1 {
				l = b
			}
			lock, err := l.Failed(ctx, "carol", ip)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			longest = max(longest, lock)
			mu.Unlock()
		})
	}
	wg.Wait()
	want := ratelimit.LoginUserBackoff.Lock(8) // 8 failures: 1s doubled 3 times
	if longest != want {
		t.Fatalf("longest lock %v, want %v: failures were lost or double counted", longest, want)
	}
	for name, l := range map[string]*ratelimit.Login{"a": a, "b": b} {
		if wait, err := l.Check(ctx, "carol", netip.Addr{}); err != nil || wait <= 0 {
			t.Fatalf("instance %s: wait %v err %v, want locked", name, wait, err)
		}
	}
}

// TestMemoryFailuresExpire checks that a lock ends and that the count is
// forgotten after Forget.
func TestMemoryFailuresExpire(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		f := &ratelimit.MemoryFailures{}
		b := ratelimit.Backoff{After: 2, Base: time.Second, Max: time.Minute, Forget: time.Minute}
		f.Fail(ctx, "k", b)
		f.Fail(ctx, "k", b)
		time.Sleep(999 * time.Millisecond)
		if left, _ := f.Locked(ctx, "k"); left != time.Millisecond {
			t.Fatalf("Locked() = %v, want 1ms", left)
		}
		time.Sleep(time.Millisecond)
		if left, _ := f.Locked(ctx, "k"); left != 0 {
			t.Fatalf("Locked() after the lock = %v, want 0", left)
		}
		if lock, _ := f.Fail(ctx, "k", b); lock != 2*time.Second {
			t.Fatalf("third failure within Forget: lock %v, want 2s", lock)
		}
		time.Sleep(time.Minute)
		if lock, _ := f.Fail(ctx, "k", b); lock != 0 {
			t.Fatalf("failure after Forget: lock %v, want 0 (count forgotten)", lock)
		}
	})
}

func TestMemoryFailuresBounded(t *testing.T) {
	f := &ratelimit.MemoryFailures{MaxKeys: 100}
	ctx := context.Background()
	for i := range 1000 {
		f.Fail(ctx, "user"+strconv.Itoa(i), ratelimit.LoginUserBackoff)
	}
	if n := f.Len(); n > 100 {
		t.Fatalf("Len() = %d after 1000 keys, want at most 100", n)
	}
	for range ratelimit.LoginUserBackoff.After - 1 {
		f.Fail(ctx, "victim", ratelimit.LoginUserBackoff)
	}
	if lock, _ := f.Fail(ctx, "victim", ratelimit.LoginUserBackoff); lock != time.Second {
		t.Fatalf("lock after %d failures = %v, want 1s", ratelimit.LoginUserBackoff.After, lock)
	}
}

func TestLogin(t *testing.T) {
	ctx := context.Background()
	ip := netip.MustParseAddr("192.0.2.7")
	other := netip.MustParseAddr("192.0.2.8")
	user := ratelimit.Backoff{After: 3, Base: time.Second, Max: time.Minute, Forget: time.Hour}
	ipPolicy := ratelimit.Backoff{After: 5, Base: time.Second, Max: time.Minute, Forget: time.Hour}

	t.Run("user locked from any address", func(t *testing.T) {
		l := &ratelimit.Login{Store: &ratelimit.MemoryFailures{}, User: user, IP: ipPolicy}
		for range 3 {
			l.Failed(ctx, "alice", ip)
		}
		if wait, _ := l.Check(ctx, "alice", other); wait <= 0 {
			t.Fatal("alice not locked from another address")
		}
		if wait, _ := l.Check(ctx, "bob", other); wait != 0 {
			t.Fatalf("bob from another address waits %v", wait)
		}
	})
	t.Run("address locked for every user", func(t *testing.T) {
		l := &ratelimit.Login{Store: &ratelimit.MemoryFailures{}, User: user, IP: ipPolicy}
		for _, u := range []string{"a", "b", "c", "d", "e"} {
			l.Failed(ctx, u, ip)
		}
		if wait, _ := l.Check(ctx, "f", ip); wait <= 0 {
			t.Fatal("address not locked after 5 failures on different users")
		}
		if wait, _ := l.Check(ctx, "f", other); wait != 0 {
			t.Fatalf("user f from another address waits %v", wait)
		}
	})
	t.Run("success resets the user but not the address", func(t *testing.T) {
		l := &ratelimit.Login{Store: &ratelimit.MemoryFailures{}, User: user, IP: ipPolicy}
		for range 3 {
			l.Failed(ctx, "alice", ip)
		}
		l.Failed(ctx, "bob", ip)
		l.Succeeded(ctx, "alice", ip)
		if wait, _ := l.Check(ctx, "alice", other); wait != 0 {
			t.Fatalf("alice still locked after success: %v", wait)
		}
		// 4 failures counted on the address; one more locks it.
		if wait, _ := l.Failed(ctx, "mallory", ip); wait != time.Second {
			t.Fatalf("fifth failure from the address: lock %v, want 1s", wait)
		}
	})
	t.Run("IPv6 counted per /64", func(t *testing.T) {
		l := &ratelimit.Login{Store: &ratelimit.MemoryFailures{}, User: user, IP: ipPolicy}
		for i := range 5 {
			a := netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 15: byte(i + 1)})
			l.Failed(ctx, "u"+string(rune('a'+i)), a)
		}
		a := netip.MustParseAddr("2001:db8::ffff:1")
		if wait, _ := l.Check(ctx, "z", a); wait <= 0 {
			t.Fatal("address in the same /64 not locked")
		}
	})
	t.Run("default policies", func(t *testing.T) {
		l := &ratelimit.Login{Store: &ratelimit.MemoryFailures{}}
		var wait time.Duration
		for range ratelimit.LoginUserBackoff.After {
			wait, _ = l.Failed(ctx, "alice", ip)
		}
		if wait != ratelimit.LoginUserBackoff.Base {
			t.Fatalf("lock after %d failures = %v, want %v", ratelimit.LoginUserBackoff.After,
				wait, ratelimit.LoginUserBackoff.Base)
		}
	})
}
