package sandbox

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// cgroupV1Controllers are the v1 hierarchies a run uses, each in its own
// directory. Only memory and pids are required; the others improve
// accounting and killing.
var cgroupV1Controllers = []string{"memory", "pids", "cpuacct", "freezer"}

// cgroups knows where runs' cgroups are created. Its zero value means no
// cgroup can be used.
type cgroups struct {
	v2     string            // parent directory on the unified hierarchy, or ""
	v1     map[string]string // controller → parent directory
	missed []string          // required controllers that could not be used
}

// usable reports whether runs get a cgroup with a memory limit.
func (c *cgroups) usable() bool {
	return c.v2 != "" || c.v1["memory"] != ""
}

// runCgroup is the cgroup of one run.
type runCgroup struct {
	v2      string            // directory on the unified hierarchy, or ""
	v1      map[string]string // controller → directory
	applied Limits            // the limits last written
}

// create makes a fresh cgroup for one run. On error nothing is left behind.
func (c *cgroups) create(name string) (*runCgroup, error) {
	rc := &runCgroup{}
	if c.v2 != "" {
		rc.v2 = filepath.Join(c.v2, name)
		if err := os.Mkdir(rc.v2, 0o700); err != nil {
			return nil, fmt.Errorf("create cgroup: %w", err)
		}
	} else {
		rc.v1 = make(map[string]string, len(c.v1))
		for ctl, parent := range c.v1 {
			dir := filepath.Join(parent, name)
			if err := os.Mkdir(dir, 0o700); err != nil {
				rc.remove()
				return nil, fmt.Errorf("create cgroup %s: %w", ctl, err)
			}
			rc.v1[ctl] = dir
		}
	}
	return rc, nil
}

// limit writes the memory and process limits.
func (rc *runCgroup) limit(l Limits) error {
	if l.Memory == rc.applied.Memory && l.Processes == rc.applied.Processes {
		return nil
	}
	mem := strconv.FormatInt(l.Memory, 10)
	pids := strconv.Itoa(l.Processes)
	var writes [][2]string
	if rc.v2 != "" {
		writes = [][2]string{
			{filepath.Join(rc.v2, "memory.max"), mem},
			{filepath.Join(rc.v2, "memory.swap.max"), "0"},
			{filepath.Join(rc.v2, "pids.max"), pids},
		}
	} else {
		if d := rc.v1["memory"]; d != "" {
			// memsw must not be below the plain limit, so write that first.
			writes = append(writes,
				[2]string{filepath.Join(d, "memory.limit_in_bytes"), mem},
				[2]string{filepath.Join(d, "memory.memsw.limit_in_bytes"), mem},
				[2]string{filepath.Join(d, "memory.swappiness"), "0"})
		}
		if d := rc.v1["pids"]; d != "" {
			writes = append(writes, [2]string{filepath.Join(d, "pids.max"), pids})
		}
	}
	for _, w := range writes {
		err := os.WriteFile(w[0], []byte(w[1]), 0)
		if err != nil && !(errors.Is(err, os.ErrNotExist) && isOptionalKnob(w[0])) {
			return fmt.Errorf("set cgroup limit %s: %w", filepath.Base(w[0]), err)
		}
	}
	rc.applied.Memory, rc.applied.Processes = l.Memory, l.Processes
	return nil
}

// isOptionalKnob names files a kernel may lack without weakening the limit
// much: swap accounting is off on some hosts, and then there is no swap to
// limit either.
func isOptionalKnob(path string) bool {
	b := filepath.Base(path)
	return b == "memory.swap.max" || b == "memory.memsw.limit_in_bytes" ||
		b == "memory.swappiness"
}

// add moves a process into every v1 hierarchy of the run. On v2 processes are
// born into the cgroup instead (CLONE_INTO_CGROUP).
func (rc *runCgroup) add(pid int) error {
	for ctl, dir := range rc.v1 {
		p := []byte(strconv.Itoa(pid))
		if err := os.WriteFile(filepath.Join(dir, "cgroup.procs"), p, 0); err != nil {
			return fmt.Errorf("join cgroup %s: %w", ctl, err)
		}
	}
	return nil
}

// cpu returns the CPU time used by the run so far.
func (rc *runCgroup) cpu() (time.Duration, bool) {
	if rc.v2 != "" {
		v, ok := readKeyed(filepath.Join(rc.v2, "cpu.stat"), "usage_usec")
		return time.Duration(v) * time.Microsecond, ok
	}
	if d := rc.v1["cpuacct"]; d != "" {
		v, err := readInt(filepath.Join(d, "cpuacct.usage"))
		return time.Duration(v), err == nil
	}
	return 0, false
}

// oomKills returns how many processes the kernel killed for lack of memory.
func (rc *runCgroup) oomKills() int64 {
	if rc.v2 != "" {
		v, _ := readKeyed(filepath.Join(rc.v2, "memory.events"), "oom_kill")
		return v
	}
	if d := rc.v1["memory"]; d != "" {
		v, _ := readKeyed(filepath.Join(d, "memory.oom_control"), "oom_kill")
		return v
	}
	return 0
}

// peakKB returns the peak memory use of the cgroup in KiB, or 0 when
// unknown.
func (rc *runCgroup) peakKB() int64 {
	return rc.readKB("memory.peak", "memory.max_usage_in_bytes")
}

// usageKB returns the memory the cgroup uses now in KiB, or 0 when unknown.
func (rc *runCgroup) usageKB() int64 {
	return rc.readKB("memory.current", "memory.usage_in_bytes")
}

// resetPeak starts the peak over from the current use, where the kernel
// allows it (v1; v2 keeps its peak).
func (rc *runCgroup) resetPeak() {
	if d := rc.v1["memory"]; d != "" {
		_ = os.WriteFile(filepath.Join(d, "memory.max_usage_in_bytes"), []byte("0"), 0)
	}
}

func (rc *runCgroup) readKB(v2file, v1file string) int64 {
	var v int64
	var err error
	if rc.v2 != "" {
		v, err = readInt(filepath.Join(rc.v2, v2file))
	} else if d := rc.v1["memory"]; d != "" {
		v, err = readInt(filepath.Join(d, v1file))
	} else {
		return 0
	}
	if err != nil {
		return 0
	}
	return v / 1024
}

// procsFile returns the cgroup.procs file that lists the run's processes,
// or "".
func (rc *runCgroup) procsFile() string {
	dir := rc.v2
	if dir == "" {
		dir = rc.v1["pids"]
		if dir == "" {
			dir = rc.v1["memory"]
		}
	}
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, "cgroup.procs")
}

// pids returns at most n of the processes in the run's cgroup.
func (rc *runCgroup) pids(n int) []int {
	procs := rc.procsFile()
	if procs == "" {
		return nil
	}
	pids, _ := readPids(procs)
	return pids[:min(len(pids), n)]
}

// kill kills every process left in the run's cgroup and waits until it is
// empty: cgroup.kill on v2, freeze-kill-thaw on v1.
func (rc *runCgroup) kill() error {
	procs := rc.procsFile()
	if procs == "" {
		return nil
	}
	dir := filepath.Dir(procs)
	for i := 0; ; i++ {
		pids, err := readPids(procs)
		if err != nil {
			return fmt.Errorf("kill cgroup: %w", err)
		}
		if len(pids) == 0 {
			return nil
		}
		if i == 200 {
			return fmt.Errorf("kill cgroup: %d processes survive", len(pids))
		}
		if i > 0 {
			time.Sleep(5 * time.Millisecond)
		}
		if rc.v2 != "" {
			_ = os.WriteFile(filepath.Join(dir, "cgroup.kill"), []byte("1"), 0)
			continue
		}
		rc.freeze(true)
		for _, pid := range pids {
			_ = unix.Kill(pid, unix.SIGKILL)
		}
		rc.freeze(false)
	}
}

func (rc *runCgroup) freeze(on bool) {
	d := rc.v1["freezer"]
	if d == "" {
		return
	}
	state := "THAWED"
	if on {
		state = "FROZEN"
	}
	_ = os.WriteFile(filepath.Join(d, "freezer.state"), []byte(state), 0)
}

// remove deletes the run's cgroup directories. The cgroup must be empty.
func (rc *runCgroup) remove() error {
	var errs []error
	if rc.v2 != "" {
		errs = append(errs, rmdirRetry(rc.v2))
	}
	for _, dir := range rc.v1 {
		errs = append(errs, rmdirRetry(dir))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("remove cgroup: %w", err)
	}
	return nil
}

// rmdirRetry removes a cgroup directory, retrying briefly while the kernel
// still finishes the exit of its last processes.
func rmdirRetry(dir string) error {
	var err error
	for range 500 {
		err = unix.Rmdir(dir)
		if err == nil || errors.Is(err, unix.ENOENT) {
			return nil
		}
		if !errors.Is(err, unix.EBUSY) {
			return err
		}
		time.Sleep(2 * time.Millisecond)
	}
	return err
}

// openDir opens the v2 directory for CLONE_INTO_CGROUP.
func (rc *runCgroup) openDir() (*os.File, error) {
	f, err := os.OpenFile(rc.v2, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open cgroup: %w", err)
	}
	return f, nil
}

func readInt(path string) (int64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(string(bytes.TrimSpace(b)), 10, 64)
}

// readKeyed reads the value of key from a "key value" per line file.
func readKeyed(path, key string) (int64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	return parseKeyed(b, key)
}

func parseKeyed(b []byte, key string) (int64, bool) {
	s := bufio.NewScanner(bytes.NewReader(b))
	for s.Scan() {
		k, v, ok := strings.Cut(s.Text(), " ")
		if ok && k == key {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}

func readPids(path string) ([]int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, f := range strings.Fields(string(b)) {
		if n, err := strconv.Atoi(f); err == nil {
			pids = append(pids, n)
		}
	}
	return pids, nil
}
