package sandbox

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// IsInit reports whether this process was started as a sandbox init. Call it
// first thing in main (or TestMain) and hand over to [InitMain] when true.
func IsInit() bool {
	_, ok := os.LookupEnv(initEnv)
	return ok && os.Getpid() == 1 && len(os.Args) == 1 && os.Args[0] == initArg0
}

// InitMain runs the sandbox init: it builds the file system, waits for the
// job, starts the program under every restriction, reaps the tree and
// reports. It never returns.
func InitMain() {
	runtime.LockOSThread() // namespaces, seccomp and Landlock are per thread
	ctl := os.NewFile(fdControl, "control")
	rep := os.NewFile(fdReport, "report")
	dec, enc := json.NewDecoder(ctl), json.NewEncoder(rep)
	fail := func(step string, err error) {
		_ = enc.Encode(reportMsg{Step: step, Err: err.Error()})
		os.Exit(1)
	}
	var setup setupMsg
	if err := dec.Decode(&setup); err != nil {
		fail("read setup", err)
	}
	if step, err := buildRoot(setup); err != nil {
		fail(step, err)
	}
	prep, step, err := prepareRun(setup)
	if err != nil {
		fail(step, err)
	}
	if err := enc.Encode(reportMsg{Ready: true}); err != nil {
		os.Exit(1)
	}
	var job jobMsg
	if err := dec.Decode(&job); err != nil {
		os.Exit(1) // the supervisor gave up on this sandbox
	}
	ctl.Close()
	pid, step, err := startPayload(job, prep)
	if err != nil {
		fail(step, err)
	}
	_ = enc.Encode(reap(pid))
	os.Exit(0)
}

// newRoot is where the root tmpfs is assembled before pivot_root; it is a
// mount point in the sandbox's private mount namespace only.
const newRoot = "/tmp"

// buildRoot makes the sandbox's file system and pivots into it. It returns
// the failed step's name with the error.
func buildRoot(s setupMsg) (string, error) {
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return "make mounts private", err
	}
	if err := unix.Mount("tmpfs", newRoot, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV,
		"size=1m,nr_inodes=4096,mode=0755"); err != nil {
		return "mount root tmpfs", err
	}
	for i, m := range s.Mounts {
		if err := attach(fdBind0+i, m); err != nil {
			return "bind " + m.Target, err
		}
	}
	for _, l := range s.Symlinks {
		if err := os.Symlink(l[1], newRoot+l[0]); err != nil {
			return "link " + l[0], err
		}
	}
	if err := writeEtc(); err != nil {
		return "write /etc", err
	}
	if err := makeDev(); err != nil {
		return "make /dev", err
	}
	if err := mountProc(); err != nil {
		return "mount /proc", err
	}

	for _, d := range []string{"tmp", "work"} {
		if err := os.Mkdir(filepath.Join(newRoot, d), 0o755); err != nil {
			return "make /" + d, err
		}
	}
	if err := pivot(); err != nil {
		return "pivot_root", err
	}
	if err := unix.Sethostname([]byte("sandbox")); err != nil {
		return "set hostname", err
	}
	if err := loopbackUp(); err != nil {
		return "bring up loopback", err
	}
	return "", nil
}

// attach puts the detached mount passed as fd at its target.
func attach(fd int, m mountMsg) error {
	target := newRoot + m.Target
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return err
	}
	if m.Dir {
		if err := os.Mkdir(target, 0o755); err != nil && !os.IsExist(err) {
			return err
		}
	} else if err := os.WriteFile(target, nil, 0o644); err != nil {
		return err
	}
	err := unix.MoveMount(fd, "", unix.AT_FDCWD, target, unix.MOVE_MOUNT_F_EMPTY_PATH)
	unix.Close(fd)
	return err
}

func writeEtc() error {
	files := map[string]string{
		"passwd": "root:x:0:0:root:/root:/bin/sh\n" +
			"sandbox:x:1000:1000:sandbox:/work:/bin/sh\n" +
			"nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
		"group":         "root:x:0:\nsandbox:x:1000:\nnogroup:x:65534:\n",
		"hosts":         "127.0.0.1\tlocalhost\n::1\tlocalhost\n",
		"hostname":      "sandbox\n",
		"nsswitch.conf": "passwd: files\ngroup: files\nhosts: files\n",
		"resolv.conf":   "",
	}
	etc := filepath.Join(newRoot, "etc")
	if err := os.MkdirAll(etc, 0o755); err != nil {
		return err
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(etc, name), []byte(body), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func makeDev() error {
	for _, l := range [][2]string{
		{"/proc/self/fd", "fd"}, {"/proc/self/fd/0", "stdin"},
		{"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
	} {
		if err := os.Symlink(l[0], filepath.Join(newRoot, "dev", l[1])); err != nil {
			return err
		}
	}
	return nil
}

// maskedProc are /proc files hidden behind /dev/null, and maskedProcDirs
// directories hidden behind an empty read-only tmpfs: they leak kernel or
// host details or control the host.
var (
	maskedProc = []string{"kcore", "keys", "key-users", "kallsyms", "timer_list",
		"sched_debug", "latency_stats", "sysrq-trigger", "config.gz", "kmsg", "kpageflags",
		"kpagecount", "kpagecgroup", "vmallocinfo", "mtrr", "pagetypeinfo", "slabinfo"}
	maskedProcDirs = []string{"acpi", "scsi", "asound", "firmware", "dynamic_debug", "driver"}
	readOnlyProc   = []string{"sys", "bus", "fs", "irq", "tty"}
)

// mountProc mounts the PID namespace's /proc and masks it. It must happen
// while the host's /proc is still visible, or the kernel refuses the mount.
func mountProc() error {
	proc := filepath.Join(newRoot, "proc")
	if err := os.Mkdir(proc, 0o555); err != nil {
		return err
	}
	const flags = unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC
	// hidepid=invisible (Linux 5.8) hides the init from the program.
	if err := unix.Mount("proc", proc, "proc", flags, "hidepid=invisible"); err != nil {
		return err
	}
	null := filepath.Join(newRoot, "dev/null")
	for _, f := range maskedProc {
		p := filepath.Join(proc, f)
		if _, err := os.Lstat(p); err != nil {
			continue
		}
		if err := unix.Mount(null, p, "", unix.MS_BIND, ""); err != nil {
			return fmt.Errorf("mask %s: %w", f, err)
		}
	}
	for _, d := range maskedProcDirs {
		p := filepath.Join(proc, d)
		if _, err := os.Lstat(p); err != nil {
			continue
		}
		if err := unix.Mount("tmpfs", p, "tmpfs", unix.MS_RDONLY|flags, "mode=0555"); err != nil {
			return fmt.Errorf("mask %s: %w", d, err)
		}
	}
	// A second layer under seccomp: no user namespaces below this one. The
	// limit is the sandbox's own; /proc/sys turns read-only just below.
	err := os.WriteFile(filepath.Join(proc, "sys/user/max_user_namespaces"), []byte("0"), 0)
	if err != nil {
		return fmt.Errorf("disable nested user namespaces: %w", err)
	}
	for _, d := range readOnlyProc {
		p := filepath.Join(proc, d)
		if _, err := os.Lstat(p); err != nil {
			continue
		}
		if err := unix.Mount(p, p, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("bind %s: %w", d, err)
		}
		err := unix.Mount("", p, "", unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY|flags, "")
		if err != nil {
			return fmt.Errorf("make %s read-only: %w", d, err)
		}
	}
	return nil
}

// pivot makes the assembled tmpfs the root, drops the host's tree and makes
// the root read-only.
func pivot() error {
	if err := unix.Chdir(newRoot); err != nil {
		return err
	}
	if err := unix.PivotRoot(".", "."); err != nil {
		return err
	}
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return fmt.Errorf("detach host root: %w", err)
	}
	if err := unix.Chdir("/"); err != nil {
		return err
	}
	return unix.Mount("", "/", "", unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY|
		unix.MS_NOSUID|unix.MS_NODEV, "")
}

// loopbackUp brings lo up so that a program can talk to itself; nothing else
// exists in the network namespace.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	req, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	req.SetUint16(unix.IFF_UP | unix.IFF_LOOPBACK | unix.IFF_RUNNING)
	return unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, req)
}

// payloadUID is the user the program runs as inside the sandbox.
const payloadUID = 1000

// prepared is the part of a run's setup that does not depend on the job, so
// that a warm sandbox has it done before the job arrives.
type prepared struct {
	ruleset int // Landlock ruleset fd, or -1
	filter  []unix.SockFilter
	tmp     Limits // the tmpfs sizes /tmp and /work were mounted with
}

// prepareRun mounts fresh /tmp and /work, enters a cgroup namespace rooted
// at the run's cgroup, drops capabilities from the bounding set, sets
// no_new_privs, and readies the Landlock ruleset and the seccomp filter. All
// of it is on this locked thread, from which the program will be forked.
func prepareRun(s setupMsg) (prepared, string, error) {
	p := prepared{ruleset: -1, tmp: Limits{}.WithDefaults()}
	for _, d := range []string{"/tmp", WorkDir} {
		if err := unix.Mount("tmpfs", d, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV,
			tmpOptions(d, p.tmp)); err != nil {
			return p, "mount " + d, err
		}
	}
	if err := unix.Unshare(unix.CLONE_NEWCGROUP); err != nil {
		return p, "enter cgroup namespace", err
	}
	if err := dropBounding(); err != nil {
		return p, "drop capabilities", err
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return p, "set no_new_privs", err
	}
	if s.Landlock > 0 {
		fd, err := landlockRuleset(s.Landlock)
		if err != nil {
			return p, "landlock", err
		}
		p.ruleset = fd
	}
	filter, err := compile(Policy(), auditArch, x32Bit)
	if err != nil {
		return p, "seccomp", err
	}
	p.filter = filter
	return p, "", nil
}

func tmpOptions(dir string, l Limits) string {
	mode := "0755"
	if dir == "/tmp" {
		mode = "1777"
	}
	return fmt.Sprintf("size=%d,nr_inodes=%d,mode=%s,uid=%d,gid=%d",
		l.TmpSize, l.TmpInodes, mode, payloadUID, payloadUID)
}

// startPayload finishes the run's setup with the job's limits and files,
// restricts this thread last, and starts the program.
func startPayload(job jobMsg, p prepared) (int, string, error) {
	l := job.Limits
	if l.TmpSize != p.tmp.TmpSize || l.TmpInodes != p.tmp.TmpInodes {
		for _, d := range []string{"/tmp", WorkDir} {
			if err := unix.Mount("", d, "", unix.MS_REMOUNT|unix.MS_NOSUID|unix.MS_NODEV,
				tmpOptions(d, l)); err != nil {
				return 0, "size " + d, err
			}
		}
	}
	if err := writeFiles(job.Files); err != nil {
		return 0, "write files", err
	}
	if err := setRlimits(l, job.NoCgroup); err != nil {
		return 0, "set rlimits", err
	}
	if p.ruleset >= 0 {
		if err := landlockRestrict(p.ruleset); err != nil {
			return 0, "landlock", err
		}
	}
	if job.Seccomp {
		if err := installSeccomp(p.filter); err != nil {
			return 0, "seccomp", err
		}
	}
	// syscall.ForkExec, not os.StartProcess: the latter first forks a
	// throwaway child to probe pidfd support, a process for nothing.
	attr := &syscall.ProcAttr{
		Dir:   WorkDir,
		Env:   job.Env,
		Files: []uintptr{0, 1, 2},
		Sys: &syscall.SysProcAttr{
			Setsid: true,
			Credential: &syscall.Credential{
				Uid: payloadUID, Gid: payloadUID, Groups: []uint32{},
			},
		},
	}
	pid, err := syscall.ForkExec(job.Args[0], job.Args, attr)
	if err != nil {
		return 0, "start program", err
	}
	os.Stdin.Close()
	os.Stdout.Close()
	os.Stderr.Close()
	return pid, "", nil
}

func writeFiles(files []File) error {
	for _, f := range files {
		if f.Name == "" || f.Name != filepath.Base(f.Name) || f.Name[0] == '.' {
			return fmt.Errorf("bad file name %q", f.Name)
		}
		mode := os.FileMode(f.Mode & 0o777)
		if mode == 0 {
			mode = 0o644
		}
		p := filepath.Join(WorkDir, f.Name)
		if err := os.WriteFile(p, f.Data, mode); err != nil {
			return err
		}
		if err := os.Chown(p, payloadUID, payloadUID); err != nil {
			return err
		}
	}
	return nil
}

// setRlimits sets the backstop limits. They bind every process the program
// starts; the cgroup is what limits the tree as a whole.
func setRlimits(l Limits, noCgroup bool) error {
	cpu := uint64((l.CPU.Milliseconds() + 999) / 1000)
	lims := []struct {
		res      int
		soft, hd uint64
	}{
		{unix.RLIMIT_CPU, cpu, cpu + 1},
		{unix.RLIMIT_FSIZE, uint64(l.FileSize), uint64(l.FileSize)},
		{unix.RLIMIT_NOFILE, uint64(l.OpenFiles), uint64(l.OpenFiles)},
		{unix.RLIMIT_CORE, 0, 0},
		{unix.RLIMIT_MSGQUEUE, 0, 0},
		{unix.RLIMIT_MEMLOCK, 64 << 10, 64 << 10},
	}
	if noCgroup {
		// TODO: without a pids controller the process count is per user,
		// so concurrent runs share this budget.
		lims = append(lims,
			struct {
				res      int
				soft, hd uint64
			}{unix.RLIMIT_AS, uint64(l.Memory), uint64(l.Memory)},
			struct {
				res      int
				soft, hd uint64
			}{unix.RLIMIT_NPROC, uint64(l.Processes), uint64(l.Processes)})
	}
	for _, r := range lims {
		// syscall.Setrlimit, not unix: it keeps os/exec from restoring the
		// process's original open-file limit in the child.
		if err := syscall.Setrlimit(r.res, &syscall.Rlimit{Cur: r.soft, Max: r.hd}); err != nil {
			return fmt.Errorf("rlimit %d: %w", r.res, err)
		}
	}
	return nil
}

// dropBounding clears the capability bounding set and the ambient set of
// this thread, so that nothing the program runs can regain a capability.
func dropBounding() error {
	for c := 0; c <= unix.CAP_LAST_CAP; c++ {
		err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0)
		if err != nil && err != unix.EINVAL {
			return fmt.Errorf("drop capability %d: %w", c, err)
		}
	}
	return unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
}

// reap waits for every process that ends up as the init's child until the
// program itself exits, and returns the program's status.
func reap(pid int) reportMsg {
	r := reportMsg{Done: true}
	for {
		var ws unix.WaitStatus
		var ru unix.Rusage
		got, err := unix.Wait4(-1, &ws, 0, &ru)
		if err == unix.EINTR {
			continue
		}
		if err != nil || got == pid {
			if ws.Signaled() {
				r.Signal = int(ws.Signal())
				r.Exit = -1
			} else {
				r.Exit = ws.ExitStatus()
			}
			break
		}
	}
	var ru unix.Rusage
	if unix.Getrusage(unix.RUSAGE_CHILDREN, &ru) == nil {
		r.CPUUS = ru.Utime.Sec*1e6 + ru.Utime.Usec + ru.Stime.Sec*1e6 + ru.Stime.Usec
		r.MaxRSSKB = ru.Maxrss
	}
	return r
}
