//go:build linux

package script_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwarkhq/bulwark/sandbox"
)

// TestMain lets the test binary serve as the sandbox init, and checks after
// the suite that no sandbox left a process or a cgroup behind.
func TestMain(m *testing.M) {
	if sandbox.IsInit() {
		sandbox.InitMain()
	}
	mountsBefore := mountCount()
	code := m.Run()
	if shared != nil {
		if err := shared.Close(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	if code == 0 && mountCount() != mountsBefore {
		fmt.Fprintln(os.Stderr, "sandbox leftovers: the host's mount table changed")
		code = 1
	}
	if code == 0 && os.Geteuid() == 0 {
		if err := leftovers(false); err != nil {
			fmt.Fprintln(os.Stderr, "sandbox leftovers:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// leftovers finds processes of the sandbox's host users and run cgroups.
// With programsOnly it looks only for programs' processes, since warm
// sandboxes wait in their own cgroups as the init's user.
func leftovers(programsOnly bool) error {
	var found []string
	procs, _ := filepath.Glob("/proc/[0-9]*/status")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		var uid, ppid, nspid string
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Fields(line)
			if len(f) < 2 {
				continue
			}
			switch f[0] {
			case "Uid:":
				uid = f[1]
			case "PPid:":
				ppid = f[1]
			case "NSpid:":
				nspid = f[len(f)-1]
			}
		}
		// Only this process's sandboxes count: other tests may run some too.
		pid := filepath.Base(filepath.Dir(p))
		init := uid == "100000" && ppid == fmt.Sprint(os.Getpid()) && !programsOnly
		program := uid == "101000" && nspid != pid && descends(ppid, os.Getpid())
		if init || program {
			found = append(found, "process "+filepath.Base(filepath.Dir(p)))
		}
	}
	for _, dir := range sandbox.Probe().CgroupParent {
		if programsOnly {
			break
		}
		runs, _ := filepath.Glob(filepath.Join(dir, fmt.Sprintf("run-%d-*", os.Getpid())))
		for _, r := range runs {
			found = append(found, "cgroup "+r)
		}
	}
	if len(found) > 0 {
		return fmt.Errorf("%s", strings.Join(found, ", "))
	}
	return nil
}

// descends reports whether pid is ancestor or below it.
func descends(pid string, ancestor int) bool {
	for range 16 {
		if pid == fmt.Sprint(ancestor) {
			return true
		}
		b, err := os.ReadFile("/proc/" + pid + "/status")
		if err != nil {
			return false
		}
		_, rest, ok := strings.Cut(string(b), "\nPPid:\t")
		if !ok {
			return false
		}
		pid, _, _ = strings.Cut(rest, "\n")
		if pid == "0" {
			return false
		}
	}
	return false
}

// mountCount counts the mounts the test process sees: sandboxes mount only
// in their own namespaces, so it must not change.
func mountCount() int {
	b, _ := os.ReadFile("/proc/self/mountinfo")
	return strings.Count(string(b), "\n")
}
