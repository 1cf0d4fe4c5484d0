package sandbox

import "syscall"

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

// Rule is one entry of the syscall policy: the syscall Nr is refused with
// Errno, either always or, when Arg is not negative, only when that argument
// matches.
type Rule struct {
	Name  string
	Nr    uint32
	Arg   int    // argument index checked, or -1 for every call
	Mask  uint32 // refuse when the argument's low 32 bits share a bit with Mask
	Equal uint32 // refuse when the argument's low 32 bits equal Equal (Mask zero)
	Errno syscall.Errno
}
