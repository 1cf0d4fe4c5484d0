package sandbox_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwarkhq/bulwark/sandbox"
)

// TestMain lets the test binary serve as the sandbox init, and checks after
// the tests that no run left a process or a cgroup behind.
func TestMain(m *testing.M) {
	if sandbox.IsInit() {
		sandbox.InitMain()
	}
	code := m.Run()
	if code == 0 && os.Geteuid() == 0 {
		var left []string
		procs, _ := filepath.Glob("/proc/[0-9]*/status")
		for _, p := range procs {
			b, _ := os.ReadFile(p)
			// Only this process's sandboxes: others may run tests too.
			mine := strings.Contains(string(b), fmt.Sprintf("\nPPid:\t%d\n", os.Getpid()))
			if mine && (strings.Contains(string(b), "\nUid:\t100000\t") ||
				strings.Contains(string(b), "\nUid:\t101000\t")) {
				left = append(left, p)
			}
		}
		for _, dir := range sandbox.Probe().CgroupParent {
			runs, _ := filepath.Glob(filepath.Join(dir, fmt.Sprintf("run-%d-*", os.Getpid())))
			left = append(left, runs...)
		}
		if len(left) > 0 {
			fmt.Fprintln(os.Stderr, "sandbox leftovers:", left)
			code = 1
		}
	}
	os.Exit(code)
}
