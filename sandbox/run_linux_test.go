package sandbox_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/bulwarkhq/bulwark/sandbox"
)

func needSandbox(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("sandbox runs need root to map users and write cgroups; run as root")
	}
	if c := sandbox.Probe(); !c.UserNamespaces {
		t.Skip("user namespaces unavailable: " + c.UserNSDetail)
	}
}

var shBinds = []sandbox.Bind{
	{Path: "/usr/bin"}, {Path: "/usr/lib"}, {Path: "/usr/lib64", Optional: true}}

// TestLayersWithoutSeccomp checks that the layers under seccomp hold on
// their own: with the filter off, a nested user namespace and mounts still
// fail.
func TestLayersWithoutSeccomp(t *testing.T) {
	needSandbox(t)
	res, err := sandbox.Run(context.Background(), sandbox.Spec{
		Args: []string{"/bin/sh", "-c",
			"unshare -U true && echo userns; unshare -m true && echo mountns; " +
				"grep Seccomp: /proc/self/status; cat /proc/sys/user/max_user_namespaces"},
		Binds:           shBinds,
		Limits:          sandbox.Limits{CPU: 2 * time.Second},
		UnsafeNoSeccomp: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if out := string(res.Stdout); out != "Seccomp:\t0\n0\n" {
		t.Errorf("stdout %q, stderr %q", out, res.Stderr)
	}
}

func TestSetupErrorNamesStep(t *testing.T) {
	needSandbox(t)
	_, err := sandbox.Run(context.Background(), sandbox.Spec{
		Args:  []string{"/bin/true"},
		Binds: []sandbox.Bind{{Path: "/does/not/exist"}},
	})
	var se *sandbox.SetupError
	if err == nil || !asSetup(err, &se) || se.Step != "clone mounts" {
		t.Fatalf("error %v, want a SetupError at clone mounts", err)
	}
	_, err = sandbox.Run(context.Background(), sandbox.Spec{
		Args: []string{"/no/such/program"}, Binds: shBinds,
	})
	if err == nil || !strings.Contains(err.Error(), "start program") {
		t.Fatalf("error %v, want one at start program", err)
	}
}

func asSetup(err error, se **sandbox.SetupError) bool {
	e, ok := err.(*sandbox.SetupError)
	*se = e
	return ok
}

func TestTmpLimits(t *testing.T) {
	needSandbox(t)
	res, err := sandbox.Run(context.Background(), sandbox.Spec{
		Args: []string{"/bin/sh", "-c", "dd if=/dev/zero of=/tmp/x bs=4096 count=1024 " +
			"2>/dev/null; wc -c < /tmp/x; i=0; while touch /work/f$i 2>/dev/null; " +
			"do i=$((i+1)); done; echo $i"},
		Binds:  shBinds,
		Limits: sandbox.Limits{CPU: 2 * time.Second, TmpSize: 1 << 20, TmpInodes: 50},
	})
	if err != nil {
		t.Fatal(err)
	}
	// The inode limit counts the root directory of the tmpfs too.
	if got := string(res.Stdout); got != "1048576\n49\n" {
		t.Errorf("stdout %q (stderr %q), want a 1 MiB file and 49 files", got, res.Stderr)
	}
}
