package sandbox

import (
	"os"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

var (
	probeOnce sync.Once
	probed    Capabilities
	hostCg    *cgroups
)

// Probe returns the host's capabilities. The first call creates the parent
// cgroup; later calls return the same value.
func Probe() Capabilities {
	probeOnce.Do(func() { probed, hostCg = probe(CgroupParentName) })
	return probed
}

func probe(parent string) (Capabilities, *cgroups) {
	c := Capabilities{Root: os.Geteuid() == 0, LandlockABI: landlockABI()}
	c.UserNamespaces, c.UserNSDetail = probeUserNS()
	c.Seccomp = probeSeccomp()
	mi, _ := os.ReadFile("/proc/self/mountinfo")
	self, _ := os.ReadFile("/proc/self/cgroup")
	v2, v1 := parseSelfCgroup(self)
	cg := prepareCgroups(parseMountinfo(mi), v2, v1, parent)
	c.CgroupProblems = cg.missed
	switch {
	case cg.v2 != "":
		c.Cgroup, c.CgroupParent = "v2", []string{cg.v2}
	case cg.usable():
		c.Cgroup = "v1"
		for _, ctl := range cgroupV1Controllers {
			if d := cg.v1[ctl]; d != "" {
				c.CgroupParent = append(c.CgroupParent, d)
			}
		}
	default:
		c.Cgroup = "none"
	}
	return c, cg
}

func probeUserNS() (bool, string) {
	b, err := os.ReadFile("/proc/sys/user/max_user_namespaces")
	if err == nil && strings.TrimSpace(string(b)) == "0" {
		return false, "user.max_user_namespaces is 0"
	}
	if b, err := os.ReadFile("/proc/sys/kernel/unprivileged_userns_clone"); err == nil &&
		strings.TrimSpace(string(b)) == "0" && os.Geteuid() != 0 {
		return false, "kernel.unprivileged_userns_clone is 0"
	}
	if _, err := os.Stat("/proc/self/ns/user"); err != nil {
		return false, "kernel built without user namespaces"
	}
	return true, ""
}

func probeSeccomp() bool {
	v, err := unix.PrctlRetInt(unix.PR_GET_SECCOMP, 0, 0, 0, 0)
	return err == nil && v >= 0
}
