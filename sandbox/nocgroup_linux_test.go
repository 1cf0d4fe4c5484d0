package sandbox

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// TestWithoutCgroups runs a program as on a host whose cgroups cannot be
// written: the rlimit fallback must bound memory and processes, and the
// result must say that it ran degraded.
func TestWithoutCgroups(t *testing.T) {
	if os.Geteuid() != 0 || !Probe().UserNamespaces {
		t.Skip("sandbox runs need root and user namespaces")
	}
	saved, savedCaps := hostCg, probed
	hostCg, probed.Cgroup = &cgroups{}, "none"
	defer func() { hostCg, probed = saved, savedCaps }()

	res, err := Run(context.Background(), Spec{
		Args:   []string{"/bin/sh", "-c", "ulimit -v; ulimit -p; ulimit -t"},
		Binds:  []Bind{{Path: "/usr/bin"}, {Path: "/usr/lib"}, {Path: "/usr/lib64", Optional: true}},
		Limits: Limits{CPU: 2 * time.Second, Memory: 64 << 20, Processes: 16},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(res.Stdout); got != "65536\n16\n2\n" {
		t.Errorf("limits seen by the program %q (stderr %q), want 64 MiB, 16, 2 s",
			got, res.Stderr)
	}
	if len(res.Degraded) == 0 || !strings.HasPrefix(res.Degraded[0], "cgroup") {
		t.Errorf("degraded %v does not mention the cgroup", res.Degraded)
	}
	if res.CPU < 0 || res.MaxRSSKB == 0 {
		t.Errorf("accounting from rusage: cpu %v, max rss %d", res.CPU, res.MaxRSSKB)
	}
}
