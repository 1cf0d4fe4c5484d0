// Command poolbench measures script runs through the server's warm pool
// (script.Runner) against running the same interpreter bare, and the runs
// per second the pool sustains at full concurrency. Bare and pool runs
// alternate, and "over bare" is the median of each pair's difference.
//
//	go run ./bench/sandbox/poolbench [-n 200] [-for 10s]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bulwarkhq/bulwark/bench/internal/paired"
	"github.com/bulwarkhq/bulwark/sandbox"
	"github.com/bulwarkhq/bulwark/script"
)

func main() {
	if sandbox.IsInit() {
		sandbox.InitMain()
	}
	n := flag.Int("n", 200, "runs per measurement")
	dur := flag.Duration("for", 10*time.Second, "length of the throughput measurement")
	python := flag.String("python", "python3", "bare python interpreter")
	flag.Parse()
	r, err := script.NewRunner(script.Config{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "poolbench:", err)
		os.Exit(1)
	}
	defer r.Close()
	cases := []struct {
		lang, code string
		bare       []string
	}{
		{"sh", "true", []string{"sh", "-c", "true"}},
		{"python", "pass", []string{*python, "-c", "pass"}},
	}
	fmt.Printf("%-8s %10s %10s %12s %10s %10s\n", "script", "bare ms", "pool ms",
		"over bare", "bare min", "pool min")
	for _, c := range cases {
		s, err := paired.Time(*n, 20*time.Millisecond,
			func() error { return exec.Command(c.bare[0], c.bare[1:]...).Run() },
			func() error { return runOnce(r, c.lang, c.code) })
		must(err)
		fmt.Printf("%-8s %10.2f %10.2f %12.2f %10.2f %10.2f\n", c.lang, paired.MS(s.BaseMedian),
			paired.MS(s.Median), paired.MS(s.Over), paired.MS(s.BaseFastest), paired.MS(s.Fastest))
	}
	for _, c := range cases {
		rate := throughput(r, c.lang, c.code, *dur)
		fmt.Printf("%s: %.1f runs/s at concurrency %d\n", c.lang, rate, 2*runtime.NumCPU())
	}
}

func runOnce(r *script.Runner, lang, code string) error {
	res, err := r.Run(context.Background(), script.Request{Language: lang, Code: code})
	if err == nil && res.Status != "ok" {
		err = fmt.Errorf("status %s: %s", res.Status, res.Reason)
	}
	return err
}

// throughput runs scripts from 2×NumCPU goroutines for dur; runs refused
// as busy are retried and not counted.
func throughput(r *script.Runner, lang, code string, dur time.Duration) float64 {
	var done atomic.Int64
	deadline := time.Now().Add(dur)
	var wg sync.WaitGroup
	for range 2 * runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				if runOnce(r, lang, code) == nil {
					done.Add(1)
				}
			}
		}()
	}
	start := time.Now()
	wg.Wait()
	return float64(done.Load()) / time.Since(start).Seconds()
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "poolbench:", err)
		os.Exit(1)
	}
}
