package main

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// Growth allowed over a soak before it fails. Warm-up is excluded: memory
// and goroutines are compared with the first sample taken under load, and
// the rest with the idle process before the load, once the load is over.
// Pooled upstream connections stay open after the load (90 s idle
// timeout): each may hold two goroutines and one file, per client.
const (
	goroutineSlack = 10 // idle after vs idle before, plus 2 per client
	fdSlack        = 5  // idle after vs idle before, plus 1 per client
	rssGrowth      = 1.5
	rssSlackKB     = 16 << 10
)

// soak runs the mix through the gateway for o.soak, sampling its footprint
// at ten points, and fails when anything grows.
func soak(o options, gw *gateway) error {
	mix := newMix(o.scripts)
	tg, err := newTarget(gw.base, true, o.conns)
	if err != nil {
		return err
	}
	idle, err := gw.sample()
	if err != nil {
		return err
	}
	slice := max(o.soak/10, time.Second)
	fmt.Printf("soak %v in slices of %v\n", o.soak, slice)
	fmt.Printf("%8s %8s %10s %10s %6s %8s %7s %5s %9s\n", "t", "req/s", "goroutines", "RSS KiB", "fds",
		"cgroups", "mounts", "tmp", "errors")
	row := func(at time.Duration, rps float64, s sample, errs int) {
		fmt.Printf("%8v %8.0f %10d %10d %6d %8d %7d %5d %9d\n", at.Round(time.Second), rps, s.goroutines,
			s.rssKB, s.fds, s.cgroups, s.mounts, s.tmp, errs)
	}
	row(0, 0, idle, 0)
	start := time.Now()
	var first, last sample
	total := map[string]int{}
	for i := 0; time.Since(start) < o.soak; i++ {
		r := driveUntil(tg, mix, o.max, time.Now().Add(min(slice, o.soak-time.Since(start))), nil)
		s, err := gw.sample()
		if err != nil {
			return err
		}
		bad := 0
		for k, n := range r.byStatus {
			total[k] += n
			if failing(k) {
				bad += n
			}
		}
		row(time.Since(start), r.rps(), s, bad)
		if i == 0 {
			first = s
		}
		last = s
	}
	tg.close()
	time.Sleep(3 * time.Second) // script runs and idle connections end
	after, err := gw.sample()
	if err != nil {
		return err
	}
	row(time.Since(start), 0, after, 0)
	fmt.Printf("answers: %s\n", counts(total))
	var problems []string
	check := func(ok bool, format string, a ...any) {
		if !ok {
			problems = append(problems, fmt.Sprintf(format, a...))
		}
	}
	for k, n := range total {
		check(!failing(k), "%d answers %q", n, k)
	}
	check(after.goroutines <= idle.goroutines+goroutineSlack+2*o.conns, "goroutines %d idle after, %d before",
		after.goroutines, idle.goroutines)
	check(after.fds <= idle.fds+fdSlack+o.conns, "open files %d idle after, %d before", after.fds, idle.fds)
	check(float64(last.rssKB) <= float64(first.rssKB)*rssGrowth+rssSlackKB,
		"RSS grew from %d KiB to %d KiB under the same load", first.rssKB, last.rssKB)
	check(after.cgroups == idle.cgroups, "sandbox cgroups %d after, %d before", after.cgroups, idle.cgroups)
	check(after.mounts == idle.mounts, "mounts %d after, %d before", after.mounts, idle.mounts)
	check(after.tmp == idle.tmp, "temporary entries %d after, %d before", after.tmp, idle.tmp)
	if len(problems) > 0 {
		return fmt.Errorf("soak failed:\n  %s", strings.Join(problems, "\n  "))
	}
	fmt.Fprintln(os.Stdout, "soak passed: no growth")
	return nil
}

// failing reports whether an answer counts against the gateway: no answer
// at all, or a server error other than 503 (a host that cannot sandbox).
func failing(status string) bool {
	return strings.HasPrefix(status, "error") || status == "500" || status == "502" || status == "504"
}
