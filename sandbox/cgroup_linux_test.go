package sandbox

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestParseMountinfo(t *testing.T) {
	tests := []struct {
		file string
		v2   string
		v1   map[string]string
	}{
		{"mountinfo-v1.txt", "/sys/fs/cgroup/unified", map[string]string{
			"memory": "/sys/fs/cgroup/memory", "pids": "/sys/fs/cgroup/pids",
			"cpuacct": "/sys/fs/cgroup/cpuacct", "freezer": "/sys/fs/cgroup/freezer"}},
		{"mountinfo-v2.txt", "/sys/fs/cgroup", map[string]string{}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			m := parseMountinfo(b)
			if m.v2 != tc.v2 {
				t.Errorf("v2 %q, want %q", m.v2, tc.v2)
			}
			for ctl, want := range tc.v1 {
				if m.v1[ctl] != want {
					t.Errorf("v1 %s at %q, want %q", ctl, m.v1[ctl], want)
				}
			}
			if len(m.v1) != len(tc.v1) {
				t.Errorf("v1 %v, want %v", m.v1, tc.v1)
			}
		})
	}
}

func TestParseSelfCgroup(t *testing.T) {
	v2, v1 := parseSelfCgroup([]byte("4:memory:/a/b\n2:cpu,cpuacct:/c\n0::/user.slice/x\n"))
	if v2 != "/user.slice/x" || v1["memory"] != "/a/b" || v1["cpuacct"] != "/c" || v1["cpu"] != "/c" {
		t.Errorf("v2 %q v1 %v", v2, v1)
	}
}

// fakeV2 makes a directory that looks like a cgroup v2 mount whose root
// offers the memory and pids controllers.
func fakeV2(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	write(t, filepath.Join(root, "cgroup.controllers"), "cpu memory pids")
	write(t, filepath.Join(root, "cgroup.subtree_control"), "")
	return root
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPrepareCgroupsV2(t *testing.T) {
	root := fakeV2(t)
	c := prepareCgroups(cgroupMounts{v2: root}, "/", nil, "/bulwark")
	if c.v2 != filepath.Join(root, "bulwark") || len(c.missed) != 0 {
		t.Fatalf("v2 %q missed %v", c.v2, c.missed)
	}
	if got := read(t, filepath.Join(c.v2, "cgroup.subtree_control")); got != "+memory +pids" {
		t.Errorf("subtree_control %q", got)
	}
	rc, err := c.create("run-1")
	if err != nil {
		t.Fatal(err)
	}
	l := Limits{Memory: 64 << 20, Processes: 32}.WithDefaults()
	// The kernel creates the interface files; the fake has to.
	for _, f := range []string{"memory.max", "memory.swap.max", "pids.max"} {
		write(t, filepath.Join(rc.v2, f), "max")
	}
	if err := rc.limit(l); err != nil {
		t.Fatal(err)
	}
	for f, want := range map[string]string{
		"memory.max": "67108864", "memory.swap.max": "0", "pids.max": "32",
	} {
		if got := read(t, filepath.Join(rc.v2, f)); got != want {
			t.Errorf("%s = %q, want %q", f, got, want)
		}
	}
	write(t, filepath.Join(rc.v2, "cpu.stat"), "usage_usec 1500000\nuser_usec 1000000\n")
	write(t, filepath.Join(rc.v2, "memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n")
	write(t, filepath.Join(rc.v2, "memory.peak"), "10485760\n")
	write(t, filepath.Join(rc.v2, "cgroup.procs"), "")
	if cpu, ok := rc.cpu(); !ok || cpu != 1500*time.Millisecond {
		t.Errorf("cpu %v %v", cpu, ok)
	}
	if n := rc.oomKills(); n != 1 {
		t.Errorf("oom kills %d", n)
	}
	if kb := rc.peakKB(); kb != 10240 {
		t.Errorf("peak %d KiB", kb)
	}
	if err := rc.kill(); err != nil {
		t.Errorf("kill of an empty cgroup: %v", err)
	}
}

func TestPrepareCgroupsV2WithoutControllers(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "cgroup.controllers"), "cpu")
	c := prepareCgroups(cgroupMounts{v2: root}, "/", nil, "bulwark")
	if c.usable() || len(c.missed) != 1 || !strings.Contains(c.missed[0], "memory") {
		t.Errorf("usable %v, missed %v", c.usable(), c.missed)
	}
}

func TestPrepareCgroupsV1(t *testing.T) {
	mounts := cgroupMounts{v1: map[string]string{}}
	for _, ctl := range []string{"memory", "pids"} {
		mounts.v1[ctl] = t.TempDir()
	}
	c := prepareCgroups(mounts, "", map[string]string{"memory": "/svc"}, "bulwark")
	if got, want := c.v1["memory"], filepath.Join(mounts.v1["memory"], "svc", "bulwark"); got != want {
		t.Errorf("memory parent %q, want %q", got, want)
	}
	if len(c.missed) != 2 { // cpuacct and freezer are not mounted
		t.Errorf("missed %v", c.missed)
	}
	rc, err := c.create("run-1")
	if err != nil {
		t.Fatal(err)
	}
	if err := rc.limit(Limits{Memory: 1 << 20}.WithDefaults()); err != nil {
		t.Fatal(err)
	}
	memsw := filepath.Join(rc.v1["memory"], "memory.memsw.limit_in_bytes")
	if got := read(t, memsw); got != "1048576" {
		t.Errorf("memsw %q", got)
	}
	write(t, filepath.Join(rc.v1["memory"], "memory.oom_control"),
		"oom_kill_disable 0\nunder_oom 0\noom_kill 2\n")
	if n := rc.oomKills(); n != 2 {
		t.Errorf("oom kills %d", n)
	}
}

func FuzzParseMountinfo(f *testing.F) {
	for _, name := range []string{"mountinfo-v1.txt", "mountinfo-v2.txt"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m := parseMountinfo(b)
		for ctl, mnt := range m.v1 {
			if !strings.Contains(string(b), ctl) || !strings.Contains(string(b), mnt) {
				t.Errorf("controller %q at %q is not in the input", ctl, mnt)
			}
		}
		parseSelfCgroup(b)
	})
}

func FuzzParseKeyed(f *testing.F) {
	f.Add([]byte("oom 1\noom_kill 2\n"), "oom_kill")
	f.Add([]byte("usage_usec 12\n"), "usage_usec")
	f.Fuzz(func(t *testing.T, b []byte, key string) {
		if _, ok := parseKeyed(b, key); ok && !strings.Contains(string(b), key) {
			t.Errorf("found key %q absent from the input", key)
		}
	})
}

// TestCgroupV2Kernel drives a run's cgroup on the host's real unified
// hierarchy, which needs no controller for this: a process born into it
// with CLONE_INTO_CGROUP, its children with it, CPU time from cpu.stat,
// cgroup.kill, and the removal. Limits need the memory and pids
// controllers, which TestPrepareCgroupsV2 covers on a fake file system.
func TestCgroupV2Kernel(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to create cgroups")
	}
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	mnt := parseMountinfo(b).v2
	if mnt == "" {
		t.Skip("no cgroup2 file system is mounted")
	}
	b, err = os.ReadFile("/proc/self/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	own, _ := parseSelfCgroup(b)
	parent := parentDir(mnt, own, fmt.Sprintf("bulwark-v2-test-%d", os.Getpid()))
	if err := os.Mkdir(parent, 0o700); err != nil {
		t.Skipf("cannot create a cgroup on the unified hierarchy %s: %v", mnt, err)
	}
	t.Cleanup(func() {
		if err := rmdirRetry(parent); err != nil {
			t.Errorf("remove parent cgroup: %v", err)
		}
	})
	rc, err := (&cgroups{v2: parent}).create("run")
	if err != nil {
		t.Fatal(err)
	}
	fd, err := rc.openDir()
	if err != nil {
		t.Fatal(err)
	}
	defer fd.Close()

	// A shell that spins in a child of its own and waits.
	cmd := exec.Command("sh", "-c", "while :; do :; done & wait")
	cmd.SysProcAttr = &syscall.SysProcAttr{UseCgroupFD: true, CgroupFD: int(fd.Fd())}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	killed := false
	defer func() {
		if !killed {
			_ = cmd.Process.Kill()
			_ = rc.kill()
			<-done
			_ = rc.remove()
		}
	}()

	own2, _ := parseSelfCgroup([]byte(read(t, fmt.Sprintf("/proc/%d/cgroup", cmd.Process.Pid))))
	if want := strings.TrimPrefix(rc.v2, mnt); own2 != want {
		t.Fatalf("the shell was born in cgroup %q, want %q", own2, want)
	}
	var pids []int
	var used time.Duration
	deadline := time.Now().Add(5 * time.Second)
	for ; time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		pids, _ = readPids(filepath.Join(rc.v2, "cgroup.procs"))
		used, _ = rc.cpu()
		if len(pids) == 2 && used >= 20*time.Millisecond {
			break
		}
	}
	if len(pids) != 2 || used < 20*time.Millisecond {
		t.Fatalf("after 5 s the cgroup holds %v and has used %v of CPU, "+
			"want the shell and its child and 20ms", pids, used)
	}

	if err := rc.kill(); err != nil {
		t.Fatal(err)
	}
	killed = true
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "killed") {
			t.Errorf("the shell ended with %v, want killed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the shell outlived cgroup.kill")
	}
	if left, _ := readPids(filepath.Join(rc.v2, "cgroup.procs")); len(left) != 0 {
		t.Errorf("processes %v left after kill", left)
	}
	if err := rc.remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(rc.v2); !os.IsNotExist(err) {
		t.Errorf("the run's cgroup is still there: %v", err)
	}
}

func TestVmHWM(t *testing.T) {
	if kb := vmHWM(os.Getpid()); kb < 1000 {
		t.Errorf("vmHWM of the test process = %d KiB, want its megabytes", kb)
	}
	if kb := vmHWM(1 << 30); kb != 0 {
		t.Errorf("vmHWM of a process that does not exist = %d, want 0", kb)
	}
}
