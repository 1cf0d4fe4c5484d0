package sandbox

import (
	"os"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// Capabilities is what this host lets the sandbox use, probed once.
type Capabilities struct {
	Root           bool   // the process can create namespaces and write cgroups
	UserNamespaces bool   // new user namespaces can be created
	UserNSDetail   string // why not, when UserNamespaces is false
	Seccomp        bool   // seccomp filters can be loaded
	LandlockABI    int    // Landlock ABI version, 0 when absent
	Cgroup         string // "v2", "v1" or "none": which hierarchy runs use
	CgroupParent   []string
	CgroupProblems []string // controllers or hierarchies that could not be used
}

// Degraded lists the protections runs go without on this host.
func (c Capabilities) Degraded() []string {
	var d []string
	if c.Cgroup == "none" {
		d = append(d, "cgroup: no memory controller; memory bound by RLIMIT_AS per "+
			"process and CPU by RLIMIT_CPU per process")
	}
	if c.LandlockABI == 0 {
		d = append(d, "landlock: not in this kernel")
	}
	return d
}

// CgroupParentName is the parent cgroup runs are created under, relative to
// the process's own cgroup unless absolute. Set it before the first run.
var CgroupParentName = "bulwark"

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
