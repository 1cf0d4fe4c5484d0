package validate

import (
	"runtime"
	"slices"
	"testing"
	"time"
)

// TestLinearWork checks that doubling an input at most about doubles the
// work, for chat text and for every adversarial shape. Work is measured two
// ways: bytes allocated (deterministic) and time, as the fastest of several
// interleaved runs, retried a few times because a busy machine only ever
// makes a run slower; a quadratic step fails every attempt.
func TestLinearWork(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test; run without -short")
	}
	v := mustNew(t, Config{})
	const n = 8 << 10
	small, large := adversarial(n), adversarial(2*n)
	small["chat"], large["chat"] = chatText(n), chatText(2*n)
	names := make([]string, 0, len(small))
	for k := range small {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			a1, a2 := allocated(v, small[name]), allocated(v, large[name])
			if a1 > 0 && float64(a2) > 3*float64(a1)+4096 {
				t.Errorf("allocated %d bytes for %d bytes of input but %d for %d", a1, n, a2, 2*n)
			}
			var t1, t2 time.Duration
			for range 5 {
				t1, t2 = fastest(v, small[name], large[name])
				if float64(t2) <= 3*float64(t1) {
					return
				}
			}
			t.Errorf("took %v for %d bytes but %v for %d (more than 3x)", t1, n, t2, 2*n)
		})
	}
}

// allocated returns the bytes allocated by one Check of text.
func allocated(v *Validator, text string) uint64 {
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	v.Check(text, Strict)
	runtime.ReadMemStats(&m1)
	return m1.TotalAlloc - m0.TotalAlloc
}

// fastest returns the fastest of nine Checks of a and of b, run in turn.
func fastest(v *Validator, a, b string) (time.Duration, time.Duration) {
	ta, tb := time.Duration(1<<62), time.Duration(1<<62)
	for range 9 {
		start := time.Now()
		v.Check(a, Strict)
		ta = min(ta, time.Since(start))
		start = time.Now()
		v.Check(b, Strict)
		tb = min(tb, time.Since(start))
	}
	return ta, tb
}

// wantLinear fails t unless f on large, twice the length of small, takes
// at most three times as long as on small, each time the fastest of nine
// runs, in one of five tries.
func wantLinear(t *testing.T, name, small, large string, f func(string)) {
	t.Helper()
	var t1, t2 time.Duration
	for range 5 {
		t1, t2 = fastestRun(func() { f(small) }), fastestRun(func() { f(large) })
		if t2 <= 3*t1 {
			return
		}
	}
	t.Errorf("%s: %v for %d bytes but %v for %d", name, t1, len(small), t2, len(large))
}

// fastestRun returns the fastest of nine runs of f.
func fastestRun(f func()) time.Duration {
	best := time.Duration(1 << 62)
	for range 9 {
		start := time.Now()
		f()
		best = min(best, time.Since(start))
	}
	return best
}

// TestAllocsBounded checks that the number of allocations of a Check does
// not grow with the input: copies are made per pass, not per byte or token.
func TestAllocsBounded(t *testing.T) {
	v := mustNew(t, Config{})
	for _, n := range []int{1 << 10, 64 << 10, 1 << 20} {
		text := chatText(n)
		allocs := testing.AllocsPerRun(3, func() { v.Check(text, Chat) })
		if allocs > 500 {
			t.Errorf("%d bytes: %.0f allocations per Check, want at most 500", n, allocs)
		}
	}
}
