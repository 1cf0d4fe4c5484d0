package sandbox

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// devices are the only device nodes inside the sandbox.
var devices = []string{"/dev/null", "/dev/zero", "/dev/random", "/dev/urandom"}

// topLinks are root-level links mirrored from the host when they are links
// there (merged /usr), so that /bin/sh and /lib64/ld-linux resolve.
var topLinks = []string{"/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"}

// detachedMounts are read-only clones of host paths, ready to be attached in
// the sandbox's mount namespace. They are clones made by the supervisor, so
// the init never needs to look up host paths it may not traverse (a pyenv
// under /root).
type detachedMounts struct {
	files []*os.File
	setup setupMsg
}

// cloneMounts clones every bind and device. On error nothing stays open.
func cloneMounts(binds []Bind) (*detachedMounts, error) {
	d := &detachedMounts{}
	for _, b := range binds {
		if !filepath.IsAbs(b.Path) {
			d.close()
			return nil, fmt.Errorf("bind %q: path is not absolute", b.Path)
		}
		err := d.add(b.Path, unix.MOUNT_ATTR_RDONLY|unix.MOUNT_ATTR_NOSUID|unix.MOUNT_ATTR_NODEV)
		if errors.Is(err, os.ErrNotExist) && b.Optional {
			continue
		}
		if err != nil {
			d.close()
			return nil, err
		}
	}
	for _, dev := range devices {
		if err := d.add(dev, unix.MOUNT_ATTR_NOSUID|unix.MOUNT_ATTR_NOEXEC); err != nil {
			d.close()
			return nil, err
		}
	}
	for _, l := range topLinks {
		if t, err := os.Readlink(l); err == nil {
			d.setup.Symlinks = append(d.setup.Symlinks, [2]string{l, t})
		}
	}
	return d, nil
}

func (d *detachedMounts) add(path string, attr uint64) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("bind %s: %w", path, err)
	}
	fd, err := unix.OpenTree(unix.AT_FDCWD, path,
		unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC|unix.AT_RECURSIVE)
	if err != nil {
		return fmt.Errorf("clone mount %s: %w", path, err)
	}
	f := os.NewFile(uintptr(fd), path)
	ma := &unix.MountAttr{Attr_set: attr}
	err = unix.MountSetattr(fd, "", unix.AT_EMPTY_PATH|unix.AT_RECURSIVE, ma)
	if err != nil {
		f.Close()
		return fmt.Errorf("make mount %s read-only: %w", path, err)
	}
	d.files = append(d.files, f)
	d.setup.Mounts = append(d.setup.Mounts, mountMsg{Target: path, Dir: st.IsDir()})
	return nil
}

func (d *detachedMounts) close() {
	for _, f := range d.files {
		f.Close()
	}
	d.files = nil
}
