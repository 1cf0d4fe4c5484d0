package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Host users of the sandbox's users: the init (root inside, with
// capabilities only over the sandbox's own namespaces) and the program.
// Neither host user owns any file or process outside the sandbox.
const (
	hostInitUID    = 100000
	hostPayloadUID = 101000
)

// Run runs one program in a fresh sandbox. The error is non-nil only when
// the sandbox failed (the contract's sandbox_error); how the program ended is
// in Result.Status. Cancelling ctx kills the program.
func Run(ctx context.Context, spec Spec) (Result, error) {
	sb, err := start(spec.Binds, spec.Limits)
	if err != nil {
		return Result{Status: StatusSandboxError, Reason: err.Error()}, err
	}
	return sb.run(ctx, spec)
}

// sandbox is one started init, ready for one program.
type sandbox struct {
	cmd      *exec.Cmd
	cg       *runCgroup // nil when cgroups are unusable
	ctl      *os.File
	reports  chan reportMsg
	stdin    *os.File
	stdout   *os.File
	stderr   *os.File
	exited   chan struct{}
	degraded []string
	// async, when set, takes the teardown of a run whose program ended by
	// itself, so that the result does not wait for the kernel to tear the
	// namespaces down. Pools set it; a lone run tears down before returning.
	async func(teardown func() error)
	// hwm is the largest resident peak (VmHWM, KiB) seen in a program of
	// the run while it ran: the cgroup's peak above the waiting init misses
	// a program smaller than the kernel's batches of memory charges.
	hwm atomic.Int64
}

var runSeq atomic.Uint64

// start creates the namespaces, the cgroup and the file system of a sandbox,
// and returns when the init waits for its program. The cgroup gets limits
// before the init starts; a run may change them.
func start(binds []Bind, limits Limits) (_ *sandbox, err error) {
	caps := Probe()
	if !caps.UserNamespaces {
		return nil, &SetupError{"check host", errors.New(caps.UserNSDetail)}
	}
	var undo cleanup
	defer func() {
		if err != nil {
			undo.run()
		}
	}()
	sb := &sandbox{exited: make(chan struct{}), reports: make(chan reportMsg, 2),
		degraded: caps.Degraded()}
	attr := initAttr()
	if hostCg.usable() {
		dir, err := sb.makeCgroup(limits, &undo)
		if err != nil {
			return nil, err
		}
		if dir != nil {
			defer dir.Close()
			attr.UseCgroupFD, attr.CgroupFD = true, int(dir.Fd())
		}
	}
	mounts, err := cloneMounts(binds)
	if err != nil {
		return nil, &SetupError{"clone mounts", err}
	}
	defer mounts.close()

	var p pipes
	undo.add(p.closeAll)
	stdinR, stdoutW, stderrW, ctlR, repW := p.make(&sb.stdin, &sb.stdout, &sb.stderr, &sb.ctl)
	if p.err != nil {
		return nil, &SetupError{"make pipes", p.err}
	}
	// TODO: the init is this whole binary, so a fresh sandbox pays its Go
	// start-up (3.7-4.4 ms for bulwark) once more; `bulwark exec` needs an
	// init that starts no Go runtime to come near its 6 ms goal.
	cmd := &exec.Cmd{
		Path: "/proc/self/exe",
		Args: []string{initArg0},
		// These keep the init's runtime from opening the host's cgroup
		// CPU files, which it would hold open for its whole life.
		Env: []string{initEnv + "=1", "GOMAXPROCS=1",
			"GODEBUG=containermaxprocs=0,updatemaxprocs=0"},
		Stdin:       stdinR,
		Stdout:      stdoutW,
		Stderr:      stderrW,
		ExtraFiles:  append([]*os.File{ctlR, repW}, mounts.files...),
		SysProcAttr: attr,
	}
	if err := cmd.Start(); err != nil {
		return nil, &SetupError{"start init", err}
	}
	sb.cmd = cmd
	undo.add(func() { sb.kill(); <-sb.exited })
	go func() { cmd.Wait(); close(sb.exited) }()
	p.closeChildEnds()
	go sb.readReports(p.repR)

	if sb.cg != nil && sb.cg.v2 == "" {
		if err := sb.cg.add(cmd.Process.Pid); err != nil {
			return nil, &SetupError{"join cgroup", err}
		}
	}
	mounts.setup.Landlock = caps.LandlockABI
	if err := json.NewEncoder(sb.ctl).Encode(mounts.setup); err != nil {
		return nil, &SetupError{"send setup", err}
	}
	r, ok := <-sb.reports
	if !ok {
		return nil, &SetupError{"start init", errors.New("init exited during setup")}
	}
	if !r.Ready {
		return nil, &SetupError{r.Step, errors.New(r.Err)}
	}
	return sb, nil
}

// initAttr returns how the init is cloned: into every new namespace, as root
// of its user namespace mapped to an unprivileged host user, and killed when
// the supervisor dies.
func initAttr() *syscall.SysProcAttr {
	ids := []syscall.SysProcIDMap{
		{ContainerID: 0, HostID: hostInitUID, Size: 1},
		{ContainerID: payloadUID, HostID: hostPayloadUID, Size: 1},
	}
	return &syscall.SysProcAttr{
		Cloneflags: unix.CLONE_NEWUSER | unix.CLONE_NEWPID | unix.CLONE_NEWNS |
			unix.CLONE_NEWNET | unix.CLONE_NEWIPC | unix.CLONE_NEWUTS | unix.CLONE_NEWCGROUP,
		UidMappings:                ids,
		GidMappings:                ids,
		GidMappingsEnableSetgroups: true,
		Credential:                 &syscall.Credential{Uid: 0, Gid: 0, Groups: []uint32{}},
		Pdeathsig:                  unix.SIGKILL,
	}
}

// makeCgroup creates the sandbox's cgroup with limits, and on v2 returns
// its directory for CLONE_INTO_CGROUP.
func (sb *sandbox) makeCgroup(limits Limits, undo *cleanup) (*os.File, error) {
	name := fmt.Sprintf("run-%d-%d", os.Getpid(), runSeq.Add(1))
	cg, err := hostCg.create(name)
	if err != nil {
		return nil, &SetupError{"create cgroup", err}
	}
	sb.cg = cg
	undo.add(func() { cg.remove() })
	if err := cg.limit(limits.WithDefaults()); err != nil {
		return nil, &SetupError{"limit cgroup", err}
	}
	if cg.v2 == "" {
		return nil, nil
	}
	dir, err := cg.openDir()
	if err != nil {
		return nil, &SetupError{"open cgroup", err}
	}
	return dir, nil
}

// readReports forwards the init's messages until it closes the pipe.
func (sb *sandbox) readReports(r *os.File) {
	defer close(sb.reports)
	defer r.Close()
	dec := json.NewDecoder(r)
	for {
		var m reportMsg
		if dec.Decode(&m) != nil {
			return
		}
		sb.reports <- m
	}
}

// kill ends the init, which takes the whole PID namespace with it, and then
// every process left in the cgroup.
func (sb *sandbox) kill() {
	if sb.cmd != nil && sb.cmd.Process != nil {
		_ = sb.cmd.Process.Signal(unix.SIGKILL)
	}
}

// alive reports whether the init still waits for its program.
func (sb *sandbox) alive() bool {
	select {
	case <-sb.exited:
		return false
	default:
		return true
	}
}

// discard tears down a sandbox that will not run anything.
func (sb *sandbox) discard() error {
	sb.kill()
	<-sb.exited
	sb.closeStreams()
	if sb.cg == nil {
		return nil
	}
	return errors.Join(sb.cg.kill(), sb.cg.remove())
}

func (sb *sandbox) closeStreams() {
	for _, f := range []*os.File{sb.ctl, sb.stdin, sb.stdout, sb.stderr} {
		if f != nil {
			f.Close()
		}
	}
}

// endCause is why the supervisor ended a run early.
type endCause int32

const (
	endNone endCause = iota
	endTimeout
	endOutput
	endCancel
)

// run gives the sandbox its program, supervises it and tears everything
// down. A sandbox runs once.
func (sb *sandbox) run(ctx context.Context, spec Spec) (res Result, err error) {
	defer sb.closeStreams()
	l := spec.Limits.WithDefaults()
	if len(spec.Args) == 0 {
		sb.discard()
		return fail(&SetupError{"check spec", errors.New("no program")})
	}
	if int64(len(spec.Stdin)) > l.StdinBytes {
		sb.discard()
		return fail(&SetupError{"check spec", fmt.Errorf("stdin over %d bytes", l.StdinBytes)})
	}
	if sb.cg != nil {
		if err := sb.cg.limit(l); err != nil {
			sb.discard()
			return fail(&SetupError{"limit cgroup", err})
		}
	}
	env := spec.Env
	if env == nil {
		env = DefaultEnv
	}
	job := jobMsg{Args: spec.Args, Env: env, Files: spec.Files, Limits: l,
		Seccomp: !spec.UnsafeNoSeccomp, NoCgroup: sb.cg == nil}
	var baseKB int64
	if sb.cg != nil {
		sb.cg.resetPeak()
		baseKB = sb.cg.usageKB() // the waiting init, not the program
	}
	begin := time.Now()
	if err := json.NewEncoder(sb.ctl).Encode(job); err != nil {
		sb.discard()
		return fail(&SetupError{"send job", err})
	}
	var cause atomic.Int32
	sb.hwm.Store(0)
	stop := func(c endCause) {
		if cause.CompareAndSwap(int32(endNone), int32(c)) {
			sb.sampleHWM() // the last look before everything dies
			sb.kill()
		}
	}
	var wg sync.WaitGroup
	out := &capped{limit: l.Output, over: func() { stop(endOutput) }}
	errs := &capped{limit: l.Output, over: func() { stop(endOutput) }}
	wg.Add(3)
	go func() { defer wg.Done(); io.Copy(out, sb.stdout) }()
	go func() { defer wg.Done(); io.Copy(errs, sb.stderr) }()
	go func() {
		defer wg.Done()
		sb.stdin.Write(spec.Stdin)
		sb.stdin.Close()
	}()
	rep, done := sb.watch(ctx, l, stop)
	wall := time.Since(begin)
	if done {
		sb.kill() // the program has exited: end whatever it left behind
	}
	wg.Wait()
	if !done {
		for m := range sb.reports {
			rep = m
		}
	}
	res = Result{Stdout: out.buf.Bytes(), Stderr: errs.buf.Bytes(), Wall: wall,
		StdoutTruncated: out.truncated, StderrTruncated: errs.truncated,
		Degraded: sb.degraded}
	var oom int64
	if sb.cg != nil {
		cpu, _ := sb.cg.cpu()
		res.CPU, oom = cpu, sb.cg.oomKills()
		res.MaxRSSKB = max(sb.cg.peakKB()-baseKB, sb.hwm.Load())
	} else {
		// TODO: rusage charges the program with the init's own memory, which
		// its vfork-and-exec shares until exec; without a cgroup there is
		// no better figure.
		res.CPU = time.Duration(rep.CPUUS) * time.Microsecond
		res.MaxRSSKB = rep.MaxRSSKB
	}
	if done && sb.async != nil {
		sb.async(sb.teardown)
	} else if err := sb.teardown(); err != nil {
		return fail(&SetupError{"clean up cgroup", err})
	}
	return sb.judge(res, rep, endCause(cause.Load()), oom, l)
}

// teardown waits for the init to be gone, then empties the cgroup, checks
// that it is empty and removes it.
func (sb *sandbox) teardown() error {
	<-sb.exited
	if sb.cg == nil {
		return nil
	}
	return errors.Join(sb.cg.kill(), sb.cg.remove())
}

func fail(err error) (Result, error) {
	return Result{Status: StatusSandboxError, Reason: err.Error()}, err
}

// watch waits until the init reports the program's end or exits, killing
// it when a limit is reached or ctx ends. CPU time is polled from the cgroup.
// done is true when the report came first.
func (sb *sandbox) watch(ctx context.Context, l Limits, stop func(endCause)) (
	rep reportMsg, done bool) {
	wall := time.NewTimer(l.Wall)
	defer wall.Stop()
	every := min(100*time.Millisecond, max(l.CPU/10, 10*time.Millisecond))
	tick := time.NewTicker(every)
	defer tick.Stop()
	reports := sb.reports
	for {
		select {
		case <-sb.exited:
			return rep, false
		case m, ok := <-reports:
			if !ok {
				reports = nil
				continue
			}
			rep = m
			if m.Done {
				return rep, true
			}
		case <-wall.C:
			stop(endTimeout)
		case <-ctx.Done():
			stop(endCancel)
		case <-tick.C:
			if sb.cg == nil {
				continue
			}
			sb.sampleHWM()
			if cpu, ok := sb.cg.cpu(); ok && cpu >= l.CPU {
				stop(endTimeout)
			}
		}
	}
}

// sampleHWM raises sb.hwm to the largest VmHWM of the run's programs (the
// processes of its cgroup but the init), looking at no more than
// maxHWMProcs of them.
func (sb *sandbox) sampleHWM() {
	if sb.cg == nil || sb.cmd == nil || sb.cmd.Process == nil {
		return
	}
	for _, pid := range sb.cg.pids(maxHWMProcs + 1) {
		if pid == sb.cmd.Process.Pid {
			continue
		}
		raise(&sb.hwm, vmHWM(pid))
	}
}

// raise sets a to v when v is larger, safely against other writers.
func raise(a *atomic.Int64, v int64) {
	for {
		cur := a.Load()
		if v <= cur || a.CompareAndSwap(cur, v) {
			return
		}
	}
}

// maxHWMProcs bounds the processes [sandbox.sampleHWM] reads, so that a
// fork bomb costs the watcher no more than a few files.
const maxHWMProcs = 16

// vmHWM returns the resident peak of process pid in KiB, or 0 when it is
// gone or unreadable.
func vmHWM(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	_, rest, ok := bytes.Cut(b, []byte("\nVmHWM:"))
	if !ok {
		return 0
	}
	line, _, _ := bytes.Cut(rest, []byte("\n"))
	line = bytes.TrimSuffix(bytes.TrimSpace(line), []byte("kB"))
	kb, err := strconv.ParseInt(string(bytes.TrimSpace(line)), 10, 64)
	if err != nil {
		return 0
	}
	return kb
}

// judge turns kernel facts into a status.
func (sb *sandbox) judge(res Result, rep reportMsg, cause endCause, oom int64,
	l Limits) (Result, error) {
	if rep.Step != "" {
		return fail(&SetupError{rep.Step, errors.New(rep.Err)})
	}
	res.ExitCode = rep.Exit
	if rep.Signal != 0 {
		res.Signal = unix.SignalName(syscall.Signal(rep.Signal))
		res.SignalNumber = rep.Signal
	}
	switch {
	case oom > 0:
		res.Status = StatusMemoryLimit
		res.Reason = fmt.Sprintf("memory limit of %d MiB reached", l.Memory>>20)
	case cause == endTimeout || syscall.Signal(rep.Signal) == unix.SIGXCPU:
		res.Status = StatusTimeout
		res.Reason = fmt.Sprintf("time limit reached (cpu %v, wall %v)", l.CPU, l.Wall)
	case cause == endOutput:
		res.Status = StatusOutputLimit
		res.Reason = fmt.Sprintf("output over %d bytes", l.Output)
	case cause == endCancel:
		res.Status, res.Reason = StatusKilled, "run cancelled"
	case !rep.Done:
		return fail(&SetupError{"wait for program", errors.New("init ended without a report")})
	case rep.Signal != 0:
		res.Status, res.Reason = StatusKilled, "killed by "+res.Signal
	case rep.Exit != 0:
		res.Status, res.Reason = StatusError, fmt.Sprintf("exit status %d", rep.Exit)
	}
	if !rep.Done {
		res.ExitCode, res.Signal, res.SignalNumber = -1, "SIGKILL", int(unix.SIGKILL)
	}
	return res, nil
}

// capped keeps the first limit bytes written to it and calls over once when
// more arrive. It never returns an error, so the pipe is drained.
type capped struct {
	buf       bytes.Buffer
	limit     int64
	truncated bool
	over      func()
}

func (c *capped) Write(p []byte) (int, error) {
	room := c.limit - int64(c.buf.Len())
	if int64(len(p)) > room {
		c.buf.Write(p[:max(room, 0)])
		if !c.truncated {
			c.truncated = true
			c.over()
		}
		return len(p), nil
	}
	c.buf.Write(p)
	return len(p), nil
}

// pipes makes the five pipes between supervisor and init.
type pipes struct {
	child []*os.File // ends the init keeps
	own   []*os.File
	repR  *os.File
	err   error
}

func (p *pipes) pipe() (r, w *os.File) {
	if p.err != nil {
		return nil, nil
	}
	r, w, p.err = os.Pipe()
	if p.err == nil {
		p.own = append(p.own, r, w)
	}
	return r, w
}

// make returns the init's ends and stores the supervisor's.
func (p *pipes) make(stdin, stdout, stderr, ctl **os.File) (
	stdinR, stdoutW, stderrW, ctlR, repW *os.File) {
	stdinR, *stdin = p.pipe()
	*stdout, stdoutW = p.pipe()
	*stderr, stderrW = p.pipe()
	ctlR, *ctl = p.pipe()
	p.repR, repW = p.pipe()
	p.child = []*os.File{stdinR, stdoutW, stderrW, ctlR, repW}
	return
}

func (p *pipes) closeChildEnds() {
	for _, f := range p.child {
		f.Close()
	}
}

func (p *pipes) closeAll() {
	for _, f := range p.own {
		f.Close()
	}
}

// cleanup undoes setup steps in reverse order (after gVisor's pkg/cleanup).
type cleanup struct{ fns []func() }

func (c *cleanup) add(f func()) { c.fns = append(c.fns, f) }

func (c *cleanup) run() {
	for i := len(c.fns) - 1; i >= 0; i-- {
		c.fns[i]()
	}
}
