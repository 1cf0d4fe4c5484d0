package main

import (
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"time"
)

// scriptLatency times script runs as a client sees them: one logged-in
// client sends n POST /api/scripts/run requests per language, one after
// another, and the same interpreter runs n times bare on this host. It
// prints medians, fastest runs and the cost over bare, the figure the
// sandbox's ≤ 3 ms goal for the warm pool is about.
func scriptLatency(n int, gw *gateway) error {
	py, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
	if err != nil {
		return fmt.Errorf("find python3 (pyenv shims are scripts, the bare run needs the binary): %w", err)
	}
	cases := []struct {
		lang, code string
		bare       []string
	}{
		{"sh", "true", []string{"sh", "-c", "true"}},
		{"python", "pass", []string{strings.TrimSpace(string(py)), "-c", "pass"}},
	}
	t, err := newTarget(gw.base, true, 1)
	if err != nil {
		return err
	}
	defer t.close()
	c := t.clients[0]
	// The same request with a language the server refuses measures what
	// HTTP and the gateway's layers cost without the sandbox.
	refused := map[string]any{"language": "none", "code": "true"}
	gwOnly, _, err := timedRuns(n, func() error {
		if s := send(c.hc, c.post("/api/scripts/run", refused, c.token)); s != "400" {
			return fmt.Errorf("answer %q to an unknown language, want 400", s)
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Printf("\n%d sequential runs each, from one client over HTTP\n", n)
	fmt.Printf("HTTP and gateway alone (a refused request): median %.2f ms\n", msOf(gwOnly))
	fmt.Printf("%-8s %10s %10s %12s %10s %10s\n", "script", "bare ms", "http ms",
		"overhead ms", "bare min", "http min")
	for _, k := range cases {
		bare, bareMin, err := timedRuns(n, func() error { return exec.Command(k.bare[0], k.bare[1:]...).Run() })
		if err != nil {
			return fmt.Errorf("bare %s: %w", k.lang, err)
		}
		body := map[string]any{"language": k.lang, "code": k.code}
		through, throughMin, err := timedRuns(n, func() error {
			if s := send(c.hc, c.post("/api/scripts/run", body, c.token)); s != "200 ok" {
				return fmt.Errorf("answer %q", s)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("%s through the gateway: %w", k.lang, err)
		}
		fmt.Printf("%-8s %10.2f %10.2f %12.2f %10.2f %10.2f\n", k.lang, msOf(bare), msOf(through),
			msOf(through-bare), msOf(bareMin), msOf(throughMin))
	}
	return nil
}

// timedRuns calls f n times after a few warm-up calls and returns the
// median and the fastest time. Calls are 20 ms apart, so that the pool
// refills between them as it would between users' requests.
func timedRuns(n int, f func() error) (median, fastest time.Duration, err error) {
	for range 5 {
		if err := f(); err != nil {
			return 0, 0, err
		}
	}
	d := make([]time.Duration, n)
	for i := range d {
		time.Sleep(20 * time.Millisecond)
		start := time.Now()
		if err := f(); err != nil {
			return 0, 0, err
		}
		d[i] = time.Since(start)
	}
	slices.Sort(d)
	return d[n/2], d[0], nil
}

func msOf(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
