package sandbox

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// cgroupMounts are the cgroup file systems of the host: the unified
// hierarchy and the v1 hierarchy of each controller.
type cgroupMounts struct {
	v2 string
	v1 map[string]string // controller → mount point
}

// parseMountinfo finds the cgroup mounts in /proc/self/mountinfo text.
func parseMountinfo(b []byte) cgroupMounts {
	m := cgroupMounts{v1: map[string]string{}}
	for _, line := range strings.Split(string(b), "\n") {
		pre, post, ok := strings.Cut(line, " - ")
		fields, tail := strings.Fields(pre), strings.Fields(post)
		if !ok || len(fields) < 5 || len(tail) < 3 {
			continue
		}
		mnt := fields[4]
		switch tail[0] {
		case "cgroup2":
			if m.v2 == "" {
				m.v2 = mnt
			}
		case "cgroup":
			for _, opt := range strings.Split(tail[2], ",") {
				if slices.Contains(cgroupV1Controllers, opt) && m.v1[opt] == "" {
					m.v1[opt] = mnt
				}
			}
		}
	}
	return m
}

// parseSelfCgroup reads /proc/self/cgroup text: the process's own cgroup on
// the unified hierarchy and on each v1 controller.
func parseSelfCgroup(b []byte) (v2 string, v1 map[string]string) {
	v1 = map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		if parts[0] == "0" && parts[1] == "" {
			v2 = parts[2]
			continue
		}
		for _, ctl := range strings.Split(parts[1], ",") {
			v1[ctl] = parts[2]
		}
	}
	return v2, v1
}

// parentDir places the sandbox's parent cgroup: an absolute parent is taken
// from the hierarchy's root, a relative one below the process's own cgroup.
func parentDir(mount, own, parent string) string {
	if filepath.IsAbs(parent) {
		return filepath.Join(mount, parent)
	}
	return filepath.Join(mount, own, parent)
}

// prepareCgroups creates the parent cgroup on the unified hierarchy when it
// has the memory and pids controllers, or else on the v1 hierarchies. It
// never fails: what it cannot use is listed in missed.
func prepareCgroups(m cgroupMounts, ownV2 string, ownV1 map[string]string, parent string) *cgroups {
	c := &cgroups{}
	if m.v2 != "" {
		dir := parentDir(m.v2, ownV2, parent)
		err := prepareV2(dir)
		if err == nil {
			c.v2 = dir
			return c
		}
		c.missed = append(c.missed, "cgroup v2: "+err.Error())
		if len(m.v1) == 0 {
			return c
		}
	}
	c.v1 = map[string]string{}
	for _, ctl := range cgroupV1Controllers {
		mnt := m.v1[ctl]
		if mnt == "" {
			c.missed = append(c.missed, "cgroup v1 "+ctl+": not mounted")
			continue
		}
		dir := parentDir(mnt, ownV1[ctl], parent)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			c.missed = append(c.missed, fmt.Sprintf("cgroup v1 %s: %v", ctl, err))
			continue
		}
		c.v1[ctl] = dir
	}
	if c.v1["memory"] == "" {
		c.v1 = nil // without a memory limit the rlimit fallback applies
	}
	return c
}

// prepareV2 creates dir and delegates the memory and pids controllers to its
// children.
func prepareV2(dir string) error {
	up := filepath.Dir(dir)
	have, err := os.ReadFile(filepath.Join(up, "cgroup.controllers"))
	if err != nil {
		return fmt.Errorf("read controllers: %w", err)
	}
	for _, ctl := range []string{"memory", "pids"} {
		if !slices.Contains(strings.Fields(string(have)), ctl) {
			return fmt.Errorf("controller %s not available in %s", ctl, up)
		}
	}
	// Enabling in the level above may fail when it holds processes; then
	// the controllers must already be enabled there.
	_ = os.WriteFile(filepath.Join(up, "cgroup.subtree_control"), []byte("+memory +pids"), 0)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create parent cgroup: %w", err)
	}
	ctl := filepath.Join(dir, "cgroup.subtree_control")
	if err := os.WriteFile(ctl, []byte("+memory +pids"), 0); err != nil {
		return fmt.Errorf("enable controllers: %w", err)
	}
	return nil
}
