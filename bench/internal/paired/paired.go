// Package paired times two ways of doing the same work in alternation, so
// that both see the same noise of a shared machine: a script run bare and
// through the sandbox, say. Figures that would otherwise be taken minutes
// apart, under different load, become comparable.
package paired

import (
	"fmt"
	"slices"
	"time"
)

// Stats are the medians and fastest times of both sides and the median of
// the differences of each pair.
type Stats struct {
	BaseMedian, BaseFastest time.Duration
	Median, Fastest         time.Duration
	Over                    time.Duration // median of (run − base) per pair
}

// Time calls base and run after each other n times, after a few warm-up
// calls of each, and waits gap before every call (a pool refills between
// users' requests too).
func Time(n int, gap time.Duration, base, run func() error) (Stats, error) {
	if n <= 0 {
		return Stats{}, fmt.Errorf("time pairs: n must be positive, not %d", n)
	}
	for range 3 {
		if err := base(); err != nil {
			return Stats{}, fmt.Errorf("base: %w", err)
		}
		if err := run(); err != nil {
			return Stats{}, err
		}
	}
	b, r, d := make([]time.Duration, n), make([]time.Duration, n), make([]time.Duration, n)
	for i := range n {
		var err error
		if b[i], err = timed(gap, base); err != nil {
			return Stats{}, fmt.Errorf("base: %w", err)
		}
		if r[i], err = timed(gap, run); err != nil {
			return Stats{}, err
		}
		d[i] = r[i] - b[i]
	}
	for _, s := range [][]time.Duration{b, r, d} {
		slices.Sort(s)
	}
	return Stats{BaseMedian: b[n/2], BaseFastest: b[0], Median: r[n/2], Fastest: r[0],
		Over: d[n/2]}, nil
}

func timed(gap time.Duration, f func() error) (time.Duration, error) {
	time.Sleep(gap)
	start := time.Now()
	err := f()
	return time.Since(start), err
}

// MS is d in milliseconds.
func MS(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
