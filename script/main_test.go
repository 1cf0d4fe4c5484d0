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
	code := m.Run()
	if shared != nil {
		if err := shared.Close(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
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
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Fields(line)
			if len(f) > 1 && f[0] == "Uid:" &&
				(f[1] == "101000" || f[1] == "100000" && !programsOnly) {
				found = append(found, "process "+filepath.Base(filepath.Dir(p)))
			}
		}
	}
	for _, dir := range sandbox.Probe().CgroupParent {
		if programsOnly {
			break
		}
		runs, _ := filepath.Glob(filepath.Join(dir, "run-*"))
		for _, r := range runs {
			found = append(found, "cgroup "+r)
		}
	}
	if len(found) > 0 {
		return fmt.Errorf("%s", strings.Join(found, ", "))
	}
	return nil
}
