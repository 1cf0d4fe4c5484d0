package main

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

func numCPU() int { return runtime.NumCPU() }

func (r *result) count() int { return len(r.latencies) }

func (r *result) rps() float64 { return float64(r.count()) / r.elapsed.Seconds() }

// pct is the p-th percentile latency.
func (r *result) pct(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	if !slices.IsSorted(r.latencies) {
		slices.Sort(r.latencies)
	}
	i := int(p / 100 * float64(len(r.latencies)-1))
	return r.latencies[i]
}

func (r *result) print(name string) {
	fmt.Printf("%s\n  %7d requests in %5.1fs  %8.0f req/s  p50 %9v  p99 %9v  p99.9 %9v\n", name, r.count(),
		r.elapsed.Seconds(), r.rps(), r.pct(50).Round(time.Microsecond), r.pct(99).Round(time.Microsecond),
		r.pct(99.9).Round(time.Microsecond))
	fmt.Printf("  by status: %s\n", counts(r.byStatus))
	names := make([]string, 0, len(r.byKind))
	for k := range r.byKind {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		fmt.Printf("    %-15s %s\n", k, counts(r.byKind[k]))
	}
}

// counts formats a status count map in a stable order.
func counts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s: %d", k, m[k])
	}
	return b.String()
}

// sample is the gateway process's footprint at one moment.
type sample struct {
	goroutines int   // go_goroutines from /metrics
	rssKB      int   // VmRSS
	fds        int   // entries of /proc/PID/fd
	cgroups    int   // the gateway's sandbox run cgroups
	mounts     int   // lines of /proc/PID/mountinfo
	tmp        int   // entries in the gateway's TMPDIR
	heapBytes  int64 // go_memstats_heap_inuse_bytes
}

func (g *gateway) sample() (sample, error) {
	var s sample
	pid := g.cmd.Process.Pid
	m, err := metrics(g.base)
	if err != nil {
		return s, err
	}
	s.goroutines = int(m["go_goroutines"])
	s.heapBytes = int64(m["go_memstats_heap_inuse_bytes"])
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return s, fmt.Errorf("read process status: %w", err)
	}
	for line := range strings.Lines(string(status)) {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			s.rssKB, _ = strconv.Atoi(strings.Fields(v)[0])
		}
	}
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return s, fmt.Errorf("list open files: %w", err)
	}
	s.fds = len(fds)
	mi, err := os.ReadFile(fmt.Sprintf("/proc/%d/mountinfo", pid))
	if err != nil {
		return s, fmt.Errorf("read mount table: %w", err)
	}
	s.mounts = strings.Count(string(mi), "\n")
	tmp, _ := os.ReadDir(g.tmp)
	s.tmp = len(tmp)
	s.cgroups = sandboxCgroups(pid)
	return s, nil
}

// sandboxCgroups counts the run cgroups of process pid: the sandbox names
// them run-PID-N below a "bulwark" parent, one per controller on cgroup v1.
// Other processes' runs (other tests on the host) are not counted.
func sandboxCgroups(pid int) int {
	prefix := fmt.Sprintf("run-%d-", pid)
	n := 0
	filepath.WalkDir("/sys/fs/cgroup", func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if strings.Count(p, "/") > 8 {
			return fs.SkipDir
		}
		if strings.HasPrefix(d.Name(), prefix) {
			n++
			return fs.SkipDir
		}
		return nil
	})
	return n
}

// metrics reads the unlabelled samples of /metrics.
func metrics(base string) (map[string]float64, error) {
	res, err := http.Get(base + "/metrics")
	if err != nil {
		return nil, fmt.Errorf("read metrics: %w", err)
	}
	defer res.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		name, v, ok := strings.Cut(sc.Text(), " ")
		if !ok || strings.ContainsAny(name, "{#") {
			continue
		}
		out[name], _ = strconv.ParseFloat(v, 64)
	}
	return out, sc.Err()
}

func (s sample) compare(w io.Writer, after sample) {
	rows := []struct {
		name string
		a, b int64
	}{
		{"goroutines", int64(s.goroutines), int64(after.goroutines)},
		{"RSS (KiB)", int64(s.rssKB), int64(after.rssKB)},
		{"Go heap (KiB)", s.heapBytes >> 10, after.heapBytes >> 10},
		{"open files", int64(s.fds), int64(after.fds)},
		{"sandbox cgroups", int64(s.cgroups), int64(after.cgroups)},
		{"mounts", int64(s.mounts), int64(after.mounts)},
		{"temp entries", int64(s.tmp), int64(after.tmp)},
	}
	for _, r := range rows {
		fmt.Fprintf(w, "  %-15s %12d %12d\n", r.name, r.a, r.b)
	}
}
