package main

import (
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/bulwarkhq/bulwark/bench/internal/paired"
)

// scriptLatency times script runs as a client sees them: one logged-in
// client sends n POST /api/scripts/run requests per language, one after
// another, each paired with a bare run of the same interpreter on this
// host. It prints medians, fastest runs and the median cost over bare, the
// figure the sandbox's ≤ 3 ms goal for the warm pool is about.
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
	gwOnly, err := paired.Time(n, gap, func() error { return nil }, func() error {
		if s := send(c.hc, c.post("/api/scripts/run", refused, c.token)); s != "400" {
			return fmt.Errorf("answer %q to an unknown language, want 400", s)
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Printf("\n%d sequential runs each, from one client over HTTP\n", n)
	fmt.Printf("HTTP and gateway alone (a refused request): median %.2f ms\n",
		paired.MS(gwOnly.Median))
	fmt.Printf("%-8s %10s %10s %12s %10s %10s\n", "script", "bare ms", "http ms",
		"over bare", "bare min", "http min")
	for _, k := range cases {
		body := map[string]any{"language": k.lang, "code": k.code}
		s, err := paired.Time(n, gap,
			func() error { return exec.Command(k.bare[0], k.bare[1:]...).Run() },
			func() error {
				if s := send(c.hc, c.post("/api/scripts/run", body, c.token)); s != "200 ok" {
					return fmt.Errorf("%s through the gateway: answer %q", k.lang, s)
				}
				return nil
			})
		if err != nil {
			return err
		}
		fmt.Printf("%-8s %10.2f %10.2f %12.2f %10.2f %10.2f\n", k.lang, paired.MS(s.BaseMedian),
			paired.MS(s.Median), paired.MS(s.Over), paired.MS(s.BaseFastest), paired.MS(s.Fastest))
	}
	return nil
}

// gap spaces the runs, so that the pool refills between them as it would
// between users' requests.
const gap = 20 * time.Millisecond
